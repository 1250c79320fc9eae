"""Load a shipped (or freshly trained) vision checkpoint into an eval-mode model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

import numpy as np

from shopdl_core import config, registry
from shopdl_core.checkpoints import load_checkpoint, restore_model
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.vision.data import data_fingerprint
from shopdl_core.vision.search import CatalogIndex, build_catalog_index, catalog_fingerprint, dequantise_unit_rows


@dataclass(frozen=True)
class TrainedVisionModel:
    name: str
    model: nn.Module  # eval mode, on ``device``; never switched back to train mode
    class_names: tuple[str, ...]
    metrics: dict[str, Any]
    device: torch.device
    temperature: float = 1.0  # divides the logits before the softmax (1: uncalibrated)
    catalog_index: CatalogIndex | None = None  # PhotoCNN: the catalogue's embeddings, for similar products
    reference_embeddings: np.ndarray | None = None  # PhotoCNN: (R, D) unit embeddings of its training photos
    familiar_above: float = 0.0  # PhotoCNN: least nearest-neighbour similarity of a familiar photo

    @property
    def reads_photos(self) -> bool:
        """True for the photo model (colour photo in), False for the 28 x 28 silhouette models."""
        return registry.get_model_entry(self.name).data == registry.PRODUCT_PHOTOS


def expected_classes(model_name: str) -> tuple[str, ...]:
    photos = registry.get_model_entry(model_name).data == registry.PRODUCT_PHOTOS
    return config.PHOTO_CLASSES if photos else config.FASHION_CLASSES


def load_trained_model(model_name: str, device: torch.device, path: Path | None = None) -> TrainedVisionModel:
    """The checkpoint of ``model_name`` (default: its shipped path), checked against the
    network definition, the class names and the fingerprint of the training data in assets."""
    if model_name not in registry.list_models("vision"):
        raise InputError(f"Unknown vision model {model_name!r}: use one of {', '.join(registry.list_models('vision'))}.")
    checkpoint = load_checkpoint(path or config.checkpoint_path(model_name), kind="vision")
    if checkpoint.model_name != model_name:
        raise CheckpointError(f"Checkpoint {path} holds {checkpoint.model_name}, not {model_name}.")
    class_names = tuple(checkpoint.extras.get("class_names", ()))
    if class_names != expected_classes(model_name):
        raise CheckpointError(
            f"The {model_name} checkpoint's class names {list(class_names)} differ from the shop's "
            f"{list(expected_classes(model_name))}: retrain it with `python -m shopdl_core train vision`."
        )
    reads_photos = expected_classes(model_name) == config.PHOTO_CLASSES
    model = restore_model(
        checkpoint,
        lambda model_config: registry.build_model(model_name, model_config),
        device,
        # PhotoCNN's training photos are not shipped (its validation photos are): nothing to compare.
        expected_fingerprint=None if reads_photos else data_fingerprint(),
    )
    index = None
    if reads_photos:
        stored = checkpoint.extras.get("catalog_index") or {}
        if stored.get("catalog_fingerprint") == catalog_fingerprint():
            index = CatalogIndex(tuple(stored["product_ids"]), stored["embeddings"].float().numpy(),
                                 stored["catalog_fingerprint"])
        else:  # the catalogue changed since training: embed it again (a few seconds)
            index = build_catalog_index(model, torch.device(device))
    return TrainedVisionModel(model_name, model, class_names, checkpoint.metrics, torch.device(device),
                              float(checkpoint.extras.get("temperature", 1.0)), index,
                              _reference_rows(checkpoint.extras.get("reference_embeddings")),
                              float(checkpoint.extras.get("familiar_above", 0.0)))


def _reference_rows(stored: torch.Tensor | None) -> np.ndarray | None:
    """The training photos' embeddings from the checkpoint (int8, or float16 in older ones)."""
    if stored is None:
        return None
    rows = stored.numpy()
    return dequantise_unit_rows(rows) if rows.dtype == np.int8 else rows.astype(np.float32)


def catalog_index_extras(index: CatalogIndex) -> dict[str, Any]:
    """The index as checkpoint extras (tensors and plain values only, for weights_only loading)."""
    return {"product_ids": list(index.product_ids),
            "embeddings": torch.from_numpy(np.asarray(index.embeddings, dtype=np.float32)).half(),
            "catalog_fingerprint": index.catalog_fingerprint}
