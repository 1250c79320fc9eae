"""Latency of the recommender beside plain-Python versions of the seed's formulas.

The baselines loop in Python as the seed's formulas read (with its bugs fixed, so both
sides compute the same thing): cosine between shoppers' rating rows, the k most similar
other shoppers, their similarity-weighted ratings, and the content profile's cosine.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from shopdl_core.recsys.datasets import movielens_shaped
from shopdl_core.recsys.ratings import RatingMatrix, user_baselines
from shopdl_core.recsys.recommend import recommend_for_shopper
from shopdl_core.recsys.similarity import top_neighbours, user_similarity

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


def plain_python_request(rows: list[list[float]], features: list[list[float]], user: int,
                         k: int, top_n: int, alpha: float) -> list[int]:
    """The seed's request in plain Python: cosine CF blended with a cosine content profile."""
    similar = sorted(((_cosine(rows[user], rows[v]), v) for v in range(len(rows)) if v != user), reverse=True)
    profile = [sum(r * f[j] for r, f in zip(rows[user], features)) for j in range(len(features[0]))]
    scores = []
    for item, rating in enumerate(rows[user]):
        if rating:
            continue
        voters = [(s, rows[v][item]) for s, v in similar if rows[v][item] and s > 0][:k]
        weight = sum(s for s, _ in voters)
        cf = sum(s * r for s, r in voters) / weight if weight else 0.0
        scores.append((alpha * cf / 5 + (1 - alpha) * _cosine(profile, features[item]), item))
    return [item for _, item in sorted(scores, reverse=True)[:top_n]]


def bench_demo_request(matrix: RatingMatrix, item_features: np.ndarray, repeats: int = 200,
                       k: int = 3, top_n: int = 5) -> Timing:
    shopper = matrix.shoppers[0]
    ours = median_seconds(lambda: recommend_for_shopper(
        matrix, item_features, shopper, method="hybrid", alpha=0.5, k=k, top_n=top_n), repeats)
    rows, features = matrix.values.tolist(), item_features.tolist()
    baseline = median_seconds(lambda: plain_python_request(rows, features, 0, k, top_n, 0.5), repeats)
    size = f"{len(matrix.shoppers)} x {len(matrix.product_ids)}"
    return Timing(f"one recommendation request, demo matrix {size} (hybrid, k={k}, top {top_n})", ours, baseline)


def plain_python_neighbours(rows: list[list[float]], users: range, k: int) -> list[list[int]]:
    """Cosine similarity rows and top-k other shoppers for ``users``, in plain Python."""
    return [
        [v for _, v in sorted(((_cosine(rows[u], rows[v]), v) for v in range(len(rows)) if v != u),
                              reverse=True)[:k]]
        for u in users
    ]


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
    sample = median_seconds(lambda: plain_python_neighbours(rows, range(baseline_users), NEIGHBOURS_LISTED), 1)
    n_users, n_items = values.shape
    return Timing(
        f"{similarity} similarity + top-{NEIGHBOURS_LISTED} neighbours, all {n_users} shoppers "
        f"({n_users} x {n_items}, {int((values > 0).sum()):,} ratings)",
        ours, sample * n_users / baseline_users,
        note=f"baseline: plain-Python cosine, timed on {baseline_users} shoppers and scaled to {n_users}",
    )
