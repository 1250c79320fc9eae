"""The shop's recommendations: the one module of the shop that calls the recommenders.

The rating matrix is the synthetic shop's 500 shoppers over the whole catalogue
(``recsys.datasets.synthetic_shop``: hidden tastes, seeded) plus one row for the visitor, made
from their session's signals (signals.py).

"Recommended for you": popular products for a visitor with no signals; otherwise content
filtering fills the first places and user-user collaborative filtering the last
``COLLABORATIVE_PLACES``. A visitor with a handful of signals shares them with only a few of the
500 shoppers, and a prediction from one or two such neighbours is extreme (a single 5 lifts a
product to the top): the hybrid at alpha 0.5 put 0 or 1 dress among 8 picks after three
dresses were liked (docs/shop.md), so collaborative filtering gets a fixed share, not the lead.

"Shoppers who liked this also liked" is collaborative filtering for a shopper who rated only
this product, 5 stars.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from shopdl_core.recsys.base import POPULAR
from shopdl_core.recsys.content import catalog_item_features
from shopdl_core.recsys.datasets import synthetic_shop
from shopdl_core.recsys.ratings import MAX_RATING, RatingMatrix
from shopdl_core.recsys.recommend import recommend_for_shopper
from shopdl_core.shop.catalogue import catalogue_frame, find_product, product_ids
from shopdl_core.shop.signals import Signals, visitor_ratings_row

VISITOR = "visitor"
SHOP_NEIGHBOURS = 20  # k: the synthetic shop has 500 shoppers, each rating 15-45 products
RECOMMENDED = 10
COLLABORATIVE_PLACES = 2  # of RECOMMENDED
ALSO_LIKED = 5


@dataclass(frozen=True)
class ShopPick:
    product_id: str
    system: str  # "popular", "collaborative" or "content": which signal put it here
    because_of: str | None  # content: the visitor's product it resembles most
    neighbours: int  # collaborative: how many similar shoppers rated it


@lru_cache(maxsize=1)
def _shop_matrix() -> tuple[np.ndarray, np.ndarray]:
    """(shoppers, products) ratings of the synthetic shop (0 = unknown) and (products, F) features."""
    ids = product_ids()
    shop = synthetic_shop(catalogue_frame())
    if tuple(shop.product_ids) != ids:
        raise RuntimeError("the synthetic shop and the catalogue list products in different orders")
    return shop.ratings.to_matrix(), catalog_item_features(catalogue_frame(), ids)


def shop_shoppers() -> int:
    return len(_shop_matrix()[0])


def _with_row(row: np.ndarray) -> RatingMatrix:
    values, _features = _shop_matrix()
    shoppers = tuple(f"shopper {i + 1}" for i in range(len(values))) + (VISITOR,)
    return RatingMatrix(shoppers, product_ids(), np.vstack([values, row[None, :]]))


def _picks(row: np.ndarray, method: str, top_n: int) -> list[ShopPick]:
    """The visitor row's top products by ``method`` ("cf" or "content", RECOMMENDERS' names)."""
    result = recommend_for_shopper(_with_row(row), _shop_matrix()[1], VISITOR, method=method,
                                   k=SHOP_NEIGHBOURS, top_n=top_n)
    picks = []
    for item in result.items:
        neighbours = [reason for reason in item.reasons if reason.kind == "neighbour"]
        alike = [reason for reason in item.reasons if reason.kind == "alike"]
        if result.signal == POPULAR:
            picks.append(ShopPick(item.product_id, "popular", None, 0))
        elif neighbours and method == "cf":
            picks.append(ShopPick(item.product_id, "collaborative", None, len(neighbours)))
        else:
            picks.append(ShopPick(item.product_id, "content", alike[0].name if alike else None, 0))
    return picks


def recommended_for_visitor(signals: Signals, top_n: int = RECOMMENDED) -> list[ShopPick]:
    """``top_n`` products the visitor has given no signal yet: popular ones when cold, else
    content filtering's first picks and collaborative filtering's (see the module docstring)."""
    row = visitor_ratings_row(signals, product_ids())
    by_content = _picks(row, "content", top_n)
    if by_content[0].system == "popular":
        return by_content
    collaborative_places = min(COLLABORATIVE_PLACES, top_n // 2)
    picks = by_content[:top_n - collaborative_places]
    taken = {pick.product_id for pick in picks}
    for pick in _picks(row, "cf", top_n):
        if len(picks) < top_n and pick.product_id not in taken:
            picks.append(pick)
    return picks


def also_liked(product_id: str, top_n: int = ALSO_LIKED) -> list[ShopPick]:
    """What shoppers who rated ``product_id`` highly rated highly too (collaborative filtering)."""
    find_product(product_id)
    row = visitor_ratings_row({product_id: frozenset({"bag"})}, product_ids())
    assert row.max() == MAX_RATING
    return _picks(row, "cf", top_n)
