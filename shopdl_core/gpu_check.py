"""``bench gpu``: everything a GPU must get right, checked in one call on the machine that has one.

Against the CPU, on the device asked for (default: CUDA):

1. every shipped model's predictions: the same labels, probabilities within ``TOLERANCE``
   (GPU kernels add in another order, and cuDNN convolutions may use TF32);
2. one short training of each trainer, through the registry (the training contract);
3. the learned factorisation on MovieLens-shaped data, timed on both;
4. latency and throughput beside the CPU's;
5. the AppTest suite with ``SHOPDL_DEVICE`` set to the device.

``--quick`` runs each step on a small sample (and only the home page's AppTest), so that
``--device cpu --quick`` runs on a 2-core machine in under 2 minutes and a test keeps it working.
The exit status is 1 when a check fails.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from shopdl_core import config, registry
from shopdl_core.device import describe_device, pick_device

TOLERANCE = 2e-3  # largest allowed |P(device) - P(CPU)| for any class of any input
CPU = torch.device("cpu")


@dataclass(frozen=True)
class Sizes:
    images: int  # Fashion-MNIST test images compared
    photos: int  # validation photos compared and trained on
    reviews: int  # test reviews compared
    train_images: int
    train_reviews: int
    repeats: int  # timed runs for latency
    speed_inputs: int | None  # inputs of the throughput figures (None: all of them)
    app_tests: tuple[str, ...]


FULL = Sizes(10_000, 341, 5_000, 8_192, 2_000, 50, None, ("tests/app",))
QUICK = Sizes(300, 12, 100, 256, 200, 3, 24, ("tests/app/test_home.py",))


@functools.cache
def loaded(name: str, device: torch.device):
    """Each shipped model once per device for the whole check."""
    return registry.load_model(name, device)


def add_commands(targets: dict) -> None:
    bench = targets["bench"].add_parser("gpu", help="the GPU check: predictions, training, speed and app tests "
                                                    "on a device against the CPU")
    bench.add_argument("--device", default="cuda", help="the device to check against the CPU (default: cuda)")
    bench.add_argument("--quick", action="store_true", help="small samples: a smoke run in under 2 minutes")
    bench.set_defaults(func=run_bench)


@dataclass
class Report:
    failures: list[str]

    def line(self, text: str) -> None:
        print(text, flush=True)

    def check(self, ok: bool, what: str) -> None:
        self.line(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            self.failures.append(what)


def compare(name: str, cpu: np.ndarray, other: np.ndarray, report: Report) -> None:
    """Probabilities (N, C) of one model on the CPU and on the device."""
    gap = float(np.abs(cpu - other).max()) if len(cpu) else 0.0
    changed = np.flatnonzero(cpu.argmax(1) != other.argmax(1))
    # A label may flip only where the CPU's two best classes are closer than the tolerance allows.
    ordered = np.sort(cpu, axis=1)
    margin = ordered[:, -1] - ordered[:, -2]
    explained = bool(np.all(margin[changed] <= 2 * TOLERANCE))
    report.check(gap <= TOLERANCE and explained,
                 f"{name:13s} {len(cpu):6,} inputs: {len(cpu) - len(changed):,} same labels, "
                 f"largest probability gap {gap:.1e} (allowed {TOLERANCE:.0e})")


def vision_probabilities(name: str, device: torch.device, sizes: Sizes) -> np.ndarray:
    from shopdl_core.vision.data import load_split, normalise
    from shopdl_core.vision.photos import load_photo_folder, shipped_validation_dir
    from shopdl_core.vision.search import classify_photos
    from shopdl_core.vision.train import predict_logits

    trained = loaded(name, device)
    if trained.reads_photos:
        photos = list(load_photo_folder(shipped_validation_dir()).photos[:sizes.photos])
        predictions = classify_photos(trained, photos)
        return np.array([[p.probabilities[c] for c in trained.class_names] for p in predictions])
    images, _ = load_split("test")
    return torch.softmax(predict_logits(trained.model, normalise(images[:sizes.images]), device), 1).numpy()


def text_probabilities(name: str, device: torch.device, reviews: list[str]) -> np.ndarray:
    scores = loaded(name, device).score_many(reviews)
    positive = np.array([s.prob_positive for s in scores])
    return np.stack([1 - positive, positive], axis=1)


def check_predictions(device: torch.device, sizes: Sizes, report: Report) -> None:
    from shopdl_core.text.data import load_splits

    report.line("1. predictions of every shipped model, against the CPU")
    reviews = list(load_splits().test["text"])[:sizes.reviews]
    for entry in registry.MODELS:
        if entry.kind == "vision":
            cpu, other = (vision_probabilities(entry.name, d, sizes) for d in (CPU, device))
        else:
            cpu, other = (text_probabilities(entry.name, d, reviews) for d in (CPU, device))
        compare(entry.name, cpu, other, report)


def short_training(name: str, device: torch.device, sizes: Sizes):
    """(config, data) for one short run of ``name``'s trainer on ``device``."""
    settings = registry.default_training(name)
    entry = registry.get_model_entry(name)
    if entry.data == registry.FASHION_MNIST:
        from shopdl_core.vision.data import load_split
        from shopdl_core.vision.train import FashionData

        images, labels = load_split("train")
        return replace(settings, epochs=1), FashionData(images[:sizes.train_images], labels[:sizes.train_images], device)
    if entry.data == registry.PRODUCT_PHOTOS:
        from shopdl_core.vision.photo_train import PhotoData
        from shopdl_core.vision.photos import load_photo_folder, shipped_validation_dir, stratified_split

        # The training photos are not shipped: the validation photos stand in (a device check, not a model).
        photos = load_photo_folder(shipped_validation_dir())
        _, chosen = stratified_split(photos.labels, min(1.0, 2 * sizes.photos / len(photos)), config.SEED)
        photos = photos.subset(chosen)
        half = len(photos) // 2
        return (replace(settings, epochs=1, views=1),
                PhotoData(photos.subset(np.arange(half)), photos.subset(np.arange(half, len(photos))), device))
    from shopdl_core.text.data import load_splits
    from shopdl_core.text.recipe import prepare_training

    splits = load_splits(settings.split_seed)
    small = replace(splits, train=splits.train.groupby("label").head(sizes.train_reviews // 2),
                    val=splits.val.head(sizes.train_reviews // 4))
    settings = replace(settings, epochs=1, extra_words=2_000, lexicon_examples=False, writers_repeats=0)
    data, _, _ = prepare_training(name, settings, small, device)
    return settings, data


def check_training(device: torch.device, sizes: Sizes, report: Report) -> None:
    from shopdl_core import lab_defaults
    from shopdl_core.vision.lab_head import fit as fit_head, load_lab_features, prepare_lab_data

    report.line("2. one short training of each trainer")
    for entry in registry.MODELS:
        if entry.pretrained_encoder:  # trained by its own script over cached encoder layers, no fit()
            report.line(f"  --   {entry.name:<13} not trained here: its script caches the encoder's lower layers first")
            continue
        settings, data = short_training(entry.name, device, sizes)
        started = time.perf_counter()
        history = registry.trainer(entry.name)(settings, data)
        last = history.last
        parameter = next(history.model.parameters())
        report.check(last is not None and np.isfinite(last.train_loss) and parameter.device.type == device.type,
                     f"{entry.name:13s} {len(history.epochs)} report(s), last training loss "
                     f"{last.train_loss:.4f}, {time.perf_counter() - started:5.1f} s on {parameter.device}")
    settings = replace(lab_defaults.PHOTO_HEAD, epochs=3)
    history = fit_head(settings, prepare_lab_data(load_lab_features(), settings))
    report.check(history.epochs[-1].train_loss < history.epochs[0].train_loss,
                 f"{'lab head':13s} {len(history.epochs)} epochs, loss {history.epochs[0].train_loss:.3f} -> "
                 f"{history.epochs[-1].train_loss:.3f} (the lab trains on the CPU)")


def check_factorisation(device: torch.device, quick: bool, report: Report) -> None:
    from shopdl_core.recsys.datasets import holdout_split, movielens_shaped
    from shopdl_core.recsys.factorisation import FactorisationConfig, train_factorisation
    from shopdl_core.recsys.metrics import rmse

    report.line("3. the learned factorisation on MovieLens-shaped data (943 x 1,682, 100,000 ratings)")
    train, test = holdout_split(movielens_shaped(), 0.2)
    settings = FactorisationConfig(epochs=20 if quick else 200)
    results = {}
    for where in (CPU, device):
        started = time.perf_counter()
        fitted = train_factorisation(train, settings, device=where)
        results[where.type] = (rmse(test.ratings, fitted.predict_pairs(test.shoppers, test.products)),
                               time.perf_counter() - started)
    (cpu_rmse, cpu_s), (other_rmse, other_s) = results["cpu"], results[device.type]
    report.check(abs(cpu_rmse - other_rmse) < 1e-3,
                 f"{settings.epochs} epochs: held-out RMSE {cpu_rmse:.4f} on the CPU in {cpu_s:.1f} s, "
                 f"{other_rmse:.4f} on {device} in {other_s:.1f} s")


def check_speed(device: torch.device, sizes: Sizes, report: Report) -> None:
    from shopdl_core.text.cli import _bench_one
    from shopdl_core.text.data import load_splits
    from shopdl_core.vision.bench import bench_model, bench_photo_model

    report.line("4. latency (one input, median) and throughput, the CPU beside the device")
    reviews = list(load_splits().test["text"])[:sizes.speed_inputs]
    for entry in registry.MODELS:
        figures = []
        for where in (CPU, device):
            model = loaded(entry.name, where)
            if entry.kind == "text":
                result = _bench_one(model, reviews)
                figures.append((result["median_ms"], result["throughput_per_s"], "reviews/s"))
            elif model.reads_photos:
                result = bench_photo_model(model, where, sizes.repeats, photo_count=sizes.speed_inputs)
                figures.append((result.latency_ms_median, result.throughput_per_s, "photos/s"))
            else:
                result = bench_model(entry.name, model.model, where, sizes.repeats, images=sizes.speed_inputs)
                figures.append((result.latency_ms_median, result.throughput_per_s, "images/s"))
        (cpu_ms, cpu_rate, unit), (ms, rate, _) = figures
        report.line(f"  {entry.name:13s} CPU {cpu_ms:7.2f} ms {cpu_rate:9,.0f} {unit:9s}  "
                    f"{device.type} {ms:7.2f} ms {rate:9,.0f} {unit}")


def check_app(device: torch.device, sizes: Sizes, report: Report) -> None:
    report.line(f"5. the AppTest suite with SHOPDL_DEVICE={device}")
    missing = [path for path in sizes.app_tests if not Path(path).exists()]
    if missing:
        report.check(False, f"run from the repository root: {', '.join(missing)} not found")
        return
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", *sizes.app_tests, "-q", "-p", "no:cacheprovider"],
                          env={**os.environ, "SHOPDL_DEVICE": str(device)}, capture_output=True, text=True)
    summary = (done.stdout.strip().splitlines() or ["no output"])[-1]
    report.check(done.returncode == 0, f"{' '.join(sizes.app_tests)}: {summary} ({time.perf_counter() - started:.0f} s)")


def run_bench(args: argparse.Namespace) -> int:
    device = pick_device(args.device)
    sizes = QUICK if args.quick else FULL
    report = Report([])
    started = time.perf_counter()
    report.line(f"GPU check{' (quick)' if args.quick else ''}: {describe_device(device)} against "
                f"{describe_device(CPU)}; torch {torch.__version__}")
    timings = []
    for step in (lambda: check_predictions(device, sizes, report), lambda: check_training(device, sizes, report),
                 lambda: check_factorisation(device, args.quick, report), lambda: check_speed(device, sizes, report),
                 lambda: check_app(device, sizes, report)):
        step_started = time.perf_counter()
        step()
        timings.append(time.perf_counter() - step_started)
    report.line(f"{len(report.failures)} check(s) failed" if report.failures else "every check passed")
    report.line(f"{time.perf_counter() - started:.0f} s in all (steps: "
                f"{', '.join(f'{s:.0f} s' for s in timings)}; median step {statistics.median(timings):.0f} s)")
    return 1 if report.failures else 0
