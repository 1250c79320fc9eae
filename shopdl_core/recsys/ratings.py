"""The rating matrix: validation at the boundary, CSV round trips, baselines and popularity.

A table (what the page's editor and CSV files hold) has a ``Shopper`` column and one column
per product, labelled with the product's readable name. ``ratings_from_table`` turns it into a
``RatingMatrix`` or raises InputError naming the first offending cell, in the page's language
(the column labels are data and stay as they are; a page may pass the names it shows for them).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from shopdl_core.errors import InputError
from shopdl_core.i18n import N_, _

SHOPPER_COLUMN = N_("Shopper")  # the table's column; a page shows it as _(SHOPPER_COLUMN)
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
            raise InputError(_("There is no shopper called '{name}' in the rating matrix.").format(name=shopper))
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
            problems.append(_("missing {columns}").format(columns=", ".join(f"'{c}'" for c in missing)))
        if unexpected:
            problems.append(_("unexpected {columns}").format(columns=", ".join(f"'{c}'" for c in unexpected)))
        if len(set(present)) != len(present):
            problems.append(_("some columns appear twice"))
        raise InputError(_("The ratings table must have the columns {columns} ({problems}).").format(
            columns=", ".join(expected), problems=_("; ").join(problems)))


def _check_shoppers(raw_names: pd.Series) -> list[str]:
    names = [
        "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()
        for value in raw_names
    ]
    for row, name in enumerate(names, start=1):
        if not name:
            raise InputError(_("Row {row} has no shopper name: type a name in the {column} column.").format(
                row=row, column=_(SHOPPER_COLUMN)))
    first_row: dict[str, int] = {}
    for row, name in enumerate(names, start=1):
        if name in first_row:
            raise InputError(_("Shopper '{name}' appears twice (rows {first} and {second}): each shopper "
                               "needs a unique name.").format(name=name, first=first_row[name], second=row))
        first_row[name] = row
    return names


def _parse_ratings(cells: pd.DataFrame, names: list[str], column_names: Mapping[str, str]) -> np.ndarray:
    """(shoppers, products) float64 with 0 for blanks; raises naming the first bad cells (each
    column by ``column_names``, what the page calls it)."""
    raw = cells.to_numpy(dtype=object)
    blank = (pd.isna(cells) | cells.map(lambda v: isinstance(v, str) and not v.strip())).to_numpy()
    numbers = cells.apply(lambda column: pd.to_numeric(column, errors="coerce")).to_numpy(dtype=float)
    unreadable = ~blank & ~np.isfinite(numbers)  # text, "nan", "inf"
    with np.errstate(invalid="ignore"):
        out_of_range = ~blank & ~unreadable & (numbers != 0) & ((numbers < MIN_RATING) | (numbers > MAX_RATING))
    bad = np.argwhere(unreadable | out_of_range)  # row-major: the first bad cell reads first
    if len(bad):
        cells_named = _("; ").join(
            _("row '{shopper}', column '{column}' holds '{value}'").format(
                shopper=names[row], column=column_names.get(cells.columns[col], cells.columns[col]),
                value=_cell_text(raw[row, col]))
            for row, col in bad[:_MAX_CELLS_NAMED]
        )
        if len(bad) > _MAX_CELLS_NAMED:
            cells_named = _("{cells} (and {count} more)").format(cells=cells_named, count=len(bad) - _MAX_CELLS_NAMED)
        raise InputError(_("Ratings must be numbers from {low:g} to {high:g} (half stars allowed), or 0 / blank "
                           "for not rated: {cells}.").format(low=MIN_RATING, high=MAX_RATING, cells=cells_named))
    return np.where(blank, 0.0, numbers)


def ratings_from_table(table: pd.DataFrame, products: Mapping[str, str],
                       column_names: Mapping[str, str] | None = None) -> RatingMatrix:
    """Validate an editor or CSV table; ``products`` maps each column label to its product id,
    ``column_names`` a label to the name its messages use (default: the label itself)."""
    labels = list(products)
    _check_columns(table, labels)
    if len(table) == 0:
        raise InputError(_("The rating matrix is empty: add at least one shopper (a row)."))
    names = _check_shoppers(table[SHOPPER_COLUMN])
    values = _parse_ratings(table[labels], names, column_names or {})
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


def table_from_csv(data: bytes, products: Mapping[str, str],
                   column_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read an uploaded CSV (same columns as the download) into a validated editor table;
    ``column_names`` as for ratings_from_table."""
    try:
        text = data.decode("utf-8-sig")
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(_("The file is not a readable UTF-8 CSV table ({error}).").format(error=exc)) from exc
    raw.columns = [str(column).strip() for column in raw.columns]
    return table_from_matrix(ratings_from_table(raw, products, column_names), products)


def user_baselines(values: np.ndarray, damping: float = BASELINE_DAMPING) -> np.ndarray:
    """(shoppers,) mean rating damped towards the global mean; the global mean when unrated."""
    rated = values > 0
    global_mean = values[rated].mean() if rated.any() else (MIN_RATING + MAX_RATING) / 2
    return (values.sum(axis=1) + damping * global_mean) / (rated.sum(axis=1) + damping)


def item_popularity(values: np.ndarray, damping: float = POPULARITY_DAMPING) -> np.ndarray:
    """(products,) damped mean rating: what a shopper with no ratings is shown first."""
    return user_baselines(values.T, damping)
