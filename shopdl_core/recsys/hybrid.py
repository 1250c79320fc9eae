"""The hybrid: collaborative and content predictions blended on one scale, the predicted
rating in stars (1-5), as ``alpha * cf + (1 - alpha) * content``.

Both signals predict on the same footing, the shopper's baseline plus what their evidence says
(collaborative.py, content.py). Where one signal has no evidence for a pair (no neighbour rated
the product; no rated item shares a feature with it) it borrows the other's prediction. So
"collaborative" (alpha = 1: the page's method and the CLI's ``--method cf`` alike) ranks a
product by its neighbours where any of them rated it and by its content prediction where none
did (by the shopper's baseline when no item features are given); "content" (alpha = 0) the
other way round. A product nobody rated can still be recommended through its content.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopdl_core.errors import InputError
from shopdl_core.recsys.collaborative import DEFAULT_K, SignalPrediction, UserKNN
from shopdl_core.recsys.content import ContentFilter
from shopdl_core.recsys.similarity import DEFAULT_SHRINKAGE

METHOD_ALPHA = {"collaborative": 1.0, "content": 0.0}
METHODS = ("collaborative", "content", "hybrid")


def check_alpha(alpha: float) -> float:
    if not 0.0 <= alpha <= 1.0:
        raise InputError(f"alpha must be between 0 (content only) and 1 (collaborative only), not {alpha!r}.")
    return float(alpha)


def method_alpha(method: str, alpha: float) -> float:
    """The blend weight a method uses: 1 for collaborative, 0 for content, ``alpha`` for hybrid."""
    if method not in METHODS:
        raise InputError(f"Unknown method {method!r}: use one of {', '.join(METHODS)}.")
    return check_alpha(alpha) if method == "hybrid" else METHOD_ALPHA[method]


@dataclass(frozen=True)
class BlendParts:
    cf: np.ndarray  # (P,) collaborative part, in stars
    content: np.ndarray  # (P,) content part, in stars

    def blend(self, alpha: float) -> np.ndarray:
        return alpha * self.cf + (1.0 - alpha) * self.content


def blend_parts(cf: SignalPrediction, content: SignalPrediction | None) -> BlendParts:
    """Fill each signal's gaps with the other's prediction (both are baselines where neither
    knows); without content, collaborative gaps stay at the shopper's baseline."""
    if content is None:
        return BlendParts(cf.rating, cf.rating)
    return BlendParts(
        cf=np.where(cf.available, cf.rating, content.rating),
        content=np.where(content.available, content.rating, cf.rating),
    )


class HybridRecommender:
    """Collaborative and (when item features are given) content filtering, fitted together."""

    def __init__(self, k: int = DEFAULT_K, similarity: str = "pearson", shrinkage: float = DEFAULT_SHRINKAGE):
        self.collaborative = UserKNN(k, similarity, shrinkage)
        self.content: ContentFilter | None = None

    def fit(self, values: np.ndarray, item_features: np.ndarray | None = None) -> "HybridRecommender":
        self.collaborative.fit(values)
        self.content = ContentFilter().fit(values, item_features) if item_features is not None else None
        return self

    def predict_parts(
        self, shoppers: np.ndarray, products: np.ndarray
    ) -> tuple[BlendParts, SignalPrediction, SignalPrediction | None]:
        cf = self.collaborative.predict_pairs(shoppers, products)
        content = self.content.predict_pairs(shoppers, products) if self.content is not None else None
        return blend_parts(cf, content), cf, content
