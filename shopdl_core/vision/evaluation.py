"""The registry's evaluators for the image models: what ``evaluate vision`` prints.

The Fashion-MNIST CNNs on the 10,000 test images (and, on request, test images dressed as shop
photos and the shipped real photos through their silhouettes); PhotoCNN on the shipped
validation photos, with its calibration and similar-product figures.
"""

from __future__ import annotations

import torch

from shopdl_core.vision.data import load_split
from shopdl_core.vision.photo_eval import photo_logits, search_metrics, silhouette_accuracy
from shopdl_core.vision.photo_train import evaluate_photo_logits
from shopdl_core.vision.photolike import photo_like_metrics
from shopdl_core.vision.photos import load_photo_folder, shipped_validation_dir
from shopdl_core.vision.train import evaluate
from shopdl_core.vision.trained import load_trained_model


def evaluate_fashion_model(name: str, device: torch.device, *, photo_like: int = 0,
                           real_photos: bool = False) -> dict:
    trained = load_trained_model(name, device)
    images, labels = load_split("test")
    report = {"model": trained.name, "device": str(device), "test_images": int(len(labels)),
              **evaluate(trained.model, images, labels, device).as_metrics()}
    if photo_like:
        report.update(photo_like_metrics(trained.model, device, images[:photo_like], labels[:photo_like]))
    if real_photos:
        report.update(silhouette_accuracy(trained.model, trained.class_names,
                                          load_photo_folder(shipped_validation_dir()), device))
    return report


def evaluate_photo_model(name: str, device: torch.device, **_: object) -> dict:
    """PhotoCNN's figures; the Fashion-MNIST options (photo-like, real photos) do not apply."""
    trained = load_trained_model(name, device)
    photos = load_photo_folder(shipped_validation_dir())
    logits = photo_logits(trained.model, photos, device)
    return {"model": trained.name, "device": str(device), "temperature": trained.temperature,
            **evaluate_photo_logits(logits, photos.labels, trained.temperature).as_metrics(),
            **search_metrics(trained.model, trained.catalog_index, trained.class_names, photos, device)}
