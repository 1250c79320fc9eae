"""The out-of-domain check: short reviews of things other than clothes, written for ShopDL.

``assets/data/reviews_ood/reviews_ood.tsv`` (its README says how it was written) holds 336
reviews of 14 kinds of thing, half positive, each tagged plain, negation, contrast or sarcasm,
and split once into a ``dev`` half (looked at while choosing how to train) and a ``heldout``
half (scored only to report the final models); "all" is both halves.

``reviews_ood_second_writer.tsv`` holds 320 more (16 kinds of thing, 20 each) from a second
writer, in another hand: split ``second-writer``, never used to choose anything, and written
by none of the writers whose reviews the models train on (text/written.py).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from shopdl_core import config
from shopdl_core.errors import InputError
from shopdl_core.text.metrics import binary_metrics
from shopdl_core.text.predict import SentimentModel

OOD_SPLITS = ("dev", "heldout", "all", "second-writer")
SECOND_WRITER = "second-writer"


def ood_reviews_path(split: str = "all") -> Path:
    name = "reviews_ood_second_writer.tsv" if split == SECOND_WRITER else "reviews_ood.tsv"
    return config.data_dir() / "reviews_ood" / name


def load_ood_reviews(split: str = "all", path: Path | None = None) -> pd.DataFrame:
    """Columns domain, label (1 positive), kind, split, text; only ``split``'s rows ("all": the
    first set's two halves; "second-writer": the second file)."""
    if split not in OOD_SPLITS:
        raise InputError(f"The out-of-domain split must be one of {', '.join(OOD_SPLITS)}, got {split!r}.")
    path = Path(path or ood_reviews_path(split))
    if not path.is_file():
        raise InputError(f"The out-of-domain reviews {path} are missing (they ship in assets/data/reviews_ood).")
    frame = pd.read_csv(path, sep="\t", dtype={"label": int}, quoting=csv.QUOTE_NONE)
    return frame if split == "all" else frame[frame["split"] == split].reset_index(drop=True)


def _accuracy(labels: np.ndarray, probs: np.ndarray) -> float:
    return float(np.mean((probs >= 0.5).astype(int) == labels)) if len(labels) else float("nan")


def evaluate_ood(scorer: SentimentModel, frame: pd.DataFrame) -> dict:
    """Accuracy overall, without the sarcasm group, per kind of thing and per kind of sentence;
    and how many reviews the model itself flags as far from its training data, or is unsure of."""
    scores = scorer.score_many(list(frame["text"]))
    probs = np.array([s.prob_positive for s in scores])
    labels = frame["label"].to_numpy()
    sincere = (frame["kind"] != "sarcasm").to_numpy()
    metrics = binary_metrics(labels, probs)
    return {
        "n": len(frame),
        "accuracy": metrics["accuracy"],
        "balanced_accuracy": metrics["balanced_accuracy"],
        "accuracy_without_sarcasm": _accuracy(labels[sincere], probs[sincere]),
        "by_domain": {d: _accuracy(labels[m], probs[m]) for d, m in _groups(frame["domain"])},
        "by_kind": {k: _accuracy(labels[m], probs[m]) for k, m in _groups(frame["kind"])},
        "flagged_far_from_training": float(np.mean([s.far_from_training is not None for s in scores])),
        "unsure": float(np.mean([s.unsure for s in scores])),
    }


def _groups(column: pd.Series) -> list[tuple[str, np.ndarray]]:
    return [(str(value), (column == value).to_numpy()) for value in sorted(column.unique())]
