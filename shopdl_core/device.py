"""Pick the compute device once: CUDA, then Apple MPS, then CPU. ``SHOPDL_DEVICE`` overrides."""

from __future__ import annotations

import os

import torch

from shopdl_core.errors import InputError

DEVICE_CHOICES = ("cpu", "cuda", "mps")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def pick_device(requested: str | None = None) -> torch.device:
    """Return the device to run on.

    ``requested`` (or the ``SHOPDL_DEVICE`` environment variable when it is None) may be
    ``cpu``, ``cuda``, ``cuda:N`` or ``mps``. Asking for a device that is not present raises
    InputError rather than silently running somewhere else.
    """
    choice = requested if requested is not None else os.environ.get("SHOPDL_DEVICE", "")
    choice = choice.strip().lower()
    if not choice or choice == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    kind, colon, index = choice.partition(":")
    if kind not in DEVICE_CHOICES or (colon and not index.isdigit()):
        raise InputError(
            f"Unknown device {choice!r}: use one of cpu, cuda, cuda:N or mps (or leave it unset)."
        )
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise InputError(
                "CUDA was requested but no CUDA GPU is visible to PyTorch here. "
                "Unset SHOPDL_DEVICE (or pass --device cpu) to run on the CPU."
            )
        if index and int(index) >= torch.cuda.device_count():
            raise InputError(
                f"{choice} was requested but only {torch.cuda.device_count()} CUDA device(s) exist."
            )
    if kind == "mps" and not _mps_available():
        raise InputError("Apple MPS was requested but is not available on this machine.")
    return torch.device(choice)


def describe_device(device: torch.device) -> str:
    """A short human label: 'CUDA: NVIDIA H100 80GB HBM3', 'Apple MPS' or 'CPU (1 thread)'."""
    if device.type == "cuda":
        return f"CUDA: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "Apple MPS"
    threads = torch.get_num_threads()
    return f"CPU ({threads} thread{'s' if threads != 1 else ''})"
