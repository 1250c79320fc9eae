"""Latency of one photo end to end, and batched throughput, for the vision models."""

from __future__ import annotations

import io
import statistics
import time
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from torch import nn

from shopdl_core import config
from shopdl_core.vision.data import load_split, normalise
from shopdl_core.vision.photolike import make_photo_like
from shopdl_core.vision.preprocess import prepare_product_photo
from shopdl_core.vision.search import predict_photos
from shopdl_core.vision.train import predict_logits

BENCH_SIDE = 1000  # pixels: the photo of the latency figure is 1000 x 1000


@dataclass(frozen=True)
class BenchResult:
    model_name: str
    device: str
    latency_ms_median: float  # one 1000 x 1000 JPEG: decode, preprocess, forward, tags
    latency_ms_p90: float
    throughput_per_s: float  # test images per second, batched, normalise + forward


def bench_photo() -> bytes:
    """A 1000 x 1000 photo-like JPEG of the first test image (a shop-style product shot)."""
    images, _ = load_split("test")
    photo = Image.open(io.BytesIO(make_photo_like(images[0], np.random.default_rng(config.SEED), "JPEG")))
    buffer = io.BytesIO()
    photo.resize((BENCH_SIDE, BENCH_SIDE), Image.Resampling.BICUBIC).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _synchronise(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def bench_model(
    model_name: str, model: nn.Module, device: torch.device, repeats: int = 50, batch_size: int = 500,
    images: int | None = None,
) -> BenchResult:
    """Time ``model`` (eval mode, on ``device``) on one photo and on the 10,000 test images
    (or the first ``images`` of them)."""
    photo = bench_photo()
    classes = config.FASHION_CLASSES
    for _ in range(5):  # warm-up: allocator, kernels, caches
        predict_photos(model, [prepare_product_photo(photo)], classes, device)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        predict_photos(model, [prepare_product_photo(photo)], classes, device)
        _synchronise(device)
        timings.append((time.perf_counter() - started) * 1000.0)
    test_images = load_split("test")[0][:images]
    predict_logits(model, normalise(test_images[:batch_size]), device, batch_size)
    _synchronise(device)
    started = time.perf_counter()
    predict_logits(model, normalise(test_images), device, batch_size)
    _synchronise(device)
    seconds = time.perf_counter() - started
    return BenchResult(
        model_name=model_name,
        device=str(device),
        latency_ms_median=statistics.median(timings),
        latency_ms_p90=float(np.percentile(timings, 90)),
        throughput_per_s=len(test_images) / seconds,
    )


def bench_photo_jpeg() -> bytes:
    """A 1000 x 1000 JPEG made from the first shipped validation photo (a real garment photo)."""
    from shopdl_core.vision.photos import list_photo_folder, shipped_validation_dir

    path, _ = list_photo_folder(shipped_validation_dir())[0]
    with Image.open(path) as picture:
        picture = picture.convert("RGB").resize((BENCH_SIDE, BENCH_SIDE), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def bench_photo_model(trained, device: torch.device, repeats: int = 50, batch_size: int = 32,
                      photo_count: int | None = None) -> BenchResult:
    """PhotoCNN: one 1000 x 1000 JPEG end to end (decode, resize, forward, tags, similar-product
    search over the catalogue), and throughput on the shipped validation photos (or the first
    ``photo_count``) in batches."""
    from shopdl_core.vision.photos import load_photo_folder, shipped_validation_dir
    from shopdl_core.vision.preprocess import decode_photo
    from shopdl_core.vision.search import classify_photos, photo_model_batch, similar_products

    data = bench_photo_jpeg()

    def one_photo() -> None:
        prediction = classify_photos(trained, [decode_photo(data)])[0]
        similar_products(trained.catalog_index, prediction.embedding)

    for _ in range(3):
        one_photo()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        one_photo()
        _synchronise(device)
        timings.append((time.perf_counter() - started) * 1000.0)
    photos = load_photo_folder(shipped_validation_dir()).photos[:photo_count]
    batches = [photo_model_batch(trained.model, list(photos[i:i + batch_size]))
               for i in range(0, len(photos), batch_size)]
    with torch.inference_mode():
        trained.model(batches[0].to(device))
        _synchronise(device)
        started = time.perf_counter()
        for batch in batches:
            trained.model(batch.to(device))
        _synchronise(device)
    seconds = time.perf_counter() - started
    return BenchResult(trained.name, str(device), statistics.median(timings), float(np.percentile(timings, 90)),
                       len(photos) / seconds)
