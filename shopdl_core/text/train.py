"""The training loop of the review models (the training contract, ``shopdl_core/training.py``).

``fit(settings, data)`` builds the network the recipe (``recipe.py``) prepared the data for,
trains it with a class-weighted loss, and keeps the epoch with the best validation balanced
accuracy (or the mean of the last epochs' weights, when validation prefers it).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from shopdl_core import config, registry
from shopdl_core.device import pick_device
from shopdl_core.text.data import pad_batch
from shopdl_core.text.evaluation import evaluate
from shopdl_core.text.tokenize import PAD_ID, UNK_ID
from shopdl_core.training import EpochReport, History, OnEpoch, StopSignal, Stopwatch, seeded, should_stop, take_step


@dataclass(frozen=True)
class TextTrainConfig:
    """Every setting of the shipped review models' training: the loop's and the recipe's."""

    epochs: int = 5
    batch_size: int = 128
    learning_rate: float = 2e-3  # decayed to 0 over ``epochs`` on a cosine
    weight_decay: float = 1e-6
    word_dropout: float = 0.15  # share of real tokens replaced by <unk> in each training batch
    clip_norm: float = 1.0  # recurrent layers can produce exploding gradients on long reviews
    patience: int = 5  # epochs without a better validation balanced accuracy before stopping
    seed: int = config.SEED  # the training's own draws: initial weights, batches, extra examples
    split_seed: int = config.SEED  # the train/validation/test split
    # What the recipe takes from outside the clothing reviews (README, "Review sentiment"):
    word_vectors: bool = True  # frozen GloVe 50-d vectors + a trainable projection
    extra_words: int = 40_000  # most frequent GloVe words added to the vocabulary
    valence_feature: bool = True  # VADER valence of each word as an input feature
    aux_weight: float = 0.5  # weight of the auxiliary loss fitting the lexicon's valences
    aux_batch: int = 256  # lexicon words per training batch for that loss
    contrast_share: float = 0.3  # "<opposite sentence>, but <sentence>" examples per review
    negation_scope: bool = True  # mark negation scope, reverse valence inside it (model.py)
    average_last: int = 3  # also try the mean weights of the last N epochs (SWA); 0: off
    lexicon_examples: bool = True  # lexicon words, alone and negated, as labelled examples
    # Short reviews of other things written for training by writers who wrote none of the
    # out-of-domain check (assets/data/reviews_written), each joining training this many times.
    writers_repeats: int = 2

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class LexiconTargets:
    """Word ids and their lexicon valences in [-1, 1], for the auxiliary loss."""

    ids: torch.Tensor  # (N,) int64
    valences: torch.Tensor  # (N,) float32


@dataclass
class TextData:
    """What the recipe prepared: the network to build and what it learns from."""

    model_name: str
    model_config: dict  # for registry.build_model
    word_tables: tuple  # (vectors, valences, negation roles), each a tensor or None
    train_ids: list[list[int]]
    train_labels: np.ndarray
    sample_weights: np.ndarray  # one loss weight per training example
    val_ids: list[list[int]]
    val_labels: np.ndarray
    lexicon: LexiconTargets | None = None  # for the auxiliary loss
    device: torch.device | str | None = None  # default: pick_device()


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


def build_network(data: TextData) -> nn.Module:
    model = registry.build_model(data.model_name, data.model_config)
    model.embedding.set_word_knowledge(*data.word_tables)
    return model


def fit(settings: TextTrainConfig, data: TextData, on_epoch: OnEpoch | None = None, stop: StopSignal | None = None) -> History:
    """Train a fresh network on ``data`` (the loop's part of ``settings``).

    Keeps the epoch with the best validation balanced accuracy and stops after ``patience``
    epochs without one; with the lexicon, ``aux_weight`` times the auxiliary loss joins each
    batch's. Each batch's loss is the mean of its examples' losses weighted by
    ``data.sample_weights``.
    """
    device = data.device or pick_device()
    seeded(settings.seed)  # the initial weights
    model = build_network(data).to(device)
    generator = seeded(settings.seed)
    rng = np.random.default_rng(settings.seed)
    weights = class_weights(data.train_labels)
    lexicon = data.lexicon
    use_aux = lexicon is not None and settings.aux_weight > 0
    if use_aux:
        lexicon = LexiconTargets(lexicon.ids.to(device), lexicon.valences.to(device))
    example_weights = torch.as_tensor(data.sample_weights, dtype=torch.float32)
    loss_fn = nn.CrossEntropyLoss(reduction="none")
    optimiser = torch.optim.Adam(model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    # Validation accuracy jumps from epoch to epoch at a fixed rate; a decaying one settles.
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=settings.epochs)
    lengths = np.array([len(ids) for ids in data.train_ids])
    best_state, best_score, stale = None, -1.0, 0
    averaged, averaged_epochs = None, []
    history, whole = History(model=model), Stopwatch()
    for epoch in range(1, settings.epochs + 1):
        clock = Stopwatch()
        model.train()
        total_loss, total_count, aux_total, batches = 0.0, 0, 0.0, 0
        for batch in _length_buckets(lengths, settings.batch_size, rng):
            if should_stop(stop):
                history.stopped = True
                break
            ids, batch_lengths = pad_batch([data.train_ids[i] for i in batch])
            ids = _drop_words(ids, settings.word_dropout, generator)
            targets = torch.from_numpy(data.train_labels[batch]).to(device)
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
            take_step(optimiser, loss, clip=(model.parameters(), settings.clip_norm))
            total_count += len(batch)
        if history.stopped:
            break
        schedule.step()
        if epoch > settings.epochs - settings.average_last:
            averaged = _running_mean(averaged, model.state_dict(), len(averaged_epochs))
            averaged_epochs.append(epoch)
        model.eval()
        val = evaluate(model, data.val_ids, data.val_labels, device, weights)
        improved = val["balanced_accuracy"] > best_score
        if improved:
            best_state = copy.deepcopy(model.state_dict())
            best_score, history.best_epoch, stale = val["balanced_accuracy"], epoch, 0
        else:
            stale += 1
        history.add(EpochReport(epoch, settings.epochs, total_loss / total_count, clock.seconds(),
                                validation_loss=val["loss"], validation_accuracy=val["balanced_accuracy"],
                                improved=improved,
                                extra={"val_macro_f1": val["macro_f1"],
                                       **({"aux_loss": aux_total / batches} if use_aux else {})}), on_epoch)
        if stale >= settings.patience:
            history.stopped_early = True
            break
    history.details["averaged_epochs"] = []
    if len(averaged_epochs) >= 2:
        # Stochastic weight averaging (Izmailov et al. 2018) over the last epochs: the mean of
        # several nearby solutions often generalises better than any one of them, at no cost
        # in latency. Kept only if validation says so.
        model.load_state_dict(averaged)
        model.eval()
        score = evaluate(model, data.val_ids, data.val_labels, device, weights)["balanced_accuracy"]
        if score > best_score:
            best_state, best_score, history.best_epoch = averaged, score, averaged_epochs[-1]
            history.details["averaged_epochs"] = averaged_epochs
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    history.details["best_val_balanced_accuracy"] = best_score
    history.seconds = whole.seconds()
    return history
