"""``bench lab``: how long the Model lab's two experiments take to train with the page's defaults.

The same training functions the page's worker threads call, timed here without a server:
the photo head (vision/lab_head.py) on the shipped features, and the matrix factorisation
on the synthetic shop (recsys/factorisation.py). Medians of a few runs on each device.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

import torch

from shopdl_core import catalog, lab_defaults
from shopdl_core.device import describe_device, pick_device
from shopdl_core.errors import InputError
from shopdl_core.recsys.datasets import holdout_split, synthetic_shop
from shopdl_core.recsys.factorisation import train_factorisation
from shopdl_core.vision.lab_head import fit, load_lab_features, prepare_lab_data

PHOTO_DEFAULTS = lab_defaults.PHOTO_HEAD
PHOTO_MLP = replace(PHOTO_DEFAULTS, hidden=lab_defaults.MLP_HIDDEN)
RECSYS_DEFAULTS = lab_defaults.RECOMMENDER


def add_commands(targets: dict) -> None:
    bench = targets["bench"].add_parser("lab", help="training time of the Model lab's experiments (page defaults)")
    bench.add_argument("--runs", type=int, default=3, help="runs of each experiment (median; default 3)")
    bench.set_defaults(func=run_bench)


def _median_seconds(train, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = train()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def run_bench(args: argparse.Namespace) -> int:
    if args.runs < 1:
        raise InputError("--runs must be at least 1.")
    features = load_lab_features()
    train, test = holdout_split(synthetic_shop(catalog.load_catalog()).ratings, lab_defaults.HELD_OUT)
    print(f"median of {args.runs} runs each, the page's defaults at full speed (the page's pace adds at least "
          f"{lab_defaults.PHOTO_PACE_S:g} s a photo epoch, {lab_defaults.RECOMMENDER_PACE_S:g} s a recommender "
          f"epoch); photo heads on the CPU {describe_device(torch.device('cpu'))[3:]}, the recommender on "
          f"{describe_device(pick_device())}")
    for label, settings in ((f"photo head, linear, {PHOTO_DEFAULTS.epochs} epochs", PHOTO_DEFAULTS),
                            (f"photo head, MLP {PHOTO_MLP.hidden}, {PHOTO_MLP.epochs} epochs", PHOTO_MLP)):
        data = prepare_lab_data(features, settings)
        seconds, history = _median_seconds(lambda: fit(settings, data), args.runs)
        print(f"  {label:34s} {seconds:6.2f} s  ({seconds / settings.epochs * 1000:.0f} ms an epoch); "
              f"validation accuracy {history.last.validation_accuracy:.3f}")
    seconds, fitted = _median_seconds(lambda: train_factorisation(train, RECSYS_DEFAULTS, validation=test), args.runs)
    label = f"recommender, {RECSYS_DEFAULTS.factors} factors, {RECSYS_DEFAULTS.epochs} epochs"
    print(f"  {label:34s} {seconds:6.2f} s  ({seconds / RECSYS_DEFAULTS.epochs * 1000:.1f} ms an epoch); "
          f"held-out RMSE {fitted.history[-1].validation_rmse:.3f}")
    return 0
