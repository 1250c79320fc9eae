"""Short reviews of things other than clothes, written for training (not for measuring).

``assets/data/reviews_written/<writer>.tsv`` (its README says who wrote what, and how): each
file is one writer's reviews, in that writer's own style, with the columns of the out-of-domain
check (domain, label, kind, text). None of these writers wrote a review of the check in
``reviews_ood``, so the check still measures how the models read a stranger's review.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from shopdl_core import config
from shopdl_core.errors import InputError

COLUMNS = ("domain", "label", "kind", "text")


def written_dir() -> Path:
    return config.data_dir() / "reviews_written"


def load_written_reviews(folder: Path | None = None) -> pd.DataFrame:
    """All writers' reviews, with a ``writer`` column (the file's name), in file-name order."""
    folder = Path(folder or written_dir())
    files = sorted(folder.glob("*.tsv"))
    if not files:
        raise InputError(f"No written training reviews in {folder} (they ship in assets/data/reviews_written).")
    frames = []
    for path in files:
        frame = pd.read_csv(path, sep="\t", dtype={"label": int}, quoting=csv.QUOTE_NONE)
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise InputError(f"{path.name} lacks the column(s) {', '.join(missing)}.")
        if not frame["label"].isin([0, 1]).all():
            raise InputError(f"{path.name}: every label must be 0 (negative) or 1 (positive).")
        frames.append(frame.assign(writer=path.stem)[[*COLUMNS, "writer"]])
    return pd.concat(frames, ignore_index=True)
