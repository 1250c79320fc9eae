"""Training and evaluation of the Fashion-MNIST classifiers, and the pipeline that ships a checkpoint.

``fit`` follows the training contract (``shopdl_core/training.py``): settings, data, an
``on_epoch`` callback and a ``stop`` event, returning a ``History`` that holds the model.
``evaluate`` only reads a model.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from shopdl_core import config, registry
from shopdl_core.checkpoints import save_checkpoint
from shopdl_core.device import pick_device
from shopdl_core.errors import InputError
from shopdl_core.metrics import accuracy, confusion_matrix, per_class_accuracy
from shopdl_core.training import EpochReport, History, OnEpoch, StopSignal, Stopwatch, seeded, should_stop, take_step
from shopdl_core.vision.data import augment, data_fingerprint, iterate_batches, load_split, normalise
from shopdl_core.vision.model import model_config

TRAINED_ON = "Fashion-MNIST train (60,000 images)"


@dataclass(frozen=True)
class FashionTrainConfig:
    model: str  # SeedCNN or ProductCNN (the registry builds it)
    epochs: int
    batch_size: int = 128
    learning_rate: float = 3e-3  # the peak of the one-cycle schedule
    weight_decay: float = 1e-4
    augment: bool = False
    label_smoothing: float = 0.0
    seed: int = config.SEED
    model_config: dict = field(default_factory=dict)  # the network's settings (default: its own)


# Defaults per model: the seed network as the seed trained it (plain), ProductCNN with
# augmentation. Both fit well inside the 15-minute budget on a 2-core CPU.
DEFAULT_TRAINING = {
    "SeedCNN": FashionTrainConfig("SeedCNN", epochs=15),
    "ProductCNN": FashionTrainConfig("ProductCNN", epochs=17, augment=True),
}


def default_training(model_name: str) -> FashionTrainConfig:
    if model_name not in DEFAULT_TRAINING:
        raise InputError(f"Unknown Fashion-MNIST model {model_name!r}: use one of {', '.join(DEFAULT_TRAINING)}.")
    return DEFAULT_TRAINING[model_name]


@dataclass(frozen=True)
class FashionData:
    images: np.ndarray  # (N, 28, 28) uint8
    labels: np.ndarray  # (N,)
    device: torch.device | None = None  # where to train (default: pick_device())


@dataclass(frozen=True)
class Evaluation:
    accuracy: float
    loss: float
    per_class_accuracy: dict[str, float]
    confusion: list[list[int]]  # confusion[true][predicted], in class order

    def as_metrics(self) -> dict:
        return asdict(self)


def fit(settings: FashionTrainConfig, data: FashionData, on_epoch: OnEpoch | None = None,
        stop: StopSignal | None = None) -> History:
    """Build ``settings.model`` and train it on ``data`` with AdamW and a one-cycle schedule.

    No validation split: the recipe was fixed before the test set was ever scored.
    """
    if settings.epochs < 1:
        raise InputError(f"epochs must be at least 1, got {settings.epochs}.")
    device = data.device or pick_device()
    seeded(settings.seed)  # the initial weights
    model = registry.build_model(settings.model, settings.model_config).to(device)
    generator = seeded(settings.seed)  # the batch order, augmentation and dropout
    inputs = normalise(data.images).to(device)  # (N, 1, 28, 28)
    targets = torch.from_numpy(data.labels.astype(np.int64)).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    steps = math.ceil(len(targets) / settings.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=settings.learning_rate, epochs=settings.epochs, steps_per_epoch=steps
    )
    # The model outputs logits: cross_entropy applies log-softmax itself (no softmax before it).
    loss_fn = nn.CrossEntropyLoss(label_smoothing=settings.label_smoothing)
    history, whole = History(model=model), Stopwatch()
    for epoch in range(1, settings.epochs + 1):
        model.train()
        clock = Stopwatch()
        total_loss = torch.zeros((), device=device)
        correct = torch.zeros((), device=device, dtype=torch.long)
        # Order and augmentation are drawn on the CPU generator, so a run is the same on any device.
        for batch, batch_targets in iterate_batches(inputs, targets, settings.batch_size, generator):
            if should_stop(stop):
                history.stopped = True
                break
            if settings.augment:
                batch = augment(batch.cpu(), generator).to(device)
            logits = model(batch)
            loss = loss_fn(logits, batch_targets)
            take_step(optimizer, loss, schedule)
            total_loss += loss.detach() * len(batch_targets)
            correct += (logits.argmax(1) == batch_targets).sum()
        if history.stopped:
            break
        history.add(EpochReport(epoch, settings.epochs, float(total_loss) / len(targets), clock.seconds(),
                                train_accuracy=float(correct) / len(targets)), on_epoch)
    model.eval()
    history.seconds = whole.seconds()
    return history


def predict_logits(model: nn.Module, inputs: torch.Tensor, device: torch.device, batch_size: int = 1000) -> torch.Tensor:
    """Logits (N, classes) on the CPU for normalised inputs (N, 1, 28, 28); model in eval mode."""
    with torch.inference_mode():
        return torch.cat([model(inputs[i:i + batch_size].to(device)).cpu() for i in range(0, len(inputs), batch_size)])


def evaluate(
    model: nn.Module,
    images: np.ndarray,
    labels: np.ndarray,
    device: torch.device,
    class_names: tuple[str, ...] = config.FASHION_CLASSES,
) -> Evaluation:
    """Accuracy, loss, per-class accuracy and confusion matrix of an eval-mode model."""
    logits = predict_logits(model, normalise(images), device)
    targets = torch.from_numpy(labels.astype(np.int64))
    confusion = confusion_matrix(labels, logits.argmax(1).numpy(), len(class_names))
    return Evaluation(
        accuracy=accuracy(confusion),
        loss=float(nn.functional.cross_entropy(logits, targets)),
        per_class_accuracy=per_class_accuracy(confusion, class_names),
        confusion=confusion.tolist(),
    )


@dataclass
class TrainingResult:
    model: nn.Module
    path: Path
    evaluation: Evaluation
    history: History


def train_and_save(
    model_name: str,
    device: torch.device,
    epochs: int | None = None,
    path: Path | None = None,
    on_epoch: OnEpoch | None = None,
    photo_like_metrics: Callable[[nn.Module], dict] | None = None,
) -> TrainingResult:
    """Train ``model_name`` on the 60,000 training images, evaluate it on the 10,000 test
    images and write the checkpoint (default: its shipped path in assets/models).

    ``photo_like_metrics(model)`` adds the photo-like measurement to the stored metrics.
    """
    settings = default_training(model_name)
    if epochs is not None:
        settings = replace(settings, epochs=epochs)
    history = fit(settings, FashionData(*load_split("train"), device=device), on_epoch)
    model = history.model
    evaluation = evaluate(model, *load_split("test"), device)
    metrics = {
        "headline": {"name": "test accuracy", "value": evaluation.accuracy},
        **evaluation.as_metrics(),
        "train_seconds": round(history.seconds, 1),
        "train_device": str(device),
        "training": asdict(settings),
        "history": [asdict(report) for report in history.epochs],
    }
    if photo_like_metrics is not None:
        metrics.update(photo_like_metrics(model))
    path = save_checkpoint(
        path or config.checkpoint_path(model_name),
        model,
        kind="vision",
        model_name=model_name,
        config=model_config(model),
        metrics=metrics,
        fingerprint=data_fingerprint(),
        extras={"class_names": list(config.FASHION_CLASSES)},
        trained_on=TRAINED_ON,
    )
    return TrainingResult(model=model.cpu().eval(), path=path, evaluation=evaluation, history=history)
