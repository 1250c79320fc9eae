"""Read MovieLens-100k from a folder the user gives (the data may not be redistributed).

``u.data``: user id, item id, rating, timestamp, tab-separated, ids from 1. The official
folds ``u1.base``/``u1.test`` .. ``u5.base``/``u5.test`` have the same format. The optional
``u.item`` (``|``-separated, Latin-1) ends with 19 genre flags: the items' content features.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from shopdl_core import config
from shopdl_core.errors import InputError
from shopdl_core.recsys.datasets import RatingTriples, kfold_splits
from shopdl_core.recsys.ratings import MAX_RATING, MIN_RATING

OFFICIAL_FOLDS = 5
GENRES = 19


@dataclass(frozen=True)
class MovieLens:
    folds: list[tuple[RatingTriples, RatingTriples]]
    official_folds: bool  # u1..u5 were used, not a seeded split of u.data
    item_features: np.ndarray | None  # (items, 19) genre flags, when u.item is present


def _read_triples(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, sep="\t", header=None, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} could not be read as tab-separated MovieLens ratings ({exc}).") from exc
    if frame.shape[1] != 4:
        raise InputError(f"{path} must have 4 tab-separated columns (user, item, rating, timestamp), "
                         f"not {frame.shape[1]}.")
    numbers = frame.apply(pd.to_numeric, errors="coerce")  # a short line leaves '' in the last column
    bad = (numbers.isna().any(axis=1) | (numbers[0] < 1) | (numbers[1] < 1)
           | (numbers[2] < MIN_RATING) | (numbers[2] > MAX_RATING) | (numbers[[0, 1]] % 1 != 0).any(axis=1))
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{path}, line {line + 1}: expected a positive whole user id, item id, a rating "
                         f"from 1 to 5 and a timestamp, got {' '.join(frame.iloc[line].tolist())!r}.")
    return numbers.astype({0: int, 1: int, 2: float})


def _triples(frame: pd.DataFrame, n_users: int, n_items: int) -> RatingTriples:
    return RatingTriples(frame[0].to_numpy() - 1, frame[1].to_numpy() - 1, frame[2].to_numpy(), n_users, n_items)


def _read_genres(path: Path, n_items: int) -> np.ndarray:
    try:
        frame = pd.read_csv(path, sep="|", header=None, encoding="latin-1", dtype=str, keep_default_na=False)
        ids = pd.to_numeric(frame[0]).astype(int).to_numpy()
        flags = frame.iloc[:, -GENRES:].astype(float).to_numpy()
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"{path} is not a MovieLens u.item file (id|title|...|19 genre flags): {exc}") from exc
    if ids.min() < 1 or ids.max() > n_items or frame.shape[1] < GENRES + 1:
        raise InputError(f"{path} lists item ids outside 1..{n_items} or lacks the 19 genre columns.")
    features = np.zeros((n_items, GENRES))
    features[ids - 1] = flags
    return features


def read_movielens(directory: Path | str, folds: int = OFFICIAL_FOLDS, seed: int = config.SEED) -> MovieLens:
    """The folds to evaluate on: the official five when all ten files exist (and five are
    asked for), else a seeded split of ``u.data`` into ``folds``."""
    if int(folds) != folds or folds < 2:
        raise InputError(f"The number of folds must be a whole number of at least 2, not {folds!r}.")
    directory = Path(directory).expanduser()
    if not directory.is_dir():
        raise InputError(f"{directory} is not a folder: pass the folder holding u.data (ml-100k).")
    official = [(directory / f"u{n}.base", directory / f"u{n}.test") for n in range(1, OFFICIAL_FOLDS + 1)]
    use_official = folds == OFFICIAL_FOLDS and all(base.is_file() and test.is_file() for base, test in official)
    if use_official:
        frames = [(_read_triples(base), _read_triples(test)) for base, test in official]
        everything = pd.concat([frame for pair in frames for frame in pair])
    elif (directory / "u.data").is_file():
        everything = _read_triples(directory / "u.data")
    else:
        raise InputError(f"{directory} holds no u.data (and not all of the official folds u1.base .. u5.test).")
    n_users, n_items = int(everything[0].max()), int(everything[1].max())
    if use_official:
        splits = [(_triples(base, n_users, n_items), _triples(test, n_users, n_items)) for base, test in frames]
    else:
        splits = list(kfold_splits(_triples(everything, n_users, n_items), int(folds), seed))
    item_path = directory / "u.item"
    features = _read_genres(item_path, n_items) if item_path.is_file() else None
    return MovieLens(splits, use_official, features)
