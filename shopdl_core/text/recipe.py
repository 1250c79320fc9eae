"""The recipe behind ``train text``: vocabulary and word knowledge, training examples and their
weights, then the loop (``train.py``), calibration and the test metrics, and the checkpoint.

Levers that were measured and not kept (masking words, ensembles, training on the written
reviews' dev half, ...) are described with their figures in ``experiments/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from shopdl_core import config
from shopdl_core.checkpoints import save_checkpoint
from shopdl_core.text.data import ReviewSplits, contrast_examples, encode_texts, load_splits, training_examples
from shopdl_core.text.evaluation import calibrate, evaluate, evaluate_splits
from shopdl_core.text.predict import MAX_TOKENS
from shopdl_core.text.tokenize import Vocabulary, tokenize
from shopdl_core.text.train import LexiconTargets, TextData, TextTrainConfig, class_weights, fit
from shopdl_core.text.vectors import (extended_vocabulary, lexicon_examples, load_glove, load_vader_lexicon,
                                      lookup_valence, lookup_vectors)
from shopdl_core.training import History, OnEpoch, StopSignal

VOCAB_MIN_FREQ = 5  # a word must appear in 5 training texts to get a trainable row of its own


def default_training(model_name: str = "AttentionRNN") -> TextTrainConfig:
    """Both shipped review models train with the same settings."""
    return TextTrainConfig()


@dataclass
class TrainedTextModel:
    model: nn.Module
    vocab: Vocabulary
    config: dict
    metrics: dict
    splits: ReviewSplits
    history: History
    temperature: float = 1.0


@dataclass
class WordKnowledge:
    """What the training recipe takes from outside the reviews (vectors.py)."""

    vocab: Vocabulary  # the domain vocabulary extended with lexicon and frequent GloVe words
    vectors: np.ndarray | None  # (V, 50) GloVe rows, zeros for words GloVe lacks
    valences: np.ndarray | None  # (V,) lexicon valence in [-1, 1], 0 outside the lexicon
    lexicon: LexiconTargets | None  # for the auxiliary loss
    examples: tuple[list[str], np.ndarray] | None = None  # lexicon words as labelled texts


def gather_word_knowledge(settings: TextTrainConfig, domain_vocab: Vocabulary) -> WordKnowledge:
    """Extend the vocabulary and look up its vectors and valences, as the settings ask."""
    if not (settings.word_vectors or settings.valence_feature or settings.lexicon_examples):
        return WordKnowledge(domain_vocab, None, None, None)
    glove, lexicon = load_glove(), load_vader_lexicon()
    vocab = domain_vocab
    if settings.word_vectors:
        vocab = extended_vocabulary(domain_vocab, glove, lexicon, settings.extra_words)
    vectors = lookup_vectors(vocab, glove) if settings.word_vectors else None
    valences = lookup_valence(vocab, lexicon)
    targets = None
    if settings.word_vectors and settings.aux_weight > 0:
        rows = np.flatnonzero((valences != 0) & (np.abs(vectors).sum(axis=1) > 0))
        targets = LexiconTargets(torch.from_numpy(rows), torch.from_numpy(valences[rows]))
    examples = lexicon_examples(lexicon, vocab, seed=settings.seed) if settings.lexicon_examples else None
    return WordKnowledge(vocab, vectors, valences if settings.valence_feature else None, targets, examples)


def example_weights(labels: np.ndarray, balanced: np.ndarray) -> np.ndarray:
    """A loss weight per training example: 1 where ``balanced`` (examples that come balanced
    already: the writers' reviews), and the class weights of the other examples' labels (the
    clothing reviews and what is cut or made from them) elsewhere.

    Pooled with the clothing reviews, the writers' many negatives would lower the weight of the
    clothing negatives and tilt the model to "positive" in domain (measured: test balanced
    accuracy 0.903 pooled, 0.9215 apart).
    """
    weights = np.ones(len(labels), dtype=np.float32)
    weights[~balanced] = class_weights(labels[~balanced]).numpy()[labels[~balanced]]
    return weights


def writers_examples(repeats: int) -> tuple[list[str], np.ndarray]:
    """Every review in assets/data/reviews_written, ``repeats`` times (text/written.py)."""
    from shopdl_core.text.written import load_written_reviews

    frame = load_written_reviews()
    return list(frame["text"]) * repeats, np.tile(frame["label"].to_numpy(), repeats)


def training_parts(settings: TextTrainConfig, splits: ReviewSplits,
                   knowledge: WordKnowledge) -> list[tuple[list[str], np.ndarray, bool]]:
    """(texts, labels, balanced already?) in training order; see example_weights."""
    parts = [(*training_examples(splits.train, seed=settings.seed), False)]
    if settings.contrast_share > 0:
        parts.append((*contrast_examples(splits.train, settings.contrast_share, seed=settings.seed), False))
    if knowledge.examples is not None:
        parts.append((*knowledge.examples, False))
    if settings.writers_repeats > 0:
        parts.append((*writers_examples(settings.writers_repeats), True))
    return parts


def prepare_training(model_name: str, settings: TextTrainConfig, splits: ReviewSplits,
                     device: torch.device | str, model_options: dict | None = None) -> tuple[TextData, Vocabulary, int]:
    """The loop's data for ``model_name``, the vocabulary and the domain vocabulary's size."""
    train_tokens = [tokenize(text) for text in splits.train["text"]]
    # The vocabulary counts each review once (not its title and sentence again).
    domain_vocab = Vocabulary.build(train_tokens, min_freq=VOCAB_MIN_FREQ)
    knowledge = gather_word_knowledge(settings, domain_vocab)
    vocab = knowledge.vocab
    parts = training_parts(settings, splits, knowledge)
    texts = [text for part in parts for text in part[0]]
    labels = np.concatenate([part[1] for part in parts])
    weights = example_weights(labels, np.concatenate([np.full(len(part[1]), part[2]) for part in parts]))
    model_config = {"vocab_size": len(vocab), **(model_options or {})}
    if knowledge.vectors is not None or knowledge.valences is not None:
        model_config.update(domain_size=len(domain_vocab), valence=knowledge.valences is not None,
                            vector_dim=0 if knowledge.vectors is None else knowledge.vectors.shape[1])
    model_config["negation"] = settings.negation_scope
    tables = (None if knowledge.vectors is None else torch.from_numpy(knowledge.vectors),
              None if knowledge.valences is None else torch.from_numpy(knowledge.valences),
              torch.tensor(vocab.negation_roles()) if settings.negation_scope else None)
    data = TextData(model_name, model_config, tables, encode_texts(texts, vocab, MAX_TOKENS), labels, weights,
                    encode_texts(list(splits.val["text"]), vocab, MAX_TOKENS), splits.val["label"].to_numpy(),
                    knowledge.lexicon, device)
    return data, vocab, len(domain_vocab)


def train_text_model(model_name: str, settings: TextTrainConfig, device: torch.device | str,
                     model_options: dict | None = None, on_epoch: OnEpoch | None = None,
                     splits: ReviewSplits | None = None, stop: StopSignal | None = None) -> TrainedTextModel:
    """The whole recipe behind ``train text``: split, vocabulary and word knowledge, training,
    calibration, test metrics. The same settings give the same weights."""
    splits = splits if splits is not None else load_splits(settings.split_seed)
    data, vocab, domain_size = prepare_training(model_name, settings, splits, device, model_options)
    history = fit(settings, data, on_epoch, stop)
    model = history.model
    temperature, calibration = calibrate(model, vocab, splits, device)
    evaluation = evaluate_splits(model, vocab, splits, device, temperature)
    validation = evaluate(model, data.val_ids, data.val_labels, device)["balanced_accuracy"]
    metrics = {
        "headline": {"name": "balanced accuracy", "value": evaluation["test"]["balanced_accuracy"]},
        **evaluation,
        "calibration": calibration,
        "validation": {"balanced_accuracy": validation, "best_epoch": history.best_epoch,
                       "averaged_epochs": history.details["averaged_epochs"]},
        "epochs_run": len(history.epochs),
        "train_seconds": round(history.seconds, 1),
        "train_reviews": len(splits.train),
        "train_examples": len(data.train_ids),
        "vocabulary": {"size": len(vocab), "from_reviews": domain_size},
        "train_config": settings.to_dict(),
    }
    return TrainedTextModel(model, vocab, model.config.to_dict(), metrics, splits, history, temperature)


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
        extras={"vocab": trained.vocab.itos, "split_seed": trained.splits.seed,
                "temperature": trained.temperature},
        trained_on=f"Women's E-Commerce Clothing Reviews ({len(trained.splits.train):,} train reviews)",
    )
