"""Similarity between rows of a matrix: shoppers (over their ratings) or products (over features).

The seed computed its "user similarity" between items, and divided by zero for a shopper
with no ratings. Here a zero row has similarity 0 to everyone (itself included), never NaN.
"""

from __future__ import annotations

import numpy as np

from shopdl_core.errors import InputError
from shopdl_core.i18n import N_

SIMILARITIES = ("pearson", "cosine")
# What a page calls them (shown as _(name)).
SIMILARITY_NAMES = {"pearson": N_("Around each shopper's average (Pearson)"), "cosine": N_("Raw stars (cosine)")}
# Pearson similarities from few co-rated items are noisy; n co-ratings scale them by
# n / (n + SHRINKAGE) (Koren 2008), so a pair agreeing on 2 items does not look identical.
DEFAULT_SHRINKAGE = 10.0


def cosine_similarity_rows(vectors: np.ndarray) -> np.ndarray:
    """(N, F) -> (N, N) cosine similarity of the rows; a zero row is 0 to every row."""
    norms = np.linalg.norm(vectors, axis=1)
    unit = vectors / np.where(norms > 0, norms, 1.0)[:, None]
    return unit @ unit.T


def user_cosine_similarity(values: np.ndarray) -> np.ndarray:
    """(U, I) ratings, 0 = unknown -> (U, U): the seed's cosine, taken over shoppers' rows."""
    return cosine_similarity_rows(values)


def user_pearson_similarity(
    values: np.ndarray, centres: np.ndarray, shrinkage: float = DEFAULT_SHRINKAGE
) -> np.ndarray:
    """(U, I) ratings and (U,) centres -> (U, U) Pearson correlation over co-rated items.

    Each shopper's ratings are centred on their own baseline; sums run only over the items
    both shoppers rated, and the result is shrunk by n / (n + shrinkage) for n co-ratings.
    Three (U, I) x (I, U) products, no loop over pairs.
    """
    rated = (values > 0).astype(values.dtype)
    centred = (values - centres[:, None]) * rated  # 0 where not rated
    covariance = centred @ centred.T
    # squares[u, v]: sum of u's squared deviations over the items v also rated.
    squares = (centred * centred) @ rated.T
    norm = np.sqrt(squares * squares.T)
    correlation = np.divide(covariance, norm, out=np.zeros_like(covariance), where=norm > 0)
    co_rated = rated @ rated.T
    weight = np.divide(co_rated, co_rated + shrinkage, out=np.zeros_like(co_rated), where=co_rated > 0)
    return correlation * weight


def user_similarity(
    values: np.ndarray, centres: np.ndarray, kind: str = "pearson", shrinkage: float = DEFAULT_SHRINKAGE
) -> np.ndarray:
    """(U, I) ratings -> (U, U) shopper similarity of ``kind`` (one of SIMILARITIES)."""
    if kind == "cosine":
        return user_cosine_similarity(values)
    if kind == "pearson":
        return user_pearson_similarity(values, centres, shrinkage)
    raise InputError(f"Unknown similarity {kind!r}: use one of {', '.join(SIMILARITIES)}.")


def k_largest_mask(scores: np.ndarray, eligible: np.ndarray, k: int) -> np.ndarray:
    """(P, R) -> (P, R) bool marking each row's k highest eligible scores, ties to the lower column."""
    if scores.shape[1] <= k:
        return eligible
    kth = -np.partition(-scores, k - 1, axis=1)[:, k - 1 : k]  # (P, 1) k-th highest score
    chosen = eligible & (scores >= kth)
    overfull = np.flatnonzero(chosen.sum(axis=1) > k)  # rows where ties at the k-th score overflow
    if len(overfull):
        rows, row_kth = scores[overfull], kth[overfull]
        tied = eligible[overfull] & (rows == row_kth)
        room = k - (rows > row_kth).sum(axis=1, keepdims=True)
        chosen[overfull] = eligible[overfull] & ((rows > row_kth) | (tied & (np.cumsum(tied, axis=1) <= room)))
    return chosen


def top_neighbours(similarity: np.ndarray, k: int) -> np.ndarray:
    """(N, N) -> (N, min(k, N - 1)) indices of each row's most similar other rows, best first.

    The row itself never counts (the seed's argsort kept it, and took the least similar end);
    ties go to the lower index.
    """
    n = similarity.shape[0]
    k = min(k, n - 1)
    others = ~np.eye(n, dtype=bool)
    chosen = k_largest_mask(np.where(others, similarity, -np.inf), others, k)
    rows, columns = np.nonzero(chosen)  # k per row
    order = np.lexsort((columns, -similarity[rows, columns], rows))
    return columns[order].reshape(n, k)
