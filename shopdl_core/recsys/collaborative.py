"""User-user collaborative filtering: the k most similar other shoppers who rated a product
predict the shopper's rating of it, as Surprise's KNNWithMeans:

    r̂(u, i) = b(u) + Σ_v s(u, v) (r(v, i) - b(v)) / Σ_v s(u, v)

over v in the k raters of i most similar to u, u itself excluded, similarity > 0 only; b is a
shopper's baseline (damped mean rating). The similarity s is Pearson over co-rated items
(shrunk) or the seed's cosine of rating rows; the prediction has the same form for both: a
neighbour who rates everything a star higher than the shopper does not push predictions up.
Content filtering predicts on the same footing (the shopper's baseline plus what similar items
say), so the hybrid blends like with like.
Without such a neighbour the prediction is the shopper's baseline and marked unavailable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopdl_core.errors import InputError
from shopdl_core.recsys.ratings import MAX_RATING, MIN_RATING, user_baselines
from shopdl_core.recsys.similarity import DEFAULT_SHRINKAGE, SIMILARITIES, k_largest_mask, user_similarity

DEFAULT_K = 40


PAIRS_PER_CHUNK = 4096  # pairs predicted together; sorted by rater count so padding stays small


@dataclass(frozen=True)
class SignalPrediction:
    """One signal's predicted ratings for P pairs, on the 1-5 star scale."""

    rating: np.ndarray  # (P,) the shopper's baseline where the signal had no evidence
    available: np.ndarray  # (P,) bool: the signal had evidence for the pair


@dataclass(frozen=True)
class Neighbours:
    """The shoppers who voted on one prediction, most similar first."""

    shoppers: np.ndarray  # (n,) indices, n <= k
    similarity: np.ndarray  # (n,)
    ratings: np.ndarray  # (n,) their ratings of the product


class UserKNN:
    def __init__(self, k: int = DEFAULT_K, similarity: str = "pearson", shrinkage: float = DEFAULT_SHRINKAGE):
        if int(k) != k or k < 1:
            raise InputError(f"The number of neighbours k must be a whole number of at least 1, not {k!r}.")
        if similarity not in SIMILARITIES:
            raise InputError(f"Unknown similarity {similarity!r}: use one of {', '.join(SIMILARITIES)}.")
        if shrinkage < 0:
            raise InputError(f"Shrinkage must be 0 or more, not {shrinkage!r}.")
        self.k = int(k)
        self.kind = similarity
        self.shrinkage = shrinkage

    def fit(self, values: np.ndarray) -> "UserKNN":
        """Learn from (U, I) ratings (0 = unknown): baselines, (U, U) similarity, raters per product."""
        self.baselines = user_baselines(values)
        # float32 halves the memory traffic of the (U, I) products and the per-pair gathers.
        self.similarity = user_similarity(
            values.astype(np.float32), self.baselines.astype(np.float32), self.kind, self.shrinkage
        )
        products, raters = np.nonzero(values.T > 0)  # grouped by product, lowest shopper first
        self._rater_count = np.bincount(products, minlength=values.shape[1])
        slot = np.arange(len(products)) - np.r_[0, np.cumsum(self._rater_count)[:-1]][products]
        width = max(int(self._rater_count.max(initial=0)), 1)
        # Per product, padded to the busiest one: (I, width) rater indices, ratings and votes.
        self._raters = np.zeros((values.shape[1], width), dtype=np.int32)
        self._raters[products, slot] = raters
        self._ratings = np.zeros((values.shape[1], width), dtype=np.float32)
        self._ratings[products, slot] = values[raters, products]
        self._offsets = np.zeros_like(self._ratings)  # (I, width) each rating minus its rater's baseline
        self._offsets[products, slot] = values[raters, products] - self.baselines[raters]
        return self

    def _chosen(self, shoppers: np.ndarray, products: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
        """(P, width) similarity of each product's raters to the pair's shopper, and which voted."""
        candidates = self._raters[products, :width]
        n_shoppers = self.similarity.shape[0]
        similarity = np.take(self.similarity.ravel(), shoppers[:, None] * n_shoppers + candidates)
        eligible = (
            (np.arange(width) < self._rater_count[products][:, None])
            & (candidates != shoppers[:, None])  # a shopper is never their own neighbour
            & (similarity > 0)
        )
        return similarity, k_largest_mask(np.where(eligible, similarity, -np.inf), eligible, self.k)

    def predict_pairs(self, shoppers: np.ndarray, products: np.ndarray) -> SignalPrediction:
        """Predict P pairs given as two (P,) index arrays."""
        vote = np.zeros(len(shoppers))
        available = np.zeros(len(shoppers), dtype=bool)
        by_raters = np.argsort(self._rater_count[products], kind="stable")
        for chunk in np.array_split(by_raters, max(1, -(-len(by_raters) // PAIRS_PER_CHUNK))):
            if not len(chunk):
                continue
            width = max(int(self._rater_count[products[chunk]].max()), 1)
            similarity, chosen = self._chosen(shoppers[chunk], products[chunk], width)
            weights = np.where(chosen, similarity, np.float32(0.0))
            total = weights.sum(axis=1)
            available[chunk] = total > 0
            weighted = np.einsum("pr,pr->p", weights, self._offsets[products[chunk], :width])
            vote[chunk] = weighted / np.where(total > 0, total, 1.0)
        own = self.baselines[shoppers]
        rating = np.clip(np.where(available, own + vote, own), MIN_RATING, MAX_RATING)
        return SignalPrediction(rating=rating, available=available)

    def neighbours(self, shopper: int, product: int) -> Neighbours:
        """Who voted on one prediction, most similar first (the page's explanation)."""
        width = max(int(self._rater_count[product]), 1)
        similarity, chosen = self._chosen(np.array([shopper]), np.array([product]), width)
        voted = np.flatnonzero(chosen[0])
        voted = voted[np.argsort(-similarity[0, voted], kind="stable")]
        return Neighbours(self._raters[product, voted], similarity[0, voted], self._ratings[product, voted])
