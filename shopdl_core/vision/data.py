"""Fashion-MNIST from assets: loading, the training normalisation, batches and augmentation."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import torch

from shopdl_core import config
from shopdl_core.checkpoints import fingerprint
from shopdl_core.errors import InputError

IMAGE_SIZE = 28
TRAIN_PARTS = 6
# Mean and standard deviation of the 60,000 training pixels scaled to [0, 1]; every model
# input, from the training set or from a photo, is normalised with them (normalise()).
PIXEL_MEAN = 0.2860
PIXEL_STD = 0.3530


def _read_npz(name: str) -> tuple[np.ndarray, np.ndarray]:
    path = config.fashion_mnist_dir() / name
    if not path.is_file():
        raise InputError(f"Fashion-MNIST file {path} is missing: the assets folder should ship it.")
    with np.load(path) as data:
        return data["x"], data["y"]


@lru_cache(maxsize=2)
def load_split(split: str) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 28, 28) uint8, light object on black, and labels (N,) uint8 of "train" or "test".

    The train set ships in six parts grouped by class; training shuffles every epoch.
    Cached: callers must not modify the arrays.
    """
    if split == "test":
        images, labels = _read_npz("fashion_mnist_test.npz")
    elif split == "train":
        parts = [_read_npz(f"fashion_mnist_train_part{i}of{TRAIN_PARTS}.npz") for i in range(1, TRAIN_PARTS + 1)]
        images = np.concatenate([x for x, _ in parts])
        labels = np.concatenate([y for _, y in parts])
    else:
        raise InputError(f"Unknown Fashion-MNIST split {split!r}: use 'train' or 'test'.")
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def data_fingerprint() -> str:
    """Fingerprint of the training images and labels, stored in each checkpoint."""
    return fingerprint(*load_split("train"))


def normalise(pixels: np.ndarray) -> torch.Tensor:
    """uint8 pixels (N, 28, 28) or (28, 28) -> float tensor (N, 1, 28, 28) as the models expect."""
    # A copy: the cached dataset arrays are read-only, which torch.from_numpy warns about.
    batch = torch.from_numpy(np.array(pixels, dtype=np.uint8).reshape(-1, 1, IMAGE_SIZE, IMAGE_SIZE))
    return (batch.float() / 255.0 - PIXEL_MEAN) / PIXEL_STD


def augment(batch: torch.Tensor, generator: torch.Generator, max_shift: int = 1) -> torch.Tensor:
    """Random horizontal flips and shifts of up to ``max_shift`` pixels, per image.

    batch: (B, 1, 28, 28) normalised. Shop photos show shoes facing either way and objects a
    little off centre; Fashion-MNIST's are always centred, so the model learns both here.
    """
    size = batch.shape[0]
    flip = torch.rand(size, generator=generator) < 0.5
    batch = torch.where(flip[:, None, None, None], batch.flip(-1), batch)
    # Shift by cropping a 28 x 28 window at a random offset from the image padded with its
    # background value (the normalised black); one gather for the whole batch.
    background = (0.0 - PIXEL_MEAN) / PIXEL_STD
    padded = torch.nn.functional.pad(batch, (max_shift,) * 4, value=background)  # (B, 1, 30, 30)
    offsets = torch.randint(0, 2 * max_shift + 1, (2, size), generator=generator)
    steps = torch.arange(IMAGE_SIZE)
    rows = (offsets[0][:, None] + steps)[:, :, None]  # (B, 28, 1)
    cols = (offsets[1][:, None] + steps)[:, None, :]  # (B, 1, 28)
    index = torch.arange(size)[:, None, None]
    return padded[index, 0, rows, cols].unsqueeze(1)  # (B, 1, 28, 28)


def iterate_batches(
    inputs: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int,
    generator: torch.Generator | None = None,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """(inputs, labels) batches; in a random order drawn from ``generator`` when it is given."""
    order = torch.randperm(len(labels), generator=generator) if generator is not None else torch.arange(len(labels))
    for start in range(0, len(labels), batch_size):
        chosen = order[start:start + batch_size]
        yield inputs[chosen], labels[chosen]
