"""Latency of the recommender beside plain-Python loops that compute the same thing.

The baselines loop in Python as the seed's formulas read, with its bugs fixed and on ShopDL's
footing, so that each side computes the same result:

- one request (``plain_python_request``): the ranking ``recommend_for_shopper`` returns for the
  hybrid with cosine shopper similarity: damped-mean baselines, the k most similar other raters
  of each product, the mean-centred collaborative prediction, the content prediction from the
  item features' cosine, each signal's gaps filled by the other, both clipped to 1-5 stars and
  blended. ShopDL's side also fits the whole matrix (every shopper's similarities, which the
  page's heatmap shows) and explains each listed product (its neighbours and liked items); the
  baseline only ranks.
- all users (``plain_python_neighbours``): the same similarity (cosine, or Pearson over co-rated
  items with shrinkage) and each shopper's top-10 other shoppers.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from shopdl_core.recsys.datasets import movielens_shaped
from shopdl_core.recsys.ratings import (BASELINE_DAMPING, MAX_RATING, MIN_RATING, RatingMatrix,
                                        user_baselines)
from shopdl_core.recsys.recommend import recommend_for_shopper
from shopdl_core.recsys.similarity import DEFAULT_SHRINKAGE, top_neighbours, user_similarity

NEIGHBOURS_LISTED = 10  # "top-10": each shopper's ten most similar other shoppers


@dataclass(frozen=True)
class Timing:
    label: str
    median_s: float
    baseline_s: float
    note: str = ""

    @property
    def speedup(self) -> float:
        return self.baseline_s / self.median_s


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def _pearson(a: list[float], b: list[float], centre_a: float, centre_b: float, shrinkage: float) -> float:
    """Pearson over the items both rated, each centred on its baseline, shrunk by n / (n + shrinkage)."""
    pairs = [(x - centre_a, y - centre_b) for x, y in zip(a, b) if x and y]
    dot = sum(x * y for x, y in pairs)
    norm = math.sqrt(sum(x * x for x, _ in pairs)) * math.sqrt(sum(y * y for _, y in pairs))
    return dot / norm * len(pairs) / (len(pairs) + shrinkage) if norm else 0.0


def _baselines(rows: list[list[float]]) -> list[float]:
    """Each shopper's mean rating, damped towards the global mean (ratings.user_baselines)."""
    rated = [r for row in rows for r in row if r]
    global_mean = sum(rated) / len(rated) if rated else (MIN_RATING + MAX_RATING) / 2
    return [(sum(row) + BASELINE_DAMPING * global_mean) / (sum(1 for r in row if r) + BASELINE_DAMPING)
            for row in rows]


def _clip(rating: float) -> float:
    return min(max(rating, MIN_RATING), MAX_RATING)


def plain_python_request(rows: list[list[float]], features: list[list[float]], user: int,
                         k: int, top_n: int, alpha: float) -> list[tuple[int, float]]:
    """``recommend_for_shopper``'s ranking (hybrid, cosine similarity) in plain Python:
    (product index, predicted stars), best first, ties to the lower index."""
    baselines = _baselines(rows)
    own = baselines[user]
    similar = sorted(((-_cosine(rows[user], rows[v]), v) for v in range(len(rows)) if v != user))
    rated = [j for j, rating in enumerate(rows[user]) if rating]
    scores = []
    for item, rating in enumerate(rows[user]):
        if rating:
            continue
        voters = [(-s, rows[v][item] - baselines[v]) for s, v in similar if rows[v][item] and s < 0][:k]
        weight = sum(s for s, _ in voters)
        cf = _clip(own + sum(s * offset for s, offset in voters) / weight) if weight else None
        likeness = [(_cosine(features[item], features[j]), rows[user][j] - own) for j in rated]
        evidence = sum(s for s, _ in likeness)
        content = _clip(own + sum(s * like for s, like in likeness) / evidence) if evidence > 0 else None
        cf_part = cf if cf is not None else content if content is not None else own
        content_part = content if content is not None else cf if cf is not None else own
        scores.append((-(alpha * cf_part + (1 - alpha) * content_part), item))
    return [(item, -score) for score, item in sorted(scores)[:top_n]]


def bench_demo_request(matrix: RatingMatrix, item_features: np.ndarray, repeats: int = 200,
                       k: int = 3, top_n: int = 5) -> Timing:
    shopper = matrix.shoppers[0]
    ours = median_seconds(lambda: recommend_for_shopper(
        matrix, item_features, shopper, method="hybrid", alpha=0.5, k=k, top_n=top_n, similarity="cosine"), repeats)
    rows, features = matrix.values.tolist(), item_features.tolist()
    baseline = median_seconds(lambda: plain_python_request(rows, features, 0, k, top_n, 0.5), repeats)
    size = f"{len(matrix.shoppers)} x {len(matrix.product_ids)}"
    return Timing(f"one recommendation request, demo matrix {size} (hybrid, cosine, k={k}, top {top_n})",
                  ours, baseline,
                  note="the same ranking on both sides; ShopDL also fits every shopper's similarities "
                       "(the page's heatmap) and explains each listed product")


def plain_python_neighbours(rows: list[list[float]], users: range, k: int, similarity: str = "cosine",
                            shrinkage: float = DEFAULT_SHRINKAGE) -> list[list[int]]:
    """``similarity`` between shoppers and the top-k other shoppers for ``users``, in plain Python
    (ties to the lower index)."""
    baselines = _baselines(rows)

    def score(u: int, v: int) -> float:
        if similarity == "cosine":
            return _cosine(rows[u], rows[v])
        return _pearson(rows[u], rows[v], baselines[u], baselines[v], shrinkage)

    return [[v for _, v in sorted((-score(u, v), v) for v in range(len(rows)) if v != u)[:k]] for u in users]


def bench_all_users(similarity: str, repeats: int = 5, baseline_users: int = 20) -> Timing:
    """Similarity plus top-10 neighbours for all 943 shoppers of a MovieLens-shaped matrix.

    The plain-Python baseline is timed on ``baseline_users`` shoppers and scaled to all of them
    (it is linear in the number of shoppers; all 943 would take minutes).
    """
    values = movielens_shaped().to_matrix()
    values32 = values.astype(np.float32)
    centres = user_baselines(values).astype(np.float32)
    ours = median_seconds(
        lambda: top_neighbours(user_similarity(values32, centres, similarity), NEIGHBOURS_LISTED), repeats)
    rows = values.tolist()
    sample = median_seconds(
        lambda: plain_python_neighbours(rows, range(baseline_users), NEIGHBOURS_LISTED, similarity), 1)
    n_users, n_items = values.shape
    return Timing(
        f"{similarity} similarity + top-{NEIGHBOURS_LISTED} neighbours, all {n_users} shoppers "
        f"({n_users} x {n_items}, {int((values > 0).sum()):,} ratings)",
        ours, sample * n_users / baseline_users,
        note=f"baseline: the same {similarity} similarity in plain Python, timed on {baseline_users} "
             f"shoppers and scaled to {n_users}",
    )
