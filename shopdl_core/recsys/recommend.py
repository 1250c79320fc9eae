"""One recommendation request: the top products for one shopper, with the reasons for each.

This is what the page calls. It fits the hybrid on the (small) matrix it is given, predicts
every product the shopper has not rated, ranks them, and says which signal was used:
collaborative, content, their blend, or, for a shopper with no ratings, popularity. The
"learned" method ranks by a matrix factorisation (factorisation.py) fitted on the matrix, and
explains each product by the shopper's rated products nearest to it in the learned item space.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import torch

from shopdl_core.errors import InputError
from shopdl_core.recsys.datasets import RatingTriples
from shopdl_core.recsys.factorisation import LEARNED, FactorisationConfig, FittedFactorisation, train_factorisation
from shopdl_core.recsys.hybrid import METHODS, HybridRecommender, method_alpha
from shopdl_core.recsys.ratings import RatingMatrix, item_popularity
from shopdl_core.recsys.similarity import DEFAULT_SHRINKAGE

MAX_REASONS = 3  # neighbours or liked items named per product
PAGE_METHODS = (*METHODS, LEARNED)
# The demo matrix (8 shoppers, about 30 ratings): few factors, a firm prior, full-batch Adam.
DEMO_FACTORISATION = FactorisationConfig(factors=3, regularisation=1.0, learning_rate=0.1, epochs=150)


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
    nearest: tuple[LikedItemReason, ...] = ()  # learned: rated items nearest in the learned item space


@dataclass(frozen=True)
class Recommendations:
    shopper: str
    alpha: float  # the blend weight actually used
    signal: str  # "collaborative", "content", "hybrid", "learned" or "popular"
    note: str  # one sentence for the page: which signal ranked the list and why
    items: tuple[Recommendation, ...]
    similarity: np.ndarray  # (U, U) the shopper-shopper similarity the neighbours came from
    # (learned: the cosine of the shoppers' learned taste vectors)


def learn_from_matrix(values: np.ndarray, settings: FactorisationConfig = DEMO_FACTORISATION) -> FittedFactorisation:
    """Fit the factorisation on every known rating of a (U, I) matrix (0 = unknown)."""
    shoppers, products = np.nonzero(values > 0)
    triples = RatingTriples(shoppers, products, values[shoppers, products], *values.shape)
    # A few hundred (8, 3) x (3, 12) steps: the CPU beats a GPU's launch and copy overheads here.
    return train_factorisation(triples, settings, device=torch.device("cpu"))


def _cosine(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1)
    outer = norms[:, None] * norms[None, :]
    return np.divide(vectors @ vectors.T, outer, out=np.zeros_like(outer), where=outer > 0)


def _learned(matrix: RatingMatrix, user: int, top_n: int, fitted: FittedFactorisation) -> Recommendations:
    products = np.flatnonzero(~matrix.rated[user])  # (P,)
    score = fitted.predict_pairs(np.full(len(products), user), products)
    ranked = np.argsort(-score, kind="stable")[:top_n]
    rated = np.flatnonzero(matrix.rated[user])
    items = []
    for p in ranked:
        nearest, similarity = fitted.nearest_products(products[p], rated)
        items.append(Recommendation(
            product_id=matrix.product_ids[products[p]], score=float(score[p]), cf_part=np.nan, content_part=np.nan,
            neighbours=(), liked_items=(),
            nearest=tuple(LikedItemReason(matrix.product_ids[j], float(s), float(matrix.values[user, j]))
                          for j, s in zip(nearest[:MAX_REASONS], similarity)),
        ))
    shopper = matrix.shoppers[user]
    note = (f"Ranked by a model learned from all the ratings: the shop's mean, {shopper}'s and each product's "
            f"bias, and how well {shopper}'s learned taste matches the product's learned traits.")
    return Recommendations(shopper, np.nan, LEARNED, note, tuple(items), _cosine(fitted.shopper_factors))


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
    learned: FittedFactorisation | None = None,
) -> Recommendations:
    """Top ``top_n`` unrated products for ``shopper``; ``item_features`` is (products, F).

    For the learned method, ``learned`` is the factorisation already fitted on this matrix (the
    page caches it per matrix); without it, one is fitted here."""
    if item_features is None:
        raise InputError("Recommendations need the products' features (one row per product), for content "
                         "filtering and for collaborative filtering's gaps; none were given.")
    if int(top_n) != top_n or top_n < 1:
        raise InputError(f"The number of recommendations must be a whole number of at least 1, not {top_n!r}.")
    if method == LEARNED:
        user = matrix.shopper_index(shopper)
        fitted = learned if learned is not None else learn_from_matrix(matrix.values)
        if not matrix.rated[user].any():
            return _popular(matrix, shopper, int(top_n), _cosine(fitted.shopper_factors))
        return _learned(matrix, user, int(top_n), fitted)
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
