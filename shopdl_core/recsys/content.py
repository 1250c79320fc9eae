"""Content filtering: products described by catalogue features, shoppers by what they liked.

Item-item similarity is the cosine of feature vectors (the seed's second formula). A
shopper's profile is their rated items weighted by how much they liked each one (rating minus
their baseline), so the content prediction for product i is

    r̂(u, i) = b(u) + Σ_j s(i, j) (r(u, j) - b(u)) / Σ_j s(i, j)     over the items j u rated,

a rating on the same 1-5 scale as collaborative filtering. A product nobody rated still gets one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from shopdl_core.errors import InputError
from shopdl_core.recsys.collaborative import SignalPrediction
from shopdl_core.recsys.ratings import MAX_RATING, MIN_RATING, user_baselines
from shopdl_core.recsys.similarity import cosine_similarity_rows

FEATURE_BLOCKS = ("category", "department", "colour", "price_band", "tags")
PRICE_BANDS = ("budget", "mid", "premium")  # terciles of price within the product's category


def _one_hot(labels: pd.Series) -> np.ndarray:
    return pd.get_dummies(labels).to_numpy(dtype=float)


def catalog_item_features(catalog: pd.DataFrame, product_ids: list[str] | tuple[str, ...]) -> np.ndarray:
    """(products, features): one block per FEATURE_BLOCKS entry, each scaled to unit length
    so that every block weighs the same in the cosine (a product with five tags is not
    five times as "tag-like" as one with one tag)."""
    price_rank = catalog.groupby("category")["price"].rank(pct=True)
    price_band = pd.cut(price_rank, bins=np.linspace(0.0, 1.0, len(PRICE_BANDS) + 1), labels=PRICE_BANDS)
    tags = catalog["tags"].str.get_dummies(sep=" ").to_numpy(dtype=float)
    blocks = [
        _one_hot(catalog["category"]),
        _one_hot(catalog["department"]),
        _one_hot(catalog["colour"]),
        _one_hot(price_band.astype(str)),
        tags / np.maximum(np.linalg.norm(tags, axis=1, keepdims=True), 1e-12),
    ]
    features = pd.DataFrame(np.hstack(blocks), index=catalog["product_id"])
    unknown = [product_id for product_id in product_ids if product_id not in features.index]
    if unknown:
        raise InputError(f"Unknown product id{'s' * (len(unknown) > 1)} {', '.join(map(repr, unknown[:5]))}"
                         f"{' and more' if len(unknown) > 5 else ''}: the catalogue has no such product.")
    return features.loc[list(product_ids)].to_numpy()


@dataclass(frozen=True)
class LikedItems:
    """Why one product scored as it did: the shopper's rated items that pulled it up."""

    products: np.ndarray  # (n,) indices of rated products
    similarity: np.ndarray  # (n,) their feature similarity to the scored product
    ratings: np.ndarray  # (n,) the shopper's ratings of them


class ContentFilter:
    def fit(self, values: np.ndarray, item_features: np.ndarray) -> "ContentFilter":
        """Learn from (U, I) ratings and (I, F) item features."""
        features = np.asarray(item_features)
        if features.ndim != 2 or len(features) != values.shape[1]:
            raise InputError(f"Item features must be a table with one row per product ({values.shape[1]} rows), "
                             f"not an array of shape {features.shape}.")
        self.values = values
        self.baselines = user_baselines(values)
        self.item_similarity = cosine_similarity_rows(features)  # (I, I), >= 0 for features >= 0
        rated = values > 0
        self.likes = (values - self.baselines[:, None]) * rated  # (U, I) profile weights
        self._pull = self.likes @ self.item_similarity  # (U, I) Σ_j s(i, j) like(u, j)
        self._evidence = rated.astype(float) @ self.item_similarity  # (U, I) Σ_j s(i, j)
        return self

    def predict_pairs(self, shoppers: np.ndarray, products: np.ndarray) -> SignalPrediction:
        evidence = self._evidence[shoppers, products]
        available = evidence > 0
        pull = self._pull[shoppers, products] / np.where(available, evidence, 1.0)
        rating = np.clip(self.baselines[shoppers] + pull, MIN_RATING, MAX_RATING)
        return SignalPrediction(rating=rating, available=available)

    def liked_items(self, shopper: int, product: int) -> LikedItems:
        """The rated items that pulled one prediction up (similar and liked), strongest first."""
        rated = np.flatnonzero(self.values[shopper] > 0)
        pull = self.item_similarity[product, rated] * self.likes[shopper, rated]
        pulling = rated[pull > 0][np.argsort(-pull[pull > 0], kind="stable")]
        return LikedItems(pulling, self.item_similarity[product, pulling], self.values[shopper, pulling])
