"""Photo-like Fashion-MNIST: the test images dressed as shop photos, to measure the full path.

Each 28 x 28 test image (light object on black) becomes a colour product photo: a dark-on-
white object tinted with a catalogue colour, upscaled to a few hundred pixels, placed with
uneven margins, saved as a JPEG or as an RGBA PNG (transparent background whose hidden
colour is black, so a pipeline that ignores alpha fails visibly). Scoring goes through
``prepare_product_photo`` exactly as an upload does.
"""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image
from torch import nn

from shopdl_core import config
from shopdl_core.vision.colour import SWATCHES
from shopdl_core.vision.data import IMAGE_SIZE
from shopdl_core.vision.preprocess import prepare_product_photo
from shopdl_core.vision.train import Evaluation, evaluate

PHOTO_FORMATS = ("JPEG", "PNG")
# A white product on a white background has no silhouette left to see; shops shoot those on grey.
# The ten tints the shipped models' photo-like figures were measured with, in the order drawn
# (purple and orange joined the palette later; adding them here would change those figures).
TINTS = ("black", "grey", "beige", "brown", "red", "pink", "yellow", "green", "blue", "navy")


def make_photo_like(image: np.ndarray, rng: np.random.Generator, photo_format: str) -> bytes:
    """Encode one (28, 28) uint8 Fashion-MNIST image as a photo-like JPEG or RGBA PNG."""
    scale = int(rng.integers(6, 15))  # 168 to 392 pixels a side
    size = IMAGE_SIZE * scale
    alpha = np.asarray(
        Image.fromarray(image).resize((size, size), Image.Resampling.BICUBIC), dtype=np.float32
    )[..., None] / 255.0  # (S, S, 1)
    colour = np.array(SWATCHES[TINTS[int(rng.integers(len(TINTS)))]], dtype=np.float32)
    # The object's own shading modulates the tint, as in the catalogue's pictures.
    shade = colour * (0.55 + 0.45 * alpha)  # (S, S, 3)
    left, right, top, bottom = (int(m) for m in rng.integers(4, size * 0.6, size=4))
    canvas = (size + top + bottom, size + left + right)
    if photo_format == "JPEG":
        paper = float(rng.integers(235, 256))  # white to light grey paper
        rgb = np.full((*canvas, 3), paper, dtype=np.float32)
        rgb[top:top + size, left:left + size] = (1.0 - alpha) * paper + alpha * shade
        picture = Image.fromarray(rgb.round().astype(np.uint8), "RGB")
        options = {"quality": int(rng.integers(70, 96))}
    else:
        rgba = np.zeros((*canvas, 4), dtype=np.float32)  # transparent black around the object
        rgba[top:top + size, left:left + size, :3] = shade
        rgba[top:top + size, left:left + size, 3:] = alpha * 255.0
        picture = Image.fromarray(rgba.round().astype(np.uint8), "RGBA")
        options = {}
    buffer = io.BytesIO()
    picture.save(buffer, photo_format, **options)
    return buffer.getvalue()


def photo_like_evaluations(
    model: nn.Module,
    images: np.ndarray,
    labels: np.ndarray,
    device: torch.device,
    seed: int = config.SEED,
) -> dict[str, Evaluation]:
    """Evaluation per photo format, every image going through the upload preprocessing."""
    results = {}
    for offset, photo_format in enumerate(PHOTO_FORMATS):
        rng = np.random.default_rng(seed + offset)
        pixels = np.stack([
            prepare_product_photo(make_photo_like(image, rng, photo_format)).pixels for image in images
        ])  # (N, 28, 28)
        results[photo_format] = evaluate(model, pixels, labels, device)
    return results


def photo_like_metrics(model: nn.Module, device: torch.device, images: np.ndarray, labels: np.ndarray) -> dict:
    """Checkpoint metrics: photo-like accuracy overall and per format (JPEG, PNG), beside the
    accuracy on the same test images as they are (the subset may be easier than the whole set)."""
    evaluations = photo_like_evaluations(model, images, labels, device)
    by_format = {name: evaluation.accuracy for name, evaluation in evaluations.items()}
    return {
        "photo_like_accuracy": float(np.mean(list(by_format.values()))),
        "photo_like_accuracy_by_format": by_format,
        "photo_like_images": int(len(labels)),
        "photo_like_raw_accuracy": evaluate(model, images, labels, device).accuracy,
    }
