"""The rating matrix: validation at the boundary, CSV round trips, baselines and popularity.

A table (what the page's editor and CSV files hold) has a ``Shopper`` column and one column
per product, labelled with the product's readable name. ``ratings_from_table`` turns it into a
``RatingMatrix`` or raises InputError naming the first offending cell.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from shopdl_core.errors import InputError

SHOPPER_COLUMN = "Shopper"
MIN_RATING = 1.0
MAX_RATING = 5.0
# A shopper's baseline is their mean rating pulled towards the global mean as if they had
# also given this many global-mean ratings: one 5-star rating then reads as "liked", not "average".
BASELINE_DAMPING = 3.0
# An item's popularity is its mean rating damped the same way, so one 5 does not beat fifty 4.5s.
POPULARITY_DAMPING = 5.0
_MAX_CELLS_NAMED = 3


@dataclass(frozen=True)
class RatingMatrix:
    shoppers: tuple[str, ...]
    product_ids: tuple[str, ...]
    values: np.ndarray  # (shoppers, products) float64; 0 = not rated, else 1-5

    @property
    def rated(self) -> np.ndarray:
        return self.values > 0

    def shopper_index(self, shopper: str) -> int:
        if shopper not in self.shoppers:
            raise InputError(f"There is no shopper called {shopper!r} in the rating matrix.")
        return self.shoppers.index(shopper)


def _cell_text(value: object) -> str:
    return f"{value:g}" if isinstance(value, (int, float, np.number)) else str(value)


def _check_columns(table: pd.DataFrame, labels: list[str]) -> None:
    expected = [SHOPPER_COLUMN, *labels]
    present = [str(column) for column in table.columns]
    missing = [column for column in expected if column not in present]
    unexpected = [column for column in present if column not in expected]
    if missing or unexpected or len(set(present)) != len(present):
        problems = []
        if missing:
            problems.append("missing " + ", ".join(f"'{c}'" for c in missing))
        if unexpected:
            problems.append("unexpected " + ", ".join(f"'{c}'" for c in unexpected))
        if len(set(present)) != len(present):
            problems.append("some columns appear twice")
        raise InputError(
            f"The ratings table must have the columns {', '.join(expected)} "
            f"({'; '.join(problems)})."
        )


def _check_shoppers(raw_names: pd.Series) -> list[str]:
    names = [
        "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()
        for value in raw_names
    ]
    for row, name in enumerate(names, start=1):
        if not name:
            raise InputError(f"Row {row} has no shopper name: type a name in the {SHOPPER_COLUMN} column.")
    first_row: dict[str, int] = {}
    for row, name in enumerate(names, start=1):
        if name in first_row:
            raise InputError(
                f"Shopper '{name}' appears twice (rows {first_row[name]} and {row}): "
                "each shopper needs a unique name."
            )
        first_row[name] = row
    return names


def _parse_ratings(cells: pd.DataFrame, names: list[str]) -> np.ndarray:
    """(shoppers, products) float64 with 0 for blanks; raises naming the first bad cells."""
    raw = cells.to_numpy(dtype=object)
    blank = (pd.isna(cells) | cells.map(lambda v: isinstance(v, str) and not v.strip())).to_numpy()
    numbers = cells.apply(lambda column: pd.to_numeric(column, errors="coerce")).to_numpy(dtype=float)
    unreadable = ~blank & ~np.isfinite(numbers)  # text, "nan", "inf"
    with np.errstate(invalid="ignore"):
        out_of_range = ~blank & ~unreadable & (numbers != 0) & ((numbers < MIN_RATING) | (numbers > MAX_RATING))
    bad = np.argwhere(unreadable | out_of_range)  # row-major: the first bad cell reads first
    if len(bad):
        named = [
            f"row '{names[row]}', column '{cells.columns[col]}' holds '{_cell_text(raw[row, col])}'"
            for row, col in bad[:_MAX_CELLS_NAMED]
        ]
        more = f" (and {len(bad) - _MAX_CELLS_NAMED} more)" if len(bad) > _MAX_CELLS_NAMED else ""
        raise InputError(
            f"Ratings must be numbers from {MIN_RATING:g} to {MAX_RATING:g} (half stars allowed), "
            f"or 0 / blank for not rated: {'; '.join(named)}{more}."
        )
    return np.where(blank, 0.0, numbers)


def ratings_from_table(table: pd.DataFrame, products: Mapping[str, str]) -> RatingMatrix:
    """Validate an editor or CSV table; ``products`` maps each column label to its product id."""
    labels = list(products)
    _check_columns(table, labels)
    if len(table) == 0:
        raise InputError("The rating matrix is empty: add at least one shopper (a row).")
    names = _check_shoppers(table[SHOPPER_COLUMN])
    values = _parse_ratings(table[labels], names)
    return RatingMatrix(tuple(names), tuple(products[label] for label in labels), values)


def table_from_matrix(matrix: RatingMatrix, labels: Mapping[str, str]) -> pd.DataFrame:
    """The editor's table: Shopper plus one float column per product label, NaN = not rated."""
    label_of = {product_id: label for label, product_id in labels.items()}
    table = pd.DataFrame(
        np.where(matrix.rated, matrix.values, np.nan),
        columns=[label_of[product_id] for product_id in matrix.product_ids],
    )
    table.insert(0, SHOPPER_COLUMN, list(matrix.shoppers))
    return table


def table_from_csv(data: bytes, products: Mapping[str, str]) -> pd.DataFrame:
    """Read an uploaded CSV (same columns as the download) into a validated editor table."""
    try:
        text = data.decode("utf-8-sig")
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"The file is not a readable UTF-8 CSV table ({exc}).") from exc
    raw.columns = [str(column).strip() for column in raw.columns]
    return table_from_matrix(ratings_from_table(raw, products), products)


def user_baselines(values: np.ndarray, damping: float = BASELINE_DAMPING) -> np.ndarray:
    """(shoppers,) mean rating damped towards the global mean; the global mean when unrated."""
    rated = values > 0
    global_mean = values[rated].mean() if rated.any() else (MIN_RATING + MAX_RATING) / 2
    return (values.sum(axis=1) + damping * global_mean) / (rated.sum(axis=1) + damping)


def item_popularity(values: np.ndarray, damping: float = POPULARITY_DAMPING) -> np.ndarray:
    """(products,) damped mean rating: what a shopper with no ratings is shown first."""
    return user_baselines(values.T, damping)
