"""The one training contract: ``fit(config, data, on_epoch=None, stop=None) -> History``.

Every trainer in ShopDL (the Fashion-MNIST CNNs, PhotoCNN, the review RNNs, the Model lab's
photo head) has that shape, so the CLI prints the same report, the lab draws it and the tests
read it:

- ``config`` is the trainer's own frozen dataclass of settings (its ``seed`` included);
- ``data`` is what it learns from, already loaded (a trainer never reads files itself);
- ``on_epoch(report)`` hears each :class:`EpochReport` as it ends;
- ``stop`` (a ``threading.Event`` or anything with ``is_set()``) is checked between batches:
  a stopped run keeps the epochs it finished and says so in ``History.stopped``.

Seeding lives in :func:`seeded`: one call at the start of a trainer fixes the initial weights,
the batch order and every random draw, so the same settings give the same run on any device.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import torch


@dataclass(frozen=True)
class EpochReport:
    epoch: int  # 1-based; 0 for a preparation stage before the first epoch (``stage`` names it)
    epochs: int  # planned
    train_loss: float  # mean training loss over the epoch's batches
    seconds: float
    train_accuracy: float | None = None
    validation_loss: float | None = None
    validation_accuracy: float | None = None  # the reviews': balanced accuracy (88 % are positive)
    improved: bool = False  # the best validation so far: the epoch a trainer that keeps one keeps
    stage: str = "train"
    extra: dict[str, float] = field(default_factory=dict)  # figures only one model has


OnEpoch = Callable[[EpochReport], None]


class StopSignal(Protocol):
    def is_set(self) -> bool: ...


@dataclass
class History:
    """What a trainer did: its reports, whether it stopped, and the model it ends with."""

    epochs: list[EpochReport] = field(default_factory=list)
    model: Any = None  # the trained model, in eval mode
    stopped: bool = False  # by ``stop``, before the planned epochs
    stopped_early: bool = False  # by the trainer's own patience
    best_epoch: int | None = None  # the epoch whose weights were kept, where a trainer chooses one
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)  # what only one trainer records

    @property
    def last(self) -> EpochReport | None:
        trained = [report for report in self.epochs if report.stage == "train"]
        return trained[-1] if trained else None

    def add(self, report: EpochReport, on_epoch: OnEpoch | None) -> None:
        self.epochs.append(report)
        if on_epoch is not None:
            on_epoch(report)


class Trainer(Protocol):
    def __call__(self, config: Any, data: Any, on_epoch: OnEpoch | None = None,
                 stop: StopSignal | None = None) -> History: ...


def seeded(seed: int) -> torch.Generator:
    """Seed torch's global generator (initial weights, dropout) and return a CPU generator for
    the trainer's own draws (batch order, augmentation), so a run is the same on any device."""
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def take_step(optimiser: torch.optim.Optimizer, loss: torch.Tensor, schedule=None,
              clip: tuple[Any, float] | None = None) -> None:
    """One optimiser step on ``loss``: clear the gradients, back-propagate, clip them to
    ``clip = (parameters, max_norm)`` when given, step, then step a per-batch ``schedule``."""
    optimiser.zero_grad(set_to_none=True)
    loss.backward()
    if clip is not None:
        torch.nn.utils.clip_grad_norm_(*clip)
    optimiser.step()
    if schedule is not None:
        schedule.step()


def should_stop(stop: StopSignal | None) -> bool:
    return stop is not None and stop.is_set()


class Stopwatch:
    """Seconds since it was made (or last ``lap``)."""

    def __init__(self):
        self.started = time.perf_counter()

    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def lap(self) -> float:
        now = time.perf_counter()
        seconds, self.started = now - self.started, now
        return seconds
