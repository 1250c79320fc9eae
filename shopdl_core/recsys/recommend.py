"""One recommendation request: the top products for one shopper, with the reasons for each.

This is what the page calls. The method (any name of RECOMMENDERS) is fitted on the (small)
matrix it is given, or the caller passes one already fitted on it (the page caches them per
matrix); the result names shoppers and products instead of indices. A shopper with no ratings
gets the most popular products, whatever the method (base.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopdl_core.errors import InputError
from shopdl_core.recsys.base import Recommender, RecommenderSettings
from shopdl_core.recsys.datasets import RatingTriples
from shopdl_core.recsys.ratings import RatingMatrix
from shopdl_core.recsys.recommenders import DEFAULT_METHOD, recommender_class, settings_for
from shopdl_core.recsys.similarity import DEFAULT_SHRINKAGE


@dataclass(frozen=True)
class NamedReason:
    kind: str  # base.Reason's kinds: "neighbour", "alike", "near", "rater"
    name: str  # a shopper's name ("neighbour", "rater") or a product id ("alike", "near")
    weight: float
    rating: float


@dataclass(frozen=True)
class Recommendation:
    product_id: str
    score: float  # predicted stars (for a shopper with no ratings: the product's popularity)
    parts: tuple[tuple[str, float], ...]  # (what produced it, stars), summing to score
    reasons: tuple[NamedReason, ...]
    rests_on: str


@dataclass(frozen=True)
class Recommendations:
    shopper: str
    method: str
    signal: str  # what ranked the list (base.Summary)
    note: str  # one sentence for the page
    fallback: bool  # the method could not use its usual signal
    items: tuple[Recommendation, ...]
    similarity: np.ndarray  # (U, U) how alike the method finds the shoppers, 1 on the diagonal
    similarity_caption: str


def fit_recommender(method: str, values: np.ndarray, item_features: np.ndarray | None,
                    settings: RecommenderSettings) -> Recommender:
    """Build ``method`` with the settings it reads and fit it on every known rating of a (U, I)
    matrix (0 = unknown)."""
    build = recommender_class(method)
    return build(settings_for(method, settings), item_features).fit(RatingTriples.from_matrix(values))


def page_settings(k: int = 5, similarity: str = "pearson", shrinkage: float = DEFAULT_SHRINKAGE,
                  alpha: float = 0.5) -> RecommenderSettings:
    """The settings of a request on a page's matrix (a few dozen ratings)."""
    return RecommenderSettings(k=k, similarity=similarity, shrinkage=shrinkage, alpha=alpha, few_ratings=True)


def _named(matrix: RatingMatrix, kind: str, index: int) -> str:
    return matrix.shoppers[index] if kind in ("neighbour", "rater") else matrix.product_ids[index]


def recommend_for_shopper(
    matrix: RatingMatrix,
    item_features: np.ndarray,
    shopper: str,
    *,
    method: str = DEFAULT_METHOD,
    alpha: float = 0.5,
    k: int = 5,
    top_n: int = 5,
    similarity: str = "pearson",
    shrinkage: float = DEFAULT_SHRINKAGE,
    fitted: Recommender | None = None,
) -> Recommendations:
    """Top ``top_n`` unrated products for ``shopper``; ``item_features`` is (products, F).

    ``matrix`` may hold shoppers beyond the page's (a visitor's row): every row is fitted.
    ``fitted``: ``method`` already fitted on ``matrix`` (fit_recommender); without it, one is fitted here."""
    if item_features is None:
        raise InputError("Recommendations need the products' features (one row per product), for content "
                         "filtering and for collaborative filtering's gaps; none were given.")
    if int(top_n) != top_n or top_n < 1:
        raise InputError(f"The number of recommendations must be a whole number of at least 1, not {top_n!r}.")
    user = matrix.shopper_index(shopper)
    model = fitted if fitted is not None else fit_recommender(
        method, matrix.values, item_features, page_settings(k, similarity, shrinkage, alpha))
    products, _ = model.recommend(user, int(top_n))
    items = []
    for product in products:  # at most top_n: explanations are per listed product, not per cell
        explanation = model.explain(user, int(product))
        items.append(Recommendation(
            product_id=matrix.product_ids[product], score=explanation.score, parts=explanation.parts,
            reasons=tuple(NamedReason(r.kind, _named(matrix, r.kind, r.index), r.weight, r.rating)
                          for r in explanation.reasons),
            rests_on=explanation.rests_on,
        ))
    summary = model.summary(user, shopper)
    return Recommendations(shopper, method, summary.signal, summary.note, summary.fallback, tuple(items),
                           model.shopper_similarity(), summary.similarity_caption)
