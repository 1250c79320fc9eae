"""``train colour``: fit the colour namer (``colour_namer``) to the photos named by eye.

The features of every dev photo of ``assets/data/colour_labels`` are computed once. The
regression learns from soft targets: a photo with a second acceptable name puts SECOND_WEIGHT
(normalised) of its target on it, so a navy-or-black photo does not teach that black is wrong.
The L2 penalty is chosen by 5-fold cross-validation, repeated 3 times, over L2_GRID, scoring the
namer's decisions as it makes them (the guards and the rules' kept colours included); the
namer is then fitted to all dev photos and written with its figures. The held-out split is
never read.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from shopdl_core import config
from shopdl_core.checkpoints import fingerprint, save_checkpoint
from shopdl_core.vision.colour_namer import (CHECKPOINT, CLIP, FEATURES, INPUT_SIDE, KIND, MAP_BLOCKS,
                                             MODEL_NAME, NAMES, ColourNamer, decide, impossible, is_flat,
                                             load_colour_namer, namer_features, namer_path)

FOLDS = 5
L2_GRID = (0.01, 0.02, 0.04, 0.08)  # per-feature-weight penalty on the mean cross-entropy
# The second acceptable name's share of a photo's target, before normalising (first name 1).
# Cross-validated on the 1,005 dev photos of rounds 1-3 (5 folds x 2, best L2 of 0.01-0.04):
# 0.8373 for the first name alone (0), 0.8463 at 0.3, 0.8423 at 0.5.
SECOND_WEIGHT = 0.3


def soft_targets(labels: list[str], seconds: list[str], second_weight: float = SECOND_WEIGHT) -> torch.Tensor:
    """(N, len(NAMES)) target distributions: the label 1, its second name second_weight, normalised."""
    targets = torch.zeros(len(labels), len(NAMES))
    for row, (label, second) in enumerate(zip(labels, seconds)):
        targets[row, NAMES.index(label)] = 1.0
        if second:
            targets[row, NAMES.index(second)] += second_weight
    return targets / targets.sum(1, keepdim=True)


def fit_softmax(x: torch.Tensor, targets: torch.Tensor, l2: float) -> nn.Linear:
    """L2-penalised softmax regression on standardised x (N, D), by LBFGS, to target
    distributions (N, len(NAMES)) (``soft_targets``)."""
    torch.manual_seed(config.SEED)
    linear = nn.Linear(x.shape[1], len(NAMES))
    nn.init.zeros_(linear.weight), nn.init.zeros_(linear.bias)
    optimiser = torch.optim.LBFGS(linear.parameters(), max_iter=300, line_search_fn="strong_wolfe")

    def loss() -> torch.Tensor:
        optimiser.zero_grad()
        value = F.cross_entropy(linear(x), targets) + l2 * linear.weight.square().sum()
        value.backward()
        return value

    optimiser.step(loss)
    return linear


def _standardised(train: np.ndarray, other: np.ndarray) -> tuple[torch.Tensor, torch.Tensor, np.ndarray, np.ndarray]:
    """Both standardised by train's mean and spread, and clipped to CLIP, as the namer reads them."""
    mean, scale = train.mean(0), train.std(0) + 1e-6
    return (torch.from_numpy((train - mean) / scale).clamp(-CLIP, CLIP),
            torch.from_numpy((other - mean) / scale).clamp(-CLIP, CLIP), mean, scale)


def cross_validated_accuracy(features: np.ndarray, rule_names: list[str], labels: list[str],
                             seconds: list[str], l2: float, repeats: int = 3) -> float:
    """Mean accuracy (label or second name) of the namer's decisions under 5-fold
    cross-validation, repeated with seeds 0.."""
    targets = soft_targets(labels, seconds)
    acceptable = [{label, second} - {""} for label, second in zip(labels, seconds)]
    count = len(labels)
    scores = []
    for seed in range(repeats):
        order = np.random.default_rng(seed).permutation(count)
        said = np.empty(count, dtype=int)
        for fold in np.array_split(order, FOLDS):
            train = np.setdiff1d(order, fold)
            x_train, x_fold, _, _ = _standardised(features[train], features[fold])
            linear = fit_softmax(x_train, targets[train], l2)
            with torch.no_grad():
                logits = linear(x_fold).masked_fill(impossible(torch.from_numpy(features[fold])), float("-inf"))
            for index, row in zip(fold, logits.numpy()):
                said[index] = NAMES.index(decide(row, rule_names[index], is_flat(features[index])))
        scores.append(np.mean([NAMES[s] in ok for s, ok in zip(said, acceptable)]))
    return float(np.mean(scores))


def fit_colour_namer(backbone_state: dict[str, torch.Tensor], photos_dir: Path | None = None,
                     log=print) -> tuple[ColourNamer, dict]:
    """Fit the namer on the dev split of the labelled photos; returns it and its metrics."""
    from shopdl_core.vision.colour_eval import load_colour_labels, shipped_photos_dir
    from shopdl_core.vision.preprocess import decode_photo

    namer = ColourNamer()
    own = namer.backbone.state_dict()
    namer.backbone.load_state_dict({key: backbone_state[key] for key in own}, strict=True)
    namer.eval()
    labels = load_colour_labels("dev")
    photos_dir = Path(photos_dir or shipped_photos_dir())
    start = time.perf_counter()
    rows, rule_names = [], []
    for row in labels.itertuples():
        rgb = decode_photo((photos_dir / row.file).read_bytes(), name=row.file).rgb
        features, rule_name = namer_features(namer.backbone, rgb)
        rows.append(features)
        rule_names.append(rule_name)
    features = np.stack(rows)
    log(f"features of {len(rows)} dev photos in {time.perf_counter() - start:.0f} s")
    acceptable = [{row.colour, row.second_colour} - {""} for row in labels.itertuples()]
    names, seconds = list(labels["colour"]), list(labels["second_colour"])
    scores = {}
    for l2 in L2_GRID:
        scores[l2] = cross_validated_accuracy(features, rule_names, names, seconds, l2)
        log(f"L2 {l2}: cross-validated dev accuracy {scores[l2]:.3f}")
    l2 = max(scores, key=lambda value: (scores[value], value))
    x, _, mean, scale = _standardised(features, features[:1])
    linear = fit_softmax(x, soft_targets(names, seconds), l2)
    with torch.no_grad():
        namer.classifier.load_state_dict(linear.state_dict())
        namer.mean.copy_(torch.from_numpy(mean))
        namer.scale.copy_(torch.from_numpy(scale))
    rule = np.mean([name in ok for name, ok in zip(rule_names, acceptable)])
    metrics = {"dev_photos": len(labels), "l2": l2, "second_weight": SECOND_WEIGHT,
               "cv_dev_accuracy": round(scores[l2], 4), "rule_dev_accuracy": round(float(rule), 4),
               "headline": {"name": "cross-validated accuracy on the dev labels", "value": round(scores[l2], 4)}}
    return namer, metrics


def add_commands(targets: dict) -> None:
    parser = targets["train"].add_parser(
        "colour", help="fit the colour namer to the photos whose colour was labelled by eye (dev split)")
    parser.add_argument("--photos", type=Path, default=None, metavar="DIR",
                        help="the clothing photos' train folder (default: the copies in assets/data/colour_labels)")
    parser.add_argument("--output", type=Path, default=None,
                        help=f"checkpoint path (default: assets/models/{CHECKPOINT})")
    parser.set_defaults(func=run_train)


def run_train(args: argparse.Namespace) -> int:
    from shopdl_core.vision.trained import load_trained_model

    photo_cnn = load_trained_model("PhotoCNN", torch.device("cpu")).model
    backbone_state = photo_cnn.backbone.state_dict()
    namer, metrics = fit_colour_namer(backbone_state, args.photos)
    labels_file = (config.data_dir() / "colour_labels" / "labels.csv").read_bytes()
    path = save_checkpoint(args.output or namer_path(), namer, kind=KIND, model_name=MODEL_NAME,
                           config={"features": FEATURES, "map_blocks": list(MAP_BLOCKS), "input_side": INPUT_SIDE},
                           metrics=metrics, fingerprint=fingerprint(labels_file),
                           trained_on="dev split of assets/data/colour_labels (photos named by eye)")
    load_colour_namer.cache_clear()
    print(f"wrote {path}: {metrics}")
    return 0
