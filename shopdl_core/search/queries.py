"""The query set (assets/data/search_queries/queries.tsv) and precision@k of a search.

Each query names the photo class(es) it means (a result of any of them counts) and, for colour
queries, the catalogue colour(s) it means; ``split`` is ``dev`` (looked at while choosing how to
train) or ``heldout`` (scored only to report the shipped projection).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from shopdl_core import config
from shopdl_core.vision.colour import PALETTE
from shopdl_core.errors import InputError
from shopdl_core.search.vocabulary import caption_nouns

QUERY_COLUMNS = ("query", "classes", "colours", "form", "language", "split")
SPLITS = ("dev", "heldout")
FORMS = ("kind", "colour", "describe")


def queries_path() -> Path:
    return config.data_dir() / "search_queries" / "queries.tsv"


def load_queries(split: str | None = None, path: Path | None = None) -> pd.DataFrame:
    """The queries of ``split`` (None: all), checked; ``classes`` and ``colours`` as tuples."""
    path = Path(path or queries_path())
    if not path.is_file():
        raise InputError(f"The search queries {path} are missing (they ship in assets/data/search_queries).")
    frame = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, keep_default_na=False, dtype=str)
    missing = [c for c in QUERY_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{path.name} lacks the column(s) {', '.join(missing)}.")
    frame["classes"] = frame["classes"].str.split().map(tuple)
    frame["colours"] = frame["colours"].str.split().map(tuple)
    bad = [c for cs in frame["classes"] for c in cs if c not in config.PHOTO_CLASSES] + \
          [c for cs in frame["colours"] for c in cs if c not in PALETTE]
    if bad or (frame["classes"].map(len) == 0).any():
        raise InputError(f"{path.name}: every query needs classes from config.PHOTO_CLASSES and colours "
                         f"from the colour palette; unknown: {', '.join(sorted(set(bad))) or 'an empty class list'}.")
    if not frame["split"].isin(SPLITS).all() or not frame["form"].isin(FORMS).all():
        raise InputError(f"{path.name}: split must be one of {SPLITS} and form one of {FORMS}.")
    return frame if split is None else frame[frame["split"] == split].reset_index(drop=True)


def uses_caption_noun(query: str) -> bool:
    """True when the query holds a kind word of the caption table (a whole word in English)."""
    text = query.lower()
    return any((noun in text) if not noun.isascii() else re.search(rf"(?<![\w-]){re.escape(noun)}(?![\w-])", text)
               for noun in caption_nouns())


def precision_at_k(result_labels: list[list[str]], classes: list[tuple[str, ...]]) -> np.ndarray:
    """Per query: the share of its results whose label is one of the query's classes."""
    return np.array([np.mean([label in wanted for label in labels]) if labels else 0.0
                     for labels, wanted in zip(result_labels, classes)])
