"""Accuracy of predicted ratings (RMSE, MAE) and of rankings (precision, recall, NDCG at k).

Ranking protocol: each shopper's held-out products are ranked by predicted rating (ties go
to the lower product index); a held-out product is relevant when its true rating is >= 4.
Per shopper, with hits = relevant products among the first k:
    precision@k = hits / min(k, n held out)      recall@k = hits / n relevant
    NDCG@k = Σ_hits 1 / log2(rank + 1) / Σ_{rank <= min(k, n relevant)} 1 / log2(rank + 1)
averaged over the shoppers with at least one relevant held-out product. When no shopper has
one, the three are undefined (not 0: nothing could have been found), and ``ranking_metrics``
returns None so that callers say so instead of printing NaN.
"""

from __future__ import annotations

import numpy as np

RELEVANT_RATING = 4.0


def rmse(true: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((true - predicted) ** 2)))


def mae(true: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(true - predicted)))


def ranking_metrics(
    shoppers: np.ndarray, products: np.ndarray, true: np.ndarray, predicted: np.ndarray, k: int = 10
) -> dict[str, float] | None:
    """Precision, recall and NDCG at k over held-out (shopper, product, rating) triples, all (P,);
    None when no shopper has a relevant held-out product."""
    order = np.lexsort((products, -predicted, shoppers))  # by shopper, best prediction first
    shoppers, relevant = shoppers[order], true[order] >= RELEVANT_RATING
    starts = np.flatnonzero(np.r_[True, shoppers[1:] != shoppers[:-1]])  # first row of each shopper
    sizes = np.diff(np.r_[starts, len(shoppers)])
    group = np.repeat(np.arange(len(starts)), sizes)
    rank = np.arange(len(shoppers)) - starts[group]  # 0 = ranked first
    in_top = rank < k
    hits = np.bincount(group, weights=relevant & in_top, minlength=len(starts))
    n_relevant = np.bincount(group, weights=relevant, minlength=len(starts))
    discount = 1.0 / np.log2(np.arange(k) + 2.0)  # (k,) gain of a hit at rank 0 .. k-1
    dcg = np.bincount(group, weights=np.where(relevant & in_top, discount[np.minimum(rank, k - 1)], 0.0),
                      minlength=len(starts))
    ideal = np.r_[0.0, np.cumsum(discount)][np.minimum(n_relevant, k).astype(int)]
    scored = n_relevant > 0
    if not scored.any():
        return None
    return {
        "precision": float(np.mean(hits[scored] / np.minimum(k, sizes[scored]))),
        "recall": float(np.mean(hits[scored] / n_relevant[scored])),
        "ndcg": float(np.mean(dcg[scored] / ideal[scored])),
    }
