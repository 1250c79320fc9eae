"""Rating data as (shopper, product, rating) triples, its splits, and two seeded synthetic sets:

- ``synthetic_shop``: shoppers of the real catalogue with hidden tastes, for the alpha sweep;
- ``movielens_shaped``: 943 x 1682 with 100,000 ratings, for timing MovieLens-100k's workload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pandas as pd

from shopdl_core import config
from shopdl_core.recsys.content import FEATURE_BLOCKS, catalog_item_features
from shopdl_core.recsys.ratings import MAX_RATING, MIN_RATING


@dataclass(frozen=True)
class RatingTriples:
    shoppers: np.ndarray  # (N,) int indices
    products: np.ndarray  # (N,) int indices
    ratings: np.ndarray  # (N,) float, 1-5
    n_shoppers: int
    n_products: int

    def to_matrix(self) -> np.ndarray:
        """(n_shoppers, n_products) float64, 0 = not rated."""
        values = np.zeros((self.n_shoppers, self.n_products))
        values[self.shoppers, self.products] = self.ratings
        return values

    @classmethod
    def from_matrix(cls, values: np.ndarray) -> "RatingTriples":
        """The known ratings of a (U, I) matrix (0 = unknown), shopper by shopper."""
        shoppers, products = np.nonzero(values > 0)
        return cls(shoppers, products, values[shoppers, products], *values.shape)

    def subset(self, keep: np.ndarray) -> "RatingTriples":
        return RatingTriples(self.shoppers[keep], self.products[keep], self.ratings[keep],
                             self.n_shoppers, self.n_products)


def holdout_split(data: RatingTriples, fraction: float, seed: int = config.SEED) -> tuple[RatingTriples, RatingTriples]:
    """Hold out ``fraction`` of each shopper's ratings (rounded down) at random: (train, test)."""
    rng = np.random.default_rng(seed)
    order = np.lexsort((rng.random(len(data.ratings)), data.shoppers))  # shuffled within shopper
    counts = np.bincount(data.shoppers, minlength=data.n_shoppers)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(len(order)) - starts[data.shoppers[order]]
    held = rank < np.floor(fraction * counts[data.shoppers])
    return data.subset(~held), data.subset(held)


def kfold_splits(data: RatingTriples, folds: int = 5, seed: int = config.SEED) -> Iterator[tuple[RatingTriples, RatingTriples]]:
    """Seeded k-fold over ratings (as MovieLens's own u1..u5): yields (train, test) per fold."""
    fold_of = np.random.default_rng(seed).permutation(len(data.ratings)) % folds
    for fold in range(folds):
        yield data.subset(fold_of != fold), data.subset(fold_of == fold)


def _sample_pairs(rng: np.random.Generator, counts: np.ndarray, item_weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each shopper u picks counts[u] distinct products, favouring heavy ones (Gumbel top-k)."""
    keys = np.log(item_weights)[None, :] + rng.gumbel(size=(len(counts), len(item_weights)))  # (U, I)
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    return np.nonzero(rank < counts[:, None])


def _to_stars(affinity: np.ndarray) -> np.ndarray:
    return np.clip(np.round(affinity), MIN_RATING, MAX_RATING)


@dataclass(frozen=True)
class SyntheticShop:
    ratings: RatingTriples
    item_features: np.ndarray  # (products, F) from the catalogue
    product_ids: tuple[str, ...]


def synthetic_shop(catalog: pd.DataFrame, n_shoppers: int = 500, seed: int = config.SEED) -> SyntheticShop:
    """Shoppers of the catalogue with hidden tastes, so both signals carry information.

    A shopper's affinity for a product is a taste for its catalogue features (category,
    colour, price band, tags: what content filtering can see) plus a taste for hidden product
    traits no feature records (fit, fabric: what only other shoppers' ratings reveal), plus
    noise. Each shopper rates 15-45 products, popular ones more often.
    """
    rng = np.random.default_rng(seed)
    product_ids = tuple(catalog["product_id"])
    features = catalog_item_features(catalog, product_ids)  # (I, F), 5 unit blocks
    n_products = len(product_ids)
    # Visible and hidden tastes each have unit spread (features are 5 unit blocks; the hidden
    # part is a rank-4 product), so neither signal alone can explain the ratings.
    visible = rng.normal(size=(n_shoppers, features.shape[1])) @ features.T / np.sqrt(len(FEATURE_BLOCKS))
    hidden = rng.normal(size=(n_shoppers, 4)) @ rng.normal(size=(4, n_products)) / 2.0
    quality = rng.normal(scale=0.3, size=n_products)
    affinity = visible + hidden + quality + rng.normal(scale=0.6, size=(n_shoppers, n_products))
    stars = _to_stars(3.2 + 1.1 * affinity / affinity.std())  # (U, I)
    counts = rng.integers(15, 46, size=n_shoppers)
    shoppers, products = _sample_pairs(rng, counts, rng.lognormal(sigma=0.6, size=n_products))
    triples = RatingTriples(shoppers, products, stars[shoppers, products], n_shoppers, n_products)
    return SyntheticShop(triples, features, product_ids)


MOVIELENS_SHAPE = (943, 1682, 100_000)  # shoppers, products, ratings of MovieLens-100k


def movielens_shaped(seed: int = config.SEED) -> RatingTriples:
    """A seeded stand-in with MovieLens-100k's shape: every user rates at least 20 items,
    activity is long-tailed, item popularity Zipf-like, ratings from a low-rank taste model."""
    n_users, n_items, n_ratings = MOVIELENS_SHAPE
    rng = np.random.default_rng(seed)
    share = rng.lognormal(sigma=1.0, size=n_users)
    extra = share / share.sum() * (n_ratings - 20 * n_users)
    counts = 20 + np.floor(extra).astype(int)
    counts[np.argsort(extra - np.floor(extra))[::-1][: n_ratings - counts.sum()]] += 1  # sum to n_ratings
    popularity = 1.0 / (rng.permutation(n_items) + 10.0) ** 1.2
    users, items = _sample_pairs(rng, counts, popularity)
    taste = rng.normal(scale=0.45, size=(n_users, 8)) @ rng.normal(scale=0.45, size=(8, n_items))
    bias = rng.normal(scale=0.4, size=(n_users, 1)) + rng.normal(scale=0.5, size=(1, n_items))
    stars = _to_stars(3.55 + bias + taste + rng.normal(scale=0.8, size=(n_users, n_items)))
    return RatingTriples(users, items, stars[users, items], n_users, n_items)
