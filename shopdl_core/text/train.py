"""Training and evaluation of the review models, kept apart from the networks themselves.

``train`` reports each epoch through ``on_progress`` (a CLI printer, or a Streamlit progress
bar) and never imports Streamlit. ``evaluate`` only reads the model.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from shopdl_core import config, registry
from shopdl_core.checkpoints import save_checkpoint
from shopdl_core.text.data import (ReviewSplits, encode_texts, load_splits, pad_batch,
                                   training_examples)
from shopdl_core.text.metrics import binary_metrics, score_distribution
from shopdl_core.text.model import build_model
from shopdl_core.text.predict import MAX_TOKENS, forward_ids
from shopdl_core.text.tokenize import PAD_ID, UNK_ID, Vocabulary, tokenize


@dataclass
class TrainConfig:
    epochs: int = 8
    batch_size: int = 128
    learning_rate: float = 2e-3  # decayed to 0 over ``epochs`` on a cosine
    weight_decay: float = 1e-6
    word_dropout: float = 0.25  # share of real tokens replaced by <unk> in each training batch
    clip_norm: float = 1.0  # recurrent layers can produce exploding gradients on long reviews
    patience: int = 5  # epochs without a better validation balanced accuracy before stopping
    seed: int = config.SEED

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class EpochReport:
    epoch: int
    epochs: int
    train_loss: float
    val_loss: float
    val_balanced_accuracy: float
    val_macro_f1: float
    seconds: float
    improved: bool


@dataclass
class TrainResult:
    best_epoch: int
    best_val_balanced_accuracy: float
    seconds: float
    history: list[EpochReport] = field(default_factory=list)
    stopped_early: bool = False


def class_weights(labels: np.ndarray) -> torch.Tensor:
    """Inverse-frequency weights, normalised so a balanced data set would get 1.0 each.

    With ~88% positive reviews an unweighted loss is minimised by saying "positive" to
    almost everything; these weights make both classes count equally.
    """
    counts = np.bincount(labels, minlength=2).astype(np.float64)
    return torch.tensor(len(labels) / (2.0 * np.maximum(counts, 1.0)), dtype=torch.float32)


def _length_buckets(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    # Shuffle, then sort by length inside windows of 50 batches: batches hold reviews of
    # similar length (little padding) while their order and make-up still change each epoch.
    order = rng.permutation(len(lengths))
    window = batch_size * 50
    batches = []
    for start in range(0, len(order), window):
        chunk = order[start:start + window]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches.extend(chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def _drop_words(ids: torch.Tensor, rate: float, generator: torch.Generator) -> torch.Tensor:
    # Replacing random words by <unk> teaches the model to judge from several cues, and to cope
    # with the unknown words that reviews of other products are full of.
    if rate <= 0:
        return ids
    dropped = (torch.rand(ids.shape, generator=generator) < rate) & (ids != PAD_ID)
    return ids.masked_fill(dropped, UNK_ID)


def _logits(model: nn.Module, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    output = model(ids, lengths)
    return output[0] if isinstance(output, tuple) else output


def evaluate(model: nn.Module, id_lists: list[list[int]], labels: np.ndarray,
             device: torch.device | str, weights: torch.Tensor | None = None) -> dict:
    """Accuracy, balanced accuracy, macro-F1, confusion matrix and (class-weighted) loss."""
    probs, _ = forward_ids(model, id_lists, device)
    metrics = binary_metrics(labels, probs)
    chosen = np.clip(np.where(labels == 1, probs, 1.0 - probs), 1e-7, 1.0)
    sample_weights = np.ones(len(labels)) if weights is None else weights.numpy()[labels]
    metrics["loss"] = float(np.sum(-np.log(chosen) * sample_weights) / np.sum(sample_weights))
    return metrics


def train(model: nn.Module, train_ids: list[list[int]], train_labels: np.ndarray,
          val_ids: list[list[int]], val_labels: np.ndarray, settings: TrainConfig,
          device: torch.device | str, on_progress: Callable[[EpochReport], None] | None = None) -> TrainResult:
    """Train ``model`` in place with a class-weighted loss; keep the epoch with the best
    validation balanced accuracy, stop after ``patience`` epochs without improvement."""
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    model.to(device)
    weights = class_weights(train_labels)
    loss_fn = nn.CrossEntropyLoss(weight=weights.to(device))
    optimiser = torch.optim.Adam(model.parameters(), lr=settings.learning_rate,
                                 weight_decay=settings.weight_decay)
    # Validation accuracy jumps from epoch to epoch at a fixed rate; a decaying one settles.
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=settings.epochs)
    lengths = np.array([len(ids) for ids in train_ids])
    best_state, best_score, best_epoch, stale = None, -1.0, 0, 0
    result = TrainResult(best_epoch=0, best_val_balanced_accuracy=0.0, seconds=0.0)
    started = time.perf_counter()
    for epoch in range(1, settings.epochs + 1):
        epoch_start = time.perf_counter()
        model.train()
        total_loss, total_count = 0.0, 0
        for batch in _length_buckets(lengths, settings.batch_size, rng):
            ids, batch_lengths = pad_batch([train_ids[i] for i in batch])
            ids = _drop_words(ids, settings.word_dropout, generator)
            targets = torch.from_numpy(train_labels[batch]).to(device)
            loss = loss_fn(_logits(model, ids.to(device), batch_lengths.to(device)), targets)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), settings.clip_norm)
            optimiser.step()
            total_loss += loss.item() * len(batch)
            total_count += len(batch)
        schedule.step()
        model.eval()
        val = evaluate(model, val_ids, val_labels, device, weights)
        improved = val["balanced_accuracy"] > best_score
        if improved:
            best_state = copy.deepcopy(model.state_dict())
            best_score, best_epoch, stale = val["balanced_accuracy"], epoch, 0
        else:
            stale += 1
        report = EpochReport(epoch, settings.epochs, total_loss / total_count, val["loss"],
                             val["balanced_accuracy"], val["macro_f1"],
                             time.perf_counter() - epoch_start, improved)
        result.history.append(report)
        if on_progress is not None:
            on_progress(report)
        if stale >= settings.patience:
            result.stopped_early = True
            break
    model.load_state_dict(best_state)
    model.eval()
    result.best_epoch, result.best_val_balanced_accuracy = best_epoch, best_score
    result.seconds = time.perf_counter() - started
    return result


VOCAB_MIN_FREQ = 5  # a word must appear in 5 training texts: rare product words become <unk>
MODEL_CHOICES = registry.cli_choices("text")  # --model value -> model name


@dataclass
class TrainedTextModel:
    model: nn.Module
    vocab: Vocabulary
    config: dict
    metrics: dict
    splits: ReviewSplits
    result: TrainResult


def evaluate_splits(model: nn.Module, vocab: Vocabulary, splits: ReviewSplits,
                    device: torch.device | str) -> dict:
    """Test-split metrics, and how the held-out 3-star reviews spread over P(positive)."""
    test_ids = encode_texts(list(splits.test["text"]), vocab, MAX_TOKENS)
    mixed_probs, _ = forward_ids(model, encode_texts(list(splits.mixed["text"]), vocab, MAX_TOKENS), device)
    return {
        "test": evaluate(model, test_ids, splits.test["label"].to_numpy(), device),
        "mixed_3_star": score_distribution(mixed_probs),
    }


def train_text_model(model_name: str, settings: TrainConfig, device: torch.device | str,
                     model_options: dict | None = None,
                     on_progress: Callable[[EpochReport], None] | None = None,
                     splits: ReviewSplits | None = None) -> TrainedTextModel:
    """The whole recipe behind ``train text``: split, vocabulary, training, test metrics."""
    splits = splits if splits is not None else load_splits(settings.seed)
    # The vocabulary counts each review once (not its title and sentence again).
    vocab = Vocabulary.build((tokenize(text) for text in splits.train["text"]), min_freq=VOCAB_MIN_FREQ)
    texts, labels = training_examples(splits.train, seed=settings.seed)
    model_config = {"vocab_size": len(vocab), **(model_options or {})}
    model = build_model(model_name, model_config)
    val_ids = encode_texts(list(splits.val["text"]), vocab, MAX_TOKENS)
    result = train(model, encode_texts(texts, vocab, MAX_TOKENS), labels, val_ids,
                   splits.val["label"].to_numpy(), settings, device, on_progress)
    evaluation = evaluate_splits(model, vocab, splits, device)
    metrics = {
        "headline": {"name": "balanced accuracy", "value": evaluation["test"]["balanced_accuracy"]},
        **evaluation,
        "validation": {"balanced_accuracy": result.best_val_balanced_accuracy, "best_epoch": result.best_epoch},
        "epochs_run": len(result.history),
        "train_seconds": round(result.seconds, 1),
        "train_reviews": len(splits.train),
        "train_examples": len(texts),
        "train_config": settings.to_dict(),
    }
    return TrainedTextModel(model, vocab, model.config.to_dict(), metrics, splits, result)


def save_text_model(trained: TrainedTextModel, model_name: str, path: Path | None = None) -> Path:
    """Write the checkpoint (weights, config, vocabulary, split seed, metrics, data fingerprint)."""
    return save_checkpoint(
        path or config.checkpoint_path(model_name),
        trained.model,
        kind="text",
        model_name=model_name,
        config=trained.config,
        metrics=trained.metrics,
        fingerprint=trained.splits.fingerprint,
        extras={"vocab": trained.vocab.itos, "split_seed": trained.splits.seed},
        trained_on=f"Women's E-Commerce Clothing Reviews ({len(trained.splits.train):,} train reviews)",
    )
