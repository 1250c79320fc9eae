"""Training and evaluation of the review models, kept apart from the networks themselves.

``train`` reports each epoch through ``on_progress`` (a CLI printer, or a Streamlit progress
bar) and never imports Streamlit. ``evaluate`` only reads the model.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from shopdl_core import config, registry
from shopdl_core.checkpoints import save_checkpoint
from shopdl_core.text.calibration import (expected_calibration_error, fit_temperature,
                                          margin_to_probability)
from shopdl_core.text.data import (ReviewSplits, contrast_examples, encode_texts, load_splits,
                                   pad_batch, training_examples)
from shopdl_core.text.metrics import binary_metrics, score_distribution
from shopdl_core.text.model import Ensemble, build_model
from shopdl_core.text.predict import MAX_TOKENS, forward_margins
from shopdl_core.text.tokenize import PAD_ID, UNK_ID, Vocabulary, tokenize
from shopdl_core.text.vectors import (context_polar_words, domain_words, extended_vocabulary, lexicon_examples, load_glove,
                                      load_vader_lexicon, lookup_valence, lookup_vectors)


@dataclass
class TrainConfig:
    epochs: int = 5
    batch_size: int = 128
    learning_rate: float = 2e-3  # decayed to 0 over ``epochs`` on a cosine
    weight_decay: float = 1e-6
    word_dropout: float = 0.15  # share of real tokens replaced by <unk> in each training batch
    clip_norm: float = 1.0  # recurrent layers can produce exploding gradients on long reviews
    patience: int = 5  # epochs without a better validation balanced accuracy before stopping
    seed: int = config.SEED  # the training's own draws: initial weights, batches, extra examples
    split_seed: int = config.SEED  # the train/validation/test split (an ensemble's members share it)
    # Levers for reviews of other things than clothes (README, "Review sentiment"):
    word_vectors: bool = True  # frozen GloVe 50-d vectors + a trainable projection
    extra_words: int = 40_000  # most frequent GloVe words added to the vocabulary
    valence_feature: bool = True  # VADER valence of each word as an input feature
    aux_weight: float = 0.5  # weight of the auxiliary loss fitting the lexicon's valences
    aux_batch: int = 256  # lexicon words per training batch for that loss
    domain_mask_rate: float = 0.0  # share of the most clothing-specific words masked per batch
    domain_word_count: int = 300  # how many words count as clothing-specific
    mask_words: str = "domain"  # "domain": typical of clothing reviews; "polar": polarity from context
    contrast_share: float = 0.3  # "<opposite sentence>, but <sentence>" examples per review
    negation_scope: bool = True  # mark negation scope, reverse valence inside it (model.py)
    average_last: int = 3  # also try the mean weights of the last N epochs (SWA); 0: off
    lexicon_examples: bool = True  # lexicon words, alone and negated, as labelled examples
    members: int = 1  # networks trained from seeds seed, seed + 1, ... whose logits are averaged
    written_repeats: int = 0  # the written reviews' dev half (reviews_ood) joins training this many times
    # Short reviews of other things written for training by writers who wrote none of the
    # out-of-domain check (assets/data/reviews_written), each joining training this many times.
    writers_repeats: int = 2
    # Leave out of training the reviews whose stars and "recommended" answer disagree
    # (a 4-star review not recommended): 1.5 % of them, the noisiest labels.
    drop_disagreeing: bool = False
    lexicon_apart: bool = False  # the lexicon examples count 1 each, as the writers' reviews do

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
    aux_loss: float | None = None  # mean auxiliary (lexicon valence) loss over the epoch


@dataclass
class TrainResult:
    best_epoch: int
    best_val_balanced_accuracy: float
    seconds: float
    history: list[EpochReport] = field(default_factory=list)
    stopped_early: bool = False
    averaged_epochs: list[int] = field(default_factory=list)  # kept weights are their mean, when set


def class_weights(labels: np.ndarray) -> torch.Tensor:
    """Inverse-frequency weights, normalised so a balanced data set would get 1.0 each.

    With ~88% positive reviews an unweighted loss is minimised by saying "positive" to
    almost everything; these weights make both classes count equally.
    """
    counts = np.bincount(labels, minlength=2).astype(np.float64)
    return torch.tensor(len(labels) / (2.0 * np.maximum(counts, 1.0)), dtype=torch.float32)


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


def _mask_ids(ids: torch.Tensor, masked: torch.Tensor | None, rate: float,
              generator: torch.Generator) -> torch.Tensor:
    # Hiding clothing words (dress, fabric, waist) at random makes the model find the verdict in
    # the opinion words that reviews of anything share, rather than in what the product was.
    if masked is None or rate <= 0:
        return ids
    hit = torch.isin(ids, masked) & (torch.rand(ids.shape, generator=generator) < rate)
    return ids.masked_fill(hit, UNK_ID)


@dataclass
class LexiconTargets:
    """Word ids and their lexicon valences in [-1, 1], for the auxiliary loss."""

    ids: torch.Tensor  # (N,) int64
    valences: torch.Tensor  # (N,) float32


def auxiliary_loss(model: nn.Module, lexicon: LexiconTargets, batch: torch.Tensor) -> torch.Tensor:
    """Mean squared error between the valence read from each word's projected pretrained vector
    and the lexicon's valence, over the lexicon rows in ``batch`` (indices into ``lexicon``)."""
    encoder = model.embedding
    predicted = encoder.valence_head(encoder.projected(lexicon.ids[batch])).squeeze(-1)  # (N,)
    return nn.functional.mse_loss(predicted, lexicon.valences[batch])


def _running_mean(mean: dict | None, state: dict, count: int) -> dict:
    """The mean of ``count`` earlier state dicts updated with ``state`` (integer tensors kept)."""
    if mean is None:
        return {key: value.detach().clone() for key, value in state.items()}
    for key, value in state.items():
        if value.is_floating_point():
            mean[key] += (value.detach() - mean[key]) / (count + 1)
    return mean


def _logits(model: nn.Module, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    output = model(ids, lengths)
    return output[0] if isinstance(output, tuple) else output


def evaluate(model: nn.Module, id_lists: list[list[int]], labels: np.ndarray,
             device: torch.device | str, weights: torch.Tensor | None = None,
             temperature: float = 1.0) -> dict:
    """Accuracy, balanced accuracy, macro-F1, confusion matrix, (class-weighted) loss and ECE."""
    margins, _ = forward_margins(model, id_lists, device)
    probs = margin_to_probability(margins, temperature)
    metrics = binary_metrics(labels, probs)
    metrics["ece"] = expected_calibration_error(probs, labels)
    chosen = np.clip(np.where(labels == 1, probs, 1.0 - probs), 1e-7, 1.0)
    sample_weights = np.ones(len(labels)) if weights is None else weights.numpy()[labels]
    metrics["loss"] = float(np.sum(-np.log(chosen) * sample_weights) / np.sum(sample_weights))
    return metrics


def train(model: nn.Module, train_ids: list[list[int]], train_labels: np.ndarray,
          val_ids: list[list[int]], val_labels: np.ndarray, settings: TrainConfig,
          device: torch.device | str, on_progress: Callable[[EpochReport], None] | None = None,
          *, masked_ids: torch.Tensor | None = None, lexicon: LexiconTargets | None = None,
          sample_weights: np.ndarray | None = None) -> TrainResult:
    """Train ``model`` in place with a class-weighted loss; keep the epoch with the best
    validation balanced accuracy, stop after ``patience`` epochs without improvement.

    ``masked_ids`` (clothing-specific words) are masked at ``settings.domain_mask_rate``;
    with ``lexicon``, ``settings.aux_weight`` times the auxiliary loss is added to each batch's.
    ``sample_weights`` (one per example) replace the class weights of ``train_labels``; each
    batch's loss is their weighted mean, as the class-weighted loss is.
    """
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    model.to(device)
    weights = class_weights(train_labels)
    use_aux = lexicon is not None and settings.aux_weight > 0
    if use_aux:
        lexicon = LexiconTargets(lexicon.ids.to(device), lexicon.valences.to(device))
    if sample_weights is None:
        sample_weights = weights.numpy()[train_labels]
    example_weights = torch.as_tensor(sample_weights, dtype=torch.float32)
    loss_fn = nn.CrossEntropyLoss(reduction="none")
    optimiser = torch.optim.Adam(model.parameters(), lr=settings.learning_rate,
                                 weight_decay=settings.weight_decay)
    # Validation accuracy jumps from epoch to epoch at a fixed rate; a decaying one settles.
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=settings.epochs)
    lengths = np.array([len(ids) for ids in train_ids])
    best_state, best_score, best_epoch, stale = None, -1.0, 0, 0
    averaged, averaged_epochs = None, []
    result = TrainResult(best_epoch=0, best_val_balanced_accuracy=0.0, seconds=0.0)
    started = time.perf_counter()
    for epoch in range(1, settings.epochs + 1):
        epoch_start = time.perf_counter()
        model.train()
        total_loss, total_count, aux_total, batches = 0.0, 0, 0.0, 0
        for batch in _length_buckets(lengths, settings.batch_size, rng):
            ids, batch_lengths = pad_batch([train_ids[i] for i in batch])
            ids = _drop_words(ids, settings.word_dropout, generator)
            ids = _mask_ids(ids, masked_ids, settings.domain_mask_rate, generator)
            targets = torch.from_numpy(train_labels[batch]).to(device)
            batch_weights = example_weights[batch].to(device)
            losses = loss_fn(_logits(model, ids.to(device), batch_lengths.to(device)), targets)
            loss = (losses * batch_weights).sum() / batch_weights.sum()
            total_loss += loss.item() * len(batch)
            if use_aux:
                rows = torch.randint(len(lexicon.ids), (settings.aux_batch,), generator=generator)
                aux = auxiliary_loss(model, lexicon, rows.to(device))
                loss = loss + settings.aux_weight * aux
                aux_total += aux.item()
            batches += 1
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), settings.clip_norm)
            optimiser.step()
            total_count += len(batch)
        schedule.step()
        if epoch > settings.epochs - settings.average_last:
            averaged = _running_mean(averaged, model.state_dict(), len(averaged_epochs))
            averaged_epochs.append(epoch)
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
                             time.perf_counter() - epoch_start, improved,
                             aux_total / batches if use_aux else None)
        result.history.append(report)
        if on_progress is not None:
            on_progress(report)
        if stale >= settings.patience:
            result.stopped_early = True
            break
    if len(averaged_epochs) >= 2:
        # Stochastic weight averaging (Izmailov et al. 2018) over the last epochs: the mean of
        # several nearby solutions often generalises better than any one of them, at no cost
        # in latency. Kept only if validation says so.
        model.load_state_dict(averaged)
        model.eval()
        score = evaluate(model, val_ids, val_labels, device, weights)["balanced_accuracy"]
        if score > best_score:
            best_state, best_score, best_epoch = averaged, score, averaged_epochs[-1]
            result.averaged_epochs = averaged_epochs
    model.load_state_dict(best_state)
    model.eval()
    result.best_epoch, result.best_val_balanced_accuracy = best_epoch, best_score
    result.seconds = time.perf_counter() - started
    return result


VOCAB_MIN_FREQ = 5  # a word must appear in 5 training texts to get a trainable row of its own
# --model value -> model name, for the recurrent models trained here (the multilingual model
# has its own script: text/encoder/sentiment_train.py).
MODEL_CHOICES = {cli: name for cli, name in registry.cli_choices("text").items()
                 if not registry.get_model_entry(name).pretrained_encoder}


@dataclass
class TrainedTextModel:
    model: nn.Module
    vocab: Vocabulary
    config: dict
    metrics: dict
    splits: ReviewSplits
    result: TrainResult
    temperature: float = 1.0


@dataclass
class WordKnowledge:
    """What the training recipe takes from outside the reviews (vectors.py)."""

    vocab: Vocabulary  # the domain vocabulary extended with lexicon and frequent GloVe words
    vectors: np.ndarray | None  # (V, 50) GloVe rows, zeros for words GloVe lacks
    valences: np.ndarray | None  # (V,) lexicon valence in [-1, 1], 0 outside the lexicon
    lexicon: LexiconTargets | None  # for the auxiliary loss
    masked_ids: torch.Tensor | None  # clothing-specific words to mask
    examples: tuple[list[str], np.ndarray] | None = None  # lexicon words as labelled texts


def gather_word_knowledge(settings: TrainConfig, domain_vocab: Vocabulary,
                          train_tokens: list[list[str]], train_labels: np.ndarray) -> WordKnowledge:
    """Extend the vocabulary and look up its vectors and valences, as the settings ask."""
    if not (settings.word_vectors or settings.valence_feature or settings.domain_mask_rate > 0
            or settings.lexicon_examples):
        return WordKnowledge(domain_vocab, None, None, None, None)
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
    masked = None
    if settings.domain_mask_rate > 0:
        if settings.mask_words == "polar":
            words = context_polar_words(train_tokens, train_labels, lexicon, top=settings.domain_word_count)
        else:
            words = domain_words(train_tokens, glove, lexicon, top=settings.domain_word_count)
        masked = torch.tensor(sorted(vocab.stoi[w] for w in words if w in vocab.stoi), dtype=torch.int64)
    examples = lexicon_examples(lexicon, vocab, seed=settings.seed) if settings.lexicon_examples else None
    return WordKnowledge(vocab, vectors, valences if settings.valence_feature else None, targets, masked, examples)


def evaluate_splits(model: nn.Module, vocab: Vocabulary, splits: ReviewSplits,
                    device: torch.device | str, temperature: float = 1.0) -> dict:
    """Test-split metrics, and how the held-out 3-star reviews spread over P(positive)."""
    test_ids = encode_texts(list(splits.test["text"]), vocab, MAX_TOKENS)
    mixed_margins, _ = forward_margins(model, encode_texts(list(splits.mixed["text"]), vocab, MAX_TOKENS), device)
    return {
        "test": evaluate(model, test_ids, splits.test["label"].to_numpy(), device, temperature=temperature),
        "mixed_3_star": score_distribution(margin_to_probability(mixed_margins, temperature)),
    }


def calibrate(model: nn.Module, vocab: Vocabulary, splits: ReviewSplits,
              device: torch.device | str) -> tuple[float, dict]:
    """The temperature fitted on the validation split, and ECE on the test split before/after."""
    val_margins, _ = forward_margins(model, encode_texts(list(splits.val["text"]), vocab, MAX_TOKENS), device)
    temperature = fit_temperature(val_margins, splits.val["label"].to_numpy())
    test_margins, _ = forward_margins(model, encode_texts(list(splits.test["text"]), vocab, MAX_TOKENS), device)
    labels = splits.test["label"].to_numpy()
    return temperature, {
        "temperature": temperature,
        "test_ece_before": expected_calibration_error(margin_to_probability(test_margins), labels),
        "test_ece_after": expected_calibration_error(margin_to_probability(test_margins, temperature), labels),
    }


def _repeated(frame, repeats: int) -> tuple[list[str], np.ndarray]:
    return list(frame["text"]) * repeats, np.tile(frame["label"].to_numpy(), repeats)


def written_examples(repeats: int) -> tuple[list[str], np.ndarray]:
    """The written reviews' dev half, ``repeats`` times: never the held-out half, which stays
    for measuring (text/ood.py)."""
    from shopdl_core.text.ood import load_ood_reviews

    return _repeated(load_ood_reviews("dev"), repeats)


def writers_examples(repeats: int) -> tuple[list[str], np.ndarray]:
    """Every review in assets/data/reviews_written, ``repeats`` times (text/written.py)."""
    from shopdl_core.text.written import load_written_reviews

    return _repeated(load_written_reviews(), repeats)


@dataclass
class _Member:
    model: nn.Module
    vocab: Vocabulary
    domain_size: int
    result: TrainResult
    examples: int
    config: dict


def _train_member(model_name: str, settings: TrainConfig, splits: ReviewSplits, device: torch.device | str,
                  model_options: dict | None, on_progress: Callable[[EpochReport], None] | None) -> _Member:
    """One network trained by the recipe: vocabulary and word knowledge, examples, training."""
    train_tokens = [tokenize(text) for text in splits.train["text"]]
    # The vocabulary counts each review once (not its title and sentence again).
    domain_vocab = Vocabulary.build(train_tokens, min_freq=VOCAB_MIN_FREQ)
    knowledge = gather_word_knowledge(settings, domain_vocab, train_tokens, splits.train["label"].to_numpy())
    vocab = knowledge.vocab
    train_frame = splits.train
    if settings.drop_disagreeing and "recommended" in train_frame.columns:
        train_frame = train_frame[train_frame["recommended"] == train_frame["label"]].reset_index(drop=True)
    # (texts, labels, balanced already?) in training order; see example_weights.
    parts = [(*training_examples(train_frame, seed=settings.seed), False)]
    if settings.contrast_share > 0:
        parts.append((*contrast_examples(train_frame, settings.contrast_share, seed=settings.seed), False))
    if knowledge.examples is not None:
        parts.append((*knowledge.examples, settings.lexicon_apart))
    if settings.written_repeats > 0:
        parts.append((*written_examples(settings.written_repeats), False))
    if settings.writers_repeats > 0:
        parts.append((*writers_examples(settings.writers_repeats), True))
    texts = [text for part in parts for text in part[0]]
    labels = np.concatenate([part[1] for part in parts])
    sample_weights = example_weights(labels, np.concatenate([np.full(len(part[1]), part[2]) for part in parts]))
    model_config = {"vocab_size": len(vocab), **(model_options or {})}
    if knowledge.vectors is not None or knowledge.valences is not None:
        model_config.update(domain_size=len(domain_vocab), valence=knowledge.valences is not None,
                            vector_dim=0 if knowledge.vectors is None else knowledge.vectors.shape[1])
    model_config["negation"] = settings.negation_scope
    # Seeded here, before the model is built, so the seed fixes the initial weights too.
    torch.manual_seed(settings.seed)
    model = build_model(model_name, model_config)
    model.embedding.set_word_knowledge(
        None if knowledge.vectors is None else torch.from_numpy(knowledge.vectors),
        None if knowledge.valences is None else torch.from_numpy(knowledge.valences),
        torch.tensor(vocab.negation_roles()) if settings.negation_scope else None)
    val_ids = encode_texts(list(splits.val["text"]), vocab, MAX_TOKENS)
    result = train(model, encode_texts(texts, vocab, MAX_TOKENS), labels, val_ids,
                   splits.val["label"].to_numpy(), settings, device, on_progress,
                   masked_ids=knowledge.masked_ids, lexicon=knowledge.lexicon, sample_weights=sample_weights)
    return _Member(model, vocab, len(domain_vocab), result, len(texts), model.config.to_dict())


def train_text_model(model_name: str, settings: TrainConfig, device: torch.device | str,
                     model_options: dict | None = None,
                     on_progress: Callable[[EpochReport], None] | None = None,
                     splits: ReviewSplits | None = None,
                     on_member: Callable[[int, int], None] | None = None) -> TrainedTextModel:
    """The whole recipe behind ``train text``: split, vocabulary and word knowledge, training
    (``settings.members`` networks, seeded seed, seed + 1, ...; averaged when more than one),
    calibration, test metrics. The same settings give the same weights.

    ``on_member(index, count)`` is called before each member's training (the CLI prints it).
    """
    splits = splits if splits is not None else load_splits(settings.split_seed)
    members = []
    for index in range(settings.members):
        if on_member is not None:
            on_member(index, settings.members)
        members.append(_train_member(model_name, replace(settings, seed=settings.seed + index), splits, device,
                                     model_options, on_progress))
        if members[-1].vocab.itos != members[0].vocab.itos:
            raise RuntimeError("Ensemble members built different vocabularies from one split.")
    first = members[0]
    if len(members) == 1:
        model, model_config = first.model, first.config
    else:
        model, model_config = Ensemble([m.model for m in members]).eval(), {**first.config, "members": len(members)}
    vocab = first.vocab
    temperature, calibration = calibrate(model, vocab, splits, device)
    evaluation = evaluate_splits(model, vocab, splits, device, temperature)
    val_ids = encode_texts(list(splits.val["text"]), vocab, MAX_TOKENS)
    validation = evaluate(model, val_ids, splits.val["label"].to_numpy(), device)["balanced_accuracy"]
    result = TrainResult(best_epoch=first.result.best_epoch, best_val_balanced_accuracy=validation,
                         seconds=sum(m.result.seconds for m in members),
                         history=[report for m in members for report in m.result.history])
    metrics = {
        "headline": {"name": "balanced accuracy", "value": evaluation["test"]["balanced_accuracy"]},
        **evaluation,
        "calibration": calibration,
        "validation": {"balanced_accuracy": validation,
                       "members": [{"seed": settings.seed + i, "best_epoch": m.result.best_epoch,
                                    "balanced_accuracy": m.result.best_val_balanced_accuracy,
                                    "averaged_epochs": m.result.averaged_epochs}
                                   for i, m in enumerate(members)]},
        "members": len(members),
        "member_train_seconds": [round(m.result.seconds, 1) for m in members],
        "epochs_run": sum(len(m.result.history) for m in members),
        "train_seconds": round(result.seconds, 1),
        "train_reviews": len(splits.train),
        "train_examples": first.examples,
        "vocabulary": {"size": len(vocab), "from_reviews": first.domain_size},
        "train_config": settings.to_dict(),
    }
    return TrainedTextModel(model, vocab, model_config, metrics, splits, result, temperature)


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
