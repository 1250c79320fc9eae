"""``evaluate colour``: the colour reader against the colours labelled by eye.

The labels (``assets/data/colour_labels/labels.csv``, its README says how they were made) name
photos of the clothing collection's ``train`` folder. Copies of them at the reader's working
size ship in ``assets/data/colour_labels/photos`` (``python -m shopdl_core.vision.colour_eval
DIR`` writes them from the collection's ``train`` folder DIR); ``--photos DIR`` reads the
originals instead. A reading is right when it is the label or the second acceptable name.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from shopdl_core import config
from shopdl_core.errors import InputError
from shopdl_core.vision.colour import MULTICOLOUR, PALETTE, product_colour, rule_colour
from shopdl_core.vision.preprocess import WORK_SIZE, decode_photo

SPLITS = ("dev", "heldout", "all")
CATALOGUE_ROUND = "5"  # the labelling round that named the shop catalogue's own 200 photos (all held-out)
READERS = {"namer": product_colour, "rules": rule_colour}  # the shipped reader, and its rules alone


def colour_labels_path() -> Path:
    return config.data_dir() / "colour_labels" / "labels.csv"


def shipped_photos_dir() -> Path:
    return config.data_dir() / "colour_labels" / "photos"


def ship_labelled_photos(train_dir: Path) -> int:
    """Copy the labelled photos from ``train_dir`` into assets at the reader's working size."""
    from shopdl_core.catalog_build import downscale_picture

    files = load_colour_labels("all")["file"]
    for file in files:
        target = shipped_photos_dir() / file
        target.parent.mkdir(parents=True, exist_ok=True)
        downscale_picture((Path(train_dir) / file).read_bytes(), WORK_SIZE).save(target, "JPEG", quality=90)
    return len(files)


def load_colour_labels(split: str = "all") -> pd.DataFrame:
    """The labelled photos of one split (dev, heldout or all), second_colour "" where none."""
    if split not in SPLITS:
        raise InputError(f"split must be one of {', '.join(SPLITS)}, not {split!r}.")
    labels = pd.read_csv(colour_labels_path(), dtype=str, keep_default_na=False)
    unknown = (set(labels["colour"]) | set(labels["second_colour"])) - {""}
    if not unknown <= set(PALETTE):
        raise ValueError(f"labels outside the palette: {sorted(unknown - set(PALETTE))}")
    return labels if split == "all" else labels[labels["split"] == split].reset_index(drop=True)


@dataclass(frozen=True)
class ColourEvaluation:
    split: str
    photos: int
    right: int
    plain_photos: int  # photos whose label is a plain colour (not multicolour)
    plain_right: int
    ms_per_photo: float  # the reader alone, after decoding, on one torch thread: CPU time of that thread
    mistakes: list[dict[str, str]]  # file, label, second, read

    @property
    def accuracy(self) -> float:
        return self.right / self.photos

    @property
    def plain_accuracy(self) -> float:
        return self.plain_right / self.plain_photos if self.plain_photos else float("nan")

    def confusions(self) -> list[tuple[str, str, int]]:
        """(label, read, count) of the mistakes, most frequent first."""
        counts = Counter((m["label"], m["read"]) for m in self.mistakes)
        return [(label, read, n) for (label, read), n in counts.most_common()]

    def summary(self) -> dict:
        return {"split": self.split, "photos": self.photos, "accuracy": round(self.accuracy, 4),
                "plain_photos": self.plain_photos, "plain_accuracy": round(self.plain_accuracy, 4),
                "ms_per_photo": round(self.ms_per_photo, 2), "mistakes": len(self.mistakes)}


def evaluate_colour_reader(photos_dir: Path | None = None, split: str = "heldout",
                           reader: Callable[[np.ndarray], str] = product_colour,
                           labelling_round: int | None = None) -> ColourEvaluation:
    """Score ``reader`` (rgb (H, W, 3) -> palette name) on the labelled photos of ``split``
    (of one labelling round only, when given), read from ``photos_dir`` (default: the shipped copies)."""
    labels = load_colour_labels(split)
    if labelling_round is not None:
        labels = labels[labels["round"] == str(labelling_round)].reset_index(drop=True)
        if labels.empty:
            raise InputError(f"no labelled photos of round {labelling_round} in split {split!r}.")
    photos_dir = shipped_photos_dir() if photos_dir is None else photos_dir
    # One thread, as the app runs on a CPU: thread_time() then counts all of the reader's work.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _evaluate(labels, Path(photos_dir), split, reader)
    finally:
        torch.set_num_threads(threads)


def _evaluate(labels: pd.DataFrame, photos_dir: Path, split: str,
              reader: Callable[[np.ndarray], str]) -> ColourEvaluation:
    right = plain = plain_right = 0
    seconds = 0.0
    mistakes = []
    for row in labels.itertuples():
        path = Path(photos_dir) / row.file
        if not path.is_file():
            raise InputError(f"{path} is missing: --photos must be the clothing photos' train folder.")
        rgb = decode_photo(path.read_bytes(), name=str(path)).rgb
        start = time.thread_time()
        read = reader(rgb)
        seconds += time.thread_time() - start
        good = read in (row.colour, row.second_colour)
        right += good
        if row.colour != MULTICOLOUR:
            plain += 1
            plain_right += good
        if not good:
            mistakes.append({"file": row.file, "label": row.colour, "second": row.second_colour, "read": read})
    return ColourEvaluation(split=split, photos=len(labels), right=right, plain_photos=plain,
                            plain_right=plain_right, ms_per_photo=1000 * seconds / max(len(labels), 1),
                            mistakes=mistakes)


def add_commands(targets: dict) -> None:
    parser = targets["evaluate"].add_parser(
        "colour", help="the colour reader's accuracy on the photos whose colour was labelled by eye")
    parser.add_argument("--photos", type=Path, default=None, metavar="DIR",
                        help="the clothing photos' train folder (default: the copies in assets/data/colour_labels)")
    parser.add_argument("--split", choices=SPLITS, default="heldout",
                        help="dev (what the reader was fitted and tuned on), heldout (never) or all")
    parser.add_argument("--reader", choices=tuple(READERS), default="namer",
                        help="namer: the learned namer the shop uses (default); rules: the naming rules alone")
    parser.add_argument("--round", type=int, default=None, dest="labelling_round", metavar="N",
                        help="only the photos of labelling round N (labels README: 1 to 5; 5 is the catalogue's photos)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run_evaluate)


def run_evaluate(args: argparse.Namespace) -> int:
    result = evaluate_colour_reader(args.photos, args.split, READERS[args.reader], args.labelling_round)
    if args.json:
        print(json.dumps({**result.summary(), "reader": args.reader, "round": args.labelling_round,
                          "confusions": result.confusions()}))
        return 0
    print(f"{args.reader}, {result.split}: {result.right}/{result.photos} right = {result.accuracy:.3f}; "
          f"plain colours {result.plain_right}/{result.plain_photos} = {result.plain_accuracy:.3f}; "
          f"{result.ms_per_photo:.1f} ms a photo")
    for label, read, count in result.confusions():
        print(f"  {count:3d} x labelled {label}, read {read}")
    return 0


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python -m shopdl_core.vision.colour_eval TRAIN_DIR (the clothing photos' train folder)")
    print(f"wrote {ship_labelled_photos(Path(sys.argv[1]))} photos to {shipped_photos_dir()}")
