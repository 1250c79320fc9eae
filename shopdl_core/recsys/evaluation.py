"""Held-out evaluation: fit on training ratings, predict the held-out ones, score them.

``evaluate_folds`` is what ``shopdl evaluate recsys`` runs, for any method of RECOMMENDERS,
through the same interface the page uses (base.py); ``alpha_sweep`` feeds the page's chart of
ranking quality against the hybrid's alpha (hybrid.py: with item features, collaborative
filtering's gaps take the content prediction).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from shopdl_core.errors import InputError
from shopdl_core.recsys.collaborative import DEFAULT_K
from shopdl_core.recsys.datasets import RatingTriples, SyntheticShop, holdout_split
from shopdl_core.recsys.base import RecommenderSettings
from shopdl_core.recsys.hybrid import HybridRecommender
from shopdl_core.recsys.metrics import RELEVANT_RATING, mae, ranking_metrics, rmse
from shopdl_core.recsys.recommenders import recommender_class
from shopdl_core.recsys.similarity import DEFAULT_SHRINKAGE

TOP_K = 10
SWEEP_ALPHAS = tuple(np.round(np.linspace(0.0, 1.0, 11), 2))
SHOP_HOLDOUT = 0.5  # half of each synthetic shopper's ratings: enough held out to rank 10


@dataclass(frozen=True)
class EvaluationReport:
    rmse: float
    mae: float
    # Means over the folds where some shopper has a relevant held-out product (ranked_folds);
    # None when no fold has one: ranking quality is undefined there.
    precision_at_10: float | None
    recall_at_10: float | None
    ndcg_at_10: float | None
    seconds: float  # fit plus predict, all folds
    folds: int
    ranked_folds: int

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def evaluate_folds(
    folds: Iterable[tuple[RatingTriples, RatingTriples]],
    *,
    method: str = "cf",
    alpha: float = 0.5,
    k: int = DEFAULT_K,
    similarity: str = "pearson",
    shrinkage: float = DEFAULT_SHRINKAGE,
    item_features: np.ndarray | None = None,
) -> EvaluationReport:
    """Mean of each metric over the folds; ``seconds`` times building, fitting and predicting.

    Each fold's recommender learns from that fold's training ratings alone (a learned method
    tunes on a validation split carved from them); settings it does not read are ignored.
    """
    build = recommender_class(method)
    settings = RecommenderSettings(k=k, similarity=similarity, shrinkage=shrinkage, alpha=alpha)
    errors, rankings, seconds = [], [], 0.0
    for train, test in folds:
        start = time.perf_counter()
        predicted = build(settings, item_features).fit(train).predict_pairs(test.shoppers, test.products)
        seconds += time.perf_counter() - start
        errors.append((rmse(test.ratings, predicted), mae(test.ratings, predicted)))
        ranking = ranking_metrics(test.shoppers, test.products, test.ratings, predicted, TOP_K)
        if ranking is not None:
            rankings.append((ranking["precision"], ranking["recall"], ranking["ndcg"]))
    if not errors:
        raise InputError("There is nothing to evaluate: no folds were given.")
    ranked = np.mean(rankings, axis=0).tolist() if rankings else [None, None, None]
    return EvaluationReport(*np.mean(errors, axis=0).tolist(), *ranked, seconds=seconds, folds=len(errors),
                            ranked_folds=len(rankings))


def alpha_sweep(
    shop: SyntheticShop, alphas: tuple[float, ...] = SWEEP_ALPHAS, k: int = DEFAULT_K,
    similarity: str = "pearson", shrinkage: float = DEFAULT_SHRINKAGE,
) -> pd.DataFrame:
    """Ranking quality and RMSE at each alpha on a held-out half of the shop's ratings.

    Both signals are predicted once; each alpha only re-blends them. One row per alpha with
    columns alpha, precision, recall, ndcg (all at 10) and rmse.
    """
    train, test = holdout_split(shop.ratings, SHOP_HOLDOUT)
    model = HybridRecommender(k, similarity, shrinkage).fit(train.to_matrix(), shop.item_features)
    parts, _, _ = model.predict_parts(test.shoppers, test.products)
    rows = []
    for alpha in alphas:  # a handful of blends of the same two (P,) arrays
        predicted = parts.blend(alpha)
        ranking = ranking_metrics(test.shoppers, test.products, test.ratings, predicted, TOP_K)
        if ranking is None:
            raise InputError(f"No shopper has a held-out product rated {RELEVANT_RATING:g} or more: "
                             "ranking quality is undefined on this shop.")
        rows.append({"alpha": float(alpha), **ranking, "rmse": rmse(test.ratings, predicted)})
    return pd.DataFrame(rows)
