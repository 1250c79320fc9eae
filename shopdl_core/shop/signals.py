"""The visitor's session as implicit feedback: what they viewed, liked and put in the bag.

The recommenders read ratings from 1 to 5 stars and centre them on the shopper's own mean, so
each signal stands for a rating of stated strength and a product takes its strongest signal:

- ``view`` 3.5: opened the product page. Above the shop's mean rating (about 3.2), so a view
  says "somewhat interested"; a strength of 1 would read as "disliked it".
- ``like`` 4.5: pressed Like.
- ``bag`` 5: added it to the bag, the strongest intent short of buying.

The signals live in the visitor's session (st.session_state under ``SIGNALS_KEY``), never in a
link: a shared link opens the same product, not the same visitor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from shopdl_core.errors import InputError
from shopdl_core.i18n import _
from shopdl_core.recsys.ratings import MAX_RATING, RatingMatrix

SIGNALS_KEY = "shop_signals"  # session-state key: {product_id: frozenset of signal names}
SIGNAL_STRENGTH = {"view": 3.5, "like": 4.5, "bag": 5.0}

Signals = Mapping[str, frozenset[str]]


def _check(signal: str) -> None:
    if signal not in SIGNAL_STRENGTH:
        raise InputError(f"Unknown signal {signal!r}: use one of {', '.join(SIGNAL_STRENGTH)}.")


def with_signal(signals: Signals, product_id: str, signal: str) -> dict[str, frozenset[str]]:
    """A copy of ``signals`` with ``signal`` on ``product_id`` (the input is left as it was)."""
    _check(signal)
    updated = dict(signals)
    updated[product_id] = frozenset(updated.get(product_id, frozenset()) | {signal})
    return updated


def without_signal(signals: Signals, product_id: str, signal: str) -> dict[str, frozenset[str]]:
    """A copy of ``signals`` with ``signal`` taken off ``product_id`` (unlike, out of the bag)."""
    _check(signal)
    updated = dict(signals)
    remaining = updated.get(product_id, frozenset()) - {signal}
    if remaining:
        updated[product_id] = remaining
    else:
        updated.pop(product_id, None)
    return updated


def products_with(signals: Signals, signal: str) -> list[str]:
    _check(signal)
    return [product_id for product_id, given in signals.items() if signal in given]


def signal_rating(given: frozenset[str]) -> float:
    """The rating a product's signals stand for: the strongest, at most 5; 0 for none."""
    return min(max((SIGNAL_STRENGTH[s] for s in given), default=0.0), MAX_RATING)


def visitor_ratings_row(signals: Signals, product_ids: Sequence[str]) -> np.ndarray:
    """The visitor as one row of the rating matrix: (len(product_ids),), 0 = no signal.

    Signals on products outside ``product_ids`` are left out (a matrix over a few products,
    as the Recommendations page's demo matrix, shows only those)."""
    position = {product_id: i for i, product_id in enumerate(product_ids)}
    row = np.zeros(len(product_ids))
    for product_id, given in signals.items():
        if product_id in position:
            row[position[product_id]] = signal_rating(given)
    return row


def with_visitor_row(matrix: RatingMatrix, signals: Signals, name: str) -> RatingMatrix:
    """``matrix`` with the visitor as one more shopper, called ``name``, when any of their signals
    falls on the matrix's products; ``matrix`` itself otherwise."""
    row = visitor_ratings_row(signals, matrix.product_ids)
    if not row.any():
        return matrix
    if name in matrix.shoppers:
        raise InputError(_("A shopper in the table is already called '{name}': rename them to see the shop "
                           "visitor's row.").format(name=name))
    return RatingMatrix(matrix.shoppers + (name,), matrix.product_ids, np.vstack([matrix.values, row[None, :]]))
