"""One recommendation request: the top products for one shopper, with the reasons for each.

This is what the page calls. It fits the hybrid on the (small) matrix it is given, predicts
every product the shopper has not rated, ranks them, and says which signal was used:
collaborative, content, their blend, or, for a shopper with no ratings, popularity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopdl_core.errors import InputError
from shopdl_core.recsys.hybrid import HybridRecommender, method_alpha
from shopdl_core.recsys.ratings import RatingMatrix, item_popularity
from shopdl_core.recsys.similarity import DEFAULT_SHRINKAGE

MAX_REASONS = 3  # neighbours or liked items named per product


@dataclass(frozen=True)
class NeighbourReason:
    shopper: str
    similarity: float
    rating: float


@dataclass(frozen=True)
class LikedItemReason:
    product_id: str
    similarity: float
    rating: float


@dataclass(frozen=True)
class Recommendation:
    product_id: str
    score: float  # predicted rating in stars (damped mean rating for popular picks)
    cf_part: float
    content_part: float
    neighbours: tuple[NeighbourReason, ...]  # who voted, most similar first
    liked_items: tuple[LikedItemReason, ...]  # rated items that pulled the content score up


@dataclass(frozen=True)
class Recommendations:
    shopper: str
    alpha: float  # the blend weight actually used
    signal: str  # "collaborative", "content", "hybrid" or "popular"
    note: str  # one sentence for the page: which signal ranked the list and why
    items: tuple[Recommendation, ...]
    similarity: np.ndarray  # (U, U) the shopper-shopper similarity the neighbours came from


def _popular(matrix: RatingMatrix, shopper: str, top_n: int, similarity: np.ndarray) -> Recommendations:
    popularity = item_popularity(matrix.values)
    order = np.argsort(-popularity, kind="stable")[:top_n]
    items = tuple(
        Recommendation(matrix.product_ids[i], float(popularity[i]), np.nan, np.nan, (), ()) for i in order
    )
    note = f"{shopper} has not rated anything yet, so these are the most popular products (damped mean rating)."
    return Recommendations(shopper, np.nan, "popular", note, items, similarity)


def _signal(alpha: float, cf_available: np.ndarray, content_available: np.ndarray, shopper: str) -> tuple[str, str]:
    wanted = {1.0: "collaborative", 0.0: "content"}.get(alpha, "hybrid")
    if wanted != "content" and not cf_available.any():
        return "content", (
            f"None of {shopper}'s neighbours rated anything {shopper} has not, "
            "so the ranking falls back to content filtering."
        )
    if wanted != "collaborative" and not content_available.any():
        return "collaborative", "No rated product shares a feature with these, so content filtering has no say."
    note = {
        "collaborative": f"Ranked by what shoppers with tastes like {shopper}'s rated.",
        "content": f"Ranked by likeness to the products {shopper} rated highly.",
        "hybrid": f"Ranked by a blend: {alpha:.0%} collaborative, {1 - alpha:.0%} content.",
    }[wanted]
    gaps = int((~cf_available & content_available).sum())
    if wanted != "content" and gaps:  # hybrid.py: collaborative borrows the content prediction there
        note += (f" No neighbour rated {gaps} of the {len(cf_available)} products {shopper} has not rated: "
                 f"{'its' if gaps == 1 else 'their'} content prediction stands in for collaborative filtering.")
    return wanted, note


def recommend_for_shopper(
    matrix: RatingMatrix,
    item_features: np.ndarray,
    shopper: str,
    *,
    method: str = "hybrid",
    alpha: float = 0.5,
    k: int = 5,
    top_n: int = 5,
    similarity: str = "pearson",
    shrinkage: float = DEFAULT_SHRINKAGE,
) -> Recommendations:
    """Top ``top_n`` unrated products for ``shopper``; ``item_features`` is (products, F)."""
    if item_features is None:
        raise InputError("Recommendations need the products' features (one row per product), for content "
                         "filtering and for collaborative filtering's gaps; none were given.")
    if int(top_n) != top_n or top_n < 1:
        raise InputError(f"The number of recommendations must be a whole number of at least 1, not {top_n!r}.")
    alpha = method_alpha(method, alpha)
    user = matrix.shopper_index(shopper)
    model = HybridRecommender(k, similarity, shrinkage).fit(matrix.values, item_features)
    if not matrix.rated[user].any():
        return _popular(matrix, shopper, int(top_n), model.collaborative.similarity)
    products = np.flatnonzero(~matrix.rated[user])  # (P,) only what the shopper has not rated
    shoppers = np.full(len(products), user)
    parts, cf, content = model.predict_parts(shoppers, products)
    signal, note = _signal(alpha, cf.available, content.available, shopper)
    score = parts.blend(alpha)
    ranked = np.argsort(-score, kind="stable")[: int(top_n)]  # ties keep catalogue order
    items = []
    for p in ranked:  # at most top_n products: explanations are per product, not per matrix cell
        voters = model.collaborative.neighbours(user, products[p])
        liked = model.content.liked_items(user, products[p])
        items.append(Recommendation(
            product_id=matrix.product_ids[products[p]],
            score=float(score[p]),
            cf_part=float(parts.cf[p]),
            content_part=float(parts.content[p]),
            neighbours=tuple(
                NeighbourReason(matrix.shoppers[v], float(s), float(r))
                for v, s, r in zip(voters.shoppers[:MAX_REASONS], voters.similarity, voters.ratings)
            ),
            liked_items=tuple(
                LikedItemReason(matrix.product_ids[j], float(s), float(r))
                for j, s, r in zip(liked.products[:MAX_REASONS], liked.similarity, liked.ratings)
            ),
        ))
    return Recommendations(shopper, alpha, signal, note, tuple(items), model.collaborative.similarity)
