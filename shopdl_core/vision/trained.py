"""Load a shipped (or freshly trained) vision checkpoint into an eval-mode model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from shopdl_core import config
from shopdl_core.checkpoints import load_checkpoint, restore_model
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.vision.data import data_fingerprint
from shopdl_core.vision.model import MODELS, build_model


@dataclass(frozen=True)
class TrainedVisionModel:
    name: str
    model: nn.Module  # eval mode, on ``device``; never switched back to train mode
    class_names: tuple[str, ...]
    metrics: dict[str, Any]
    device: torch.device


def load_trained_model(model_name: str, device: torch.device, path: Path | None = None) -> TrainedVisionModel:
    """The checkpoint of ``model_name`` (default: its shipped path), checked against the
    network definition, the class names and the fingerprint of the training data in assets."""
    if model_name not in MODELS:
        raise InputError(f"Unknown vision model {model_name!r}: use one of {', '.join(MODELS)}.")
    checkpoint = load_checkpoint(path or config.checkpoint_path(model_name), kind="vision")
    if checkpoint.model_name != model_name:
        raise CheckpointError(f"Checkpoint {path} holds {checkpoint.model_name}, not {model_name}.")
    class_names = tuple(checkpoint.extras.get("class_names", ()))
    if class_names != config.FASHION_CLASSES:
        raise CheckpointError(
            f"The {model_name} checkpoint's class names {list(class_names)} differ from the shop's "
            f"Fashion-MNIST classes: retrain it with `python -m shopdl_core train vision`."
        )
    model = restore_model(
        checkpoint,
        lambda model_config: build_model(model_name, model_config),
        device,
        expected_fingerprint=data_fingerprint(),
    )
    return TrainedVisionModel(model_name, model, class_names, checkpoint.metrics, torch.device(device))
