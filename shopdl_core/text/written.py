"""Reviews written for ShopDL by writers in different hands: English and Chinese.

Each folder holds one ``<writer>.tsv`` per writer (its README says who wrote what, and how),
with the columns domain, label (1 positive, 0 negative), kind (plain, negation, contrast,
sarcasm) and text; the Chinese files add ``topic`` (the kind of thing reviewed), and their
domain is ``clothing`` or ``other``. One loader reads them all:

- ``en``: ``assets/data/reviews_written``, short English reviews of things other than clothes,
  for training. None of these writers wrote a review of the check in ``reviews_ood``.
- ``zh``: ``assets/data/reviews_written_zh``, Chinese reviews of clothes and other things, for
  training.
- ``zh-heldout``: ``assets/data/reviews_heldout_zh``, Chinese reviews by two other writers, for
  measuring only: never for training or choosing.

No held-out review shares 60 % or more of its character bigrams with a training review
(``near_copies``; the share is taken of the shorter review's bigrams).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from shopdl_core import config
from shopdl_core.errors import InputError

COLUMNS = ("domain", "label", "kind", "text")
KINDS = ("plain", "negation", "contrast", "sarcasm")
WRITTEN_SETS = {"en": "reviews_written", "zh": "reviews_written_zh", "zh-heldout": "reviews_heldout_zh"}
NEAR_COPY_SHARE = 0.6


def written_dir(name: str = "en") -> Path:
    if name not in WRITTEN_SETS:
        raise InputError(f"The written review set must be one of {', '.join(WRITTEN_SETS)}, got {name!r}.")
    return config.data_dir() / WRITTEN_SETS[name]


def load_written_reviews(folder: Path | None = None) -> pd.DataFrame:
    """All writers' reviews in ``folder`` (default: the English set), with a ``writer`` column
    (the file's name), in file-name order; columns beyond the four required ones are kept."""
    folder = Path(folder or written_dir())
    files = sorted(folder.glob("*.tsv"))
    if not files:
        raise InputError(f"No written training reviews in {folder} (they ship in assets/data/).")
    frames = []
    for path in files:
        frame = pd.read_csv(path, sep="\t", dtype={"label": int}, quoting=csv.QUOTE_NONE, keep_default_na=False)
        missing = [c for c in COLUMNS if c not in frame.columns]
        if missing:
            raise InputError(f"{path.name} lacks the column(s) {', '.join(missing)}.")
        if not frame["label"].isin([0, 1]).all():
            raise InputError(f"{path.name}: every label must be 0 (negative) or 1 (positive).")
        unknown = sorted(set(frame["kind"]) - set(KINDS))
        if unknown:
            raise InputError(f"{path.name}: unknown kind(s) {', '.join(unknown)}; expected {', '.join(KINDS)}.")
        if (frame["text"].str.strip() == "").any():
            raise InputError(f"{path.name}: every review needs a text.")
        extra = [c for c in frame.columns if c not in COLUMNS]
        frames.append(frame.assign(writer=path.stem)[[*COLUMNS, *extra, "writer"]])
    return pd.concat(frames, ignore_index=True)


def _bigrams(text: str) -> set[str]:
    letters = "".join(ch for ch in text.lower() if ch.isalnum())
    return {letters[i : i + 2] for i in range(len(letters) - 1)}


def bigram_share(a: str, b: str) -> float:
    """Share of the shorter text's character bigrams (letters and digits only) found in the other."""
    first, second = _bigrams(a), _bigrams(b)
    return len(first & second) / max(1, min(len(first), len(second)))


def near_copies(texts: list[str], others: list[str], share: float = NEAR_COPY_SHARE) -> list[tuple[int, int]]:
    """Pairs (i, j) where ``texts[i]`` and ``others[j]`` share ``share`` or more of their bigrams."""
    other_grams = [_bigrams(t) for t in others]
    pairs = []
    for i, text in enumerate(texts):
        grams = _bigrams(text)
        for j, theirs in enumerate(other_grams):
            if len(grams & theirs) >= share * max(1, min(len(grams), len(theirs))):
                pairs.append((i, j))
    return pairs
