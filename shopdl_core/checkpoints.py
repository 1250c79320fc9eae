"""Save and load trained models with everything needed to trust them again.

A checkpoint is a ``.pt`` file holding only tensors and plain Python values (so it loads with
``torch.load(..., weights_only=True)``), plus a ``.json`` sidecar with the same metadata for
pages and the CLI to read without touching torch:

    {"format": 1, "kind": "vision", "model_name": "ProductCNN", "config": {...},
     "extras": {"class_names": [...]} or {"vocab": [...]}, "metrics": {...},
     "fingerprint": "<sha256 of the training data>", "parameters": 123456, "trained_on": "..."}
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from shopdl_core.errors import CheckpointError

FORMAT_VERSION = 1
_REQUIRED = ("format", "kind", "model_name", "config", "extras", "metrics", "fingerprint", "state_dict")


@dataclass
class Checkpoint:
    kind: str
    model_name: str
    config: dict[str, Any]
    state_dict: dict[str, torch.Tensor]
    metrics: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    trained_on: str = ""

    @property
    def parameters(self) -> int:
        return int(sum(t.numel() for t in self.state_dict.values() if t.is_floating_point()))


def fingerprint(*parts: Any) -> str:
    """A short SHA-256 of arrays, strings or bytes: identifies the data a model was trained on."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            digest.update(str((part.dtype.str, part.shape)).encode())
            digest.update(np.ascontiguousarray(part).tobytes())
        elif isinstance(part, bytes):
            digest.update(part)
        else:
            digest.update(str(part).encode("utf-8"))
    return digest.hexdigest()[:16]


def sidecar_path(path: Path) -> Path:
    return Path(path).with_suffix(".json")


def count_parameters(model: nn.Module) -> int:
    return int(sum(p.numel() for p in model.parameters()))


def save_checkpoint(
    path: Path | str,
    model: nn.Module,
    *,
    kind: str,
    model_name: str,
    config: dict[str, Any],
    metrics: dict[str, Any],
    fingerprint: str,
    extras: dict[str, Any] | None = None,
    trained_on: str = "",
) -> Path:
    """Write ``path`` (.pt) and its .json sidecar atomically; returns the .pt path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Tensors shared by several modules (an ensemble's frozen word tables) stay shared, so
    # torch.save writes them once.
    copies: dict[tuple, torch.Tensor] = {}
    state = {}
    for key, value in model.state_dict().items():
        identity = (value.data_ptr(), value.dtype, tuple(value.shape), value.device)
        if identity not in copies:
            copies[identity] = value.detach().cpu().clone()
        state[key] = copies[identity]
    meta = {
        "format": FORMAT_VERSION,
        "kind": kind,
        "model_name": model_name,
        "config": dict(config),
        "extras": dict(extras or {}),
        "metrics": dict(metrics),
        "fingerprint": fingerprint,
        "trained_on": trained_on,
    }
    tmp = path.with_suffix(".pt.tmp")
    torch.save({**meta, "state_dict": state}, tmp)
    os.replace(tmp, path)
    sidecar = {k: v for k, v in meta.items() if k != "extras"}
    sidecar["parameters"] = count_parameters(model)
    sidecar["size_bytes"] = path.stat().st_size
    tmp_json = sidecar_path(path).with_suffix(".json.tmp")
    tmp_json.write_text(json.dumps(sidecar, indent=2, sort_keys=True) + "\n")
    os.replace(tmp_json, sidecar_path(path))
    return path


def load_checkpoint(path: Path | str, *, kind: str) -> Checkpoint:
    """Load a checkpoint written by ``save_checkpoint``, checking it is complete and of ``kind``."""
    path = Path(path)
    retrain = f"Rebuild it with `python -m shopdl_core train {kind} ...` (see the README)."
    if not path.is_file():
        raise CheckpointError(f"Checkpoint {path} is missing. {retrain}")
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several types for truncated or foreign files
        raise CheckpointError(
            f"Checkpoint {path} could not be read ({type(exc).__name__}): the file is damaged, "
            f"truncated or not a ShopDL checkpoint. {retrain}"
        ) from exc
    if not isinstance(raw, dict) or any(key not in raw for key in _REQUIRED):
        raise CheckpointError(f"Checkpoint {path} is not a ShopDL checkpoint (fields missing). {retrain}")
    if raw["format"] != FORMAT_VERSION:
        raise CheckpointError(
            f"Checkpoint {path} has format {raw['format']}, this code reads format {FORMAT_VERSION}. {retrain}"
        )
    if raw["kind"] != kind:
        raise CheckpointError(f"Checkpoint {path} holds a {raw['kind']!r} model, not a {kind!r} one.")
    return Checkpoint(
        kind=raw["kind"],
        model_name=raw["model_name"],
        config=raw["config"],
        state_dict=raw["state_dict"],
        metrics=raw["metrics"],
        extras=raw["extras"],
        fingerprint=raw["fingerprint"],
        trained_on=raw.get("trained_on", ""),
    )


def restore_model(
    checkpoint: Checkpoint,
    build: Callable[[dict[str, Any]], nn.Module],
    device: torch.device | str = "cpu",
    *,
    expected_fingerprint: str | None = None,
) -> nn.Module:
    """Build the module from the checkpoint's config, load its weights strictly, eval mode.

    A shape or key mismatch, or training data that differs from ``expected_fingerprint``,
    raises CheckpointError naming what differs.
    """
    name = f"{checkpoint.kind} model {checkpoint.model_name!r}"
    if expected_fingerprint is not None and checkpoint.fingerprint != expected_fingerprint:
        raise CheckpointError(
            f"The {name} was trained on data with fingerprint {checkpoint.fingerprint}, "
            f"but the data in assets has fingerprint {expected_fingerprint}: retrain it."
        )
    try:
        model = build(checkpoint.config)
        model.load_state_dict(checkpoint.state_dict, strict=True)
    except (RuntimeError, TypeError, KeyError, ValueError) as exc:
        raise CheckpointError(f"The {name} does not match its network definition: {exc}") from exc
    return model.to(device).eval()


def read_model_card(path: Path | str) -> dict[str, Any] | None:
    """The .json sidecar of a checkpoint (metrics, size, parameters), or None when absent or unreadable."""
    try:
        return json.loads(sidecar_path(Path(path)).read_text())
    except (OSError, ValueError):
        return None
