"""Training and evaluation of the image classifiers, and the pipeline that ships a checkpoint.

``train()`` and ``evaluate()`` are separate functions over a model, tensors and a device;
``train()`` reports each epoch through ``on_progress`` so the CLI prints it and a page can
drive a progress bar, without this module knowing about either.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from shopdl_core import config
from shopdl_core.checkpoints import save_checkpoint
from shopdl_core.errors import InputError
from shopdl_core.vision.data import augment, data_fingerprint, iterate_batches, load_split, normalise
from shopdl_core.vision.model import MODELS, build_model, model_config

TRAINED_ON = "Fashion-MNIST train (60,000 images)"


@dataclass(frozen=True)
class TrainConfig:
    epochs: int
    batch_size: int = 128
    learning_rate: float = 3e-3  # the peak of the one-cycle schedule
    weight_decay: float = 1e-4
    augment: bool = False
    label_smoothing: float = 0.0
    seed: int = config.SEED


# Defaults per model: the seed network as the seed trained it (plain), ProductCNN with
# augmentation. Both fit well inside the 15-minute budget on a 2-core CPU.
DEFAULT_TRAINING = {
    "SeedCNN": TrainConfig(epochs=15),
    "ProductCNN": TrainConfig(epochs=17, augment=True),
}


@dataclass(frozen=True)
class EpochReport:
    epoch: int
    epochs: int
    loss: float  # mean training cross-entropy over the epoch
    accuracy: float  # training accuracy over the epoch (on augmented images when augmenting)
    seconds: float


@dataclass(frozen=True)
class Evaluation:
    accuracy: float
    loss: float
    per_class_accuracy: dict[str, float]
    confusion: list[list[int]]  # confusion[true][predicted], in class order

    def as_metrics(self) -> dict:
        return asdict(self)


def train(
    model: nn.Module,
    images: np.ndarray,
    labels: np.ndarray,
    settings: TrainConfig,
    device: torch.device,
    on_progress: Callable[[EpochReport], None] | None = None,
) -> list[EpochReport]:
    """Train ``model`` in place on uint8 images (N, 28, 28) and labels (N,); returns the epochs."""
    if settings.epochs < 1:
        raise InputError(f"epochs must be at least 1, got {settings.epochs}.")
    torch.manual_seed(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    inputs = normalise(images).to(device)  # (N, 1, 28, 28)
    targets = torch.from_numpy(labels.astype(np.int64)).to(device)
    model.to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    steps = math.ceil(len(targets) / settings.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=settings.learning_rate, epochs=settings.epochs, steps_per_epoch=steps
    )
    # The model outputs logits: cross_entropy applies log-softmax itself (no softmax before it).
    loss_fn = nn.CrossEntropyLoss(label_smoothing=settings.label_smoothing)
    reports = []
    for epoch in range(1, settings.epochs + 1):
        model.train()
        started = time.perf_counter()
        total_loss = torch.zeros((), device=device)
        correct = torch.zeros((), device=device, dtype=torch.long)
        # Order and augmentation are drawn on the CPU generator, so a run is the same on any device.
        for batch, batch_targets in iterate_batches(inputs, targets, settings.batch_size, generator):
            if settings.augment:
                batch = augment(batch.cpu(), generator).to(device)
            logits = model(batch)
            loss = loss_fn(logits, batch_targets)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total_loss += loss.detach() * len(batch_targets)
            correct += (logits.argmax(1) == batch_targets).sum()
        report = EpochReport(
            epoch=epoch,
            epochs=settings.epochs,
            loss=float(total_loss) / len(targets),
            accuracy=float(correct) / len(targets),
            seconds=time.perf_counter() - started,
        )
        reports.append(report)
        if on_progress is not None:
            on_progress(report)
    model.eval()
    return reports


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
    predicted = logits.argmax(1).numpy()
    classes = len(class_names)
    confusion = np.bincount(labels.astype(np.int64) * classes + predicted, minlength=classes * classes)
    confusion = confusion.reshape(classes, classes)
    per_class = confusion.diagonal() / np.maximum(confusion.sum(1), 1)
    return Evaluation(
        accuracy=float(confusion.trace() / confusion.sum()),
        loss=float(nn.functional.cross_entropy(logits, targets)),
        per_class_accuracy={name: float(value) for name, value in zip(class_names, per_class)},
        confusion=confusion.tolist(),
    )


@dataclass
class TrainingResult:
    model: nn.Module
    path: Path
    evaluation: Evaluation
    epochs: list[EpochReport] = field(default_factory=list)
    seconds: float = 0.0


def train_and_save(
    model_name: str,
    device: torch.device,
    epochs: int | None = None,
    path: Path | None = None,
    on_progress: Callable[[EpochReport], None] | None = None,
    photo_like_metrics: Callable[[nn.Module], dict] | None = None,
) -> TrainingResult:
    """Train ``model_name`` on the 60,000 training images, evaluate it on the 10,000 test
    images and write the checkpoint (default: its shipped path in assets/models).

    ``photo_like_metrics(model)`` adds the photo-like measurement to the stored metrics.
    """
    if model_name not in MODELS:
        raise InputError(f"Unknown vision model {model_name!r}: use one of {', '.join(MODELS)}.")
    settings = DEFAULT_TRAINING[model_name]
    if epochs is not None:
        settings = TrainConfig(**{**asdict(settings), "epochs": epochs})
    torch.manual_seed(settings.seed)  # the initial weights
    model = build_model(model_name)
    train_images, train_labels = load_split("train")
    started = time.perf_counter()
    reports = train(model, train_images, train_labels, settings, device, on_progress)
    seconds = time.perf_counter() - started
    evaluation = evaluate(model, *load_split("test"), device)
    metrics = {
        "headline": {"name": "test accuracy", "value": evaluation.accuracy},
        **evaluation.as_metrics(),
        "train_seconds": round(seconds, 1),
        "train_device": str(device),
        "training": asdict(settings),
        "history": [asdict(report) for report in reports],
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
    return TrainingResult(model=model.cpu().eval(), path=path, evaluation=evaluation, epochs=reports, seconds=seconds)
