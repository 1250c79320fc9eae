"""Shared cached resources and the model-status registry used by the sidebar and home page."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, TypeVar

import streamlit as st
import torch

from shopdl_core import config, registry
from shopdl_core.checkpoints import read_model_card
from shopdl_core.device import describe_device, pick_device
from shopdl_core.i18n import N_, _

# Which models a cached loader has built in this server process (not user data: it only
# feeds the sidebar's "loaded" status). Written under a lock: sessions run in threads.
_loaded_models: set[str] = set()
_loaded_lock = threading.Lock()
T = TypeVar("T")


def mark_loaded(model_name: str) -> None:
    """Called by each cached model loader once it has built its model."""
    with _loaded_lock:
        _loaded_models.add(model_name)


def build_shared_model(model_name: str, load: Callable[[str, torch.device], T]) -> T:
    """Body of every cached model loader: build on the shared device, record it as loaded.

    A missing or damaged checkpoint raises CheckpointError, which st.cache_resource does not
    cache: the page shows it and the next run tries again.
    """
    model = load(model_name, shared_device())
    mark_loaded(model_name)
    return model


def is_loaded(model_name: str) -> bool:
    with _loaded_lock:
        return model_name in _loaded_models


@st.cache_resource(show_spinner=False)
def shared_device() -> torch.device:
    """The one device every model in this server process runs on (``SHOPDL_DEVICE`` overrides).

    On the CPU each request runs its (tiny) forward pass on one thread: concurrency comes from
    the sessions' own script threads, and several intra-op threads per request fight over a
    small machine's cores (one 1000 x 1000 photo: ~4.5 ms on 1 thread, ~76 ms on 2 busy ones).
    """
    device = pick_device()
    if device.type == "cpu":
        torch.set_num_threads(1)
    return device


@dataclass(frozen=True)
class ModelStatus:
    name: str
    present: bool
    loaded: bool
    headline_name: str
    headline_value: float | None
    parameters: int | None
    size_bytes: int | None
    trained_on: str


@st.cache_data(show_spinner=False)
def _model_card(model_name: str, mtime: float) -> dict | None:
    return read_model_card(config.checkpoint_path(model_name))


def model_statuses() -> list[ModelStatus]:
    """One status per shipped model, read from the checkpoints' .json sidecars (cheap)."""
    statuses = []
    for name in registry.list_models():
        path = config.checkpoint_path(name)
        card = _model_card(name, path.stat().st_mtime) if path.is_file() else None
        headline = (card or {}).get("metrics", {}).get("headline", {})
        statuses.append(ModelStatus(
            name=name,
            present=card is not None,
            loaded=is_loaded(name),
            headline_name=headline.get("name", ""),
            headline_value=headline.get("value"),
            parameters=(card or {}).get("parameters"),
            size_bytes=(card or {}).get("size_bytes"),
            trained_on=(card or {}).get("trained_on", ""),
        ))
    return statuses


# The name of every page's section on how good its models are (one name on every page).
EVALUATION_SECTION = N_("How good are the models?")


def format_share(value: float) -> str:
    """An accuracy or any share, the one way every page writes it: a percent with one decimal
    ("91.2%"), so that the same figure reads the same on How it works, the sidebar and its page."""
    return f"{value:.1%}"


def format_bytes(size: int | None) -> str:
    if size is None:
        return "?"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def device_label() -> str:
    """The shared device for a page, in the page's language ("CPU, threads: 1", "CUDA: <GPU name>")."""
    device = shared_device()
    if device.type == "cpu":
        return _("CPU, threads: {count}").format(count=torch.get_num_threads())
    return describe_device(device)
