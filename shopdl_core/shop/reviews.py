"""Real reviews for the shop's products: each product of a kind with a clear counterpart in the
Women's E-Commerce Clothing Reviews gets the reviews of one real garment of that class.

A garment is one ``Clothing ID`` with at least ``MIN_REVIEWS`` reviews that have text, in one of
the classes ``REVIEW_CLASSES`` maps the product's photo class to. Within a kind, the garments
are shuffled with the project's seed and dealt out in catalogue order, so no two products share
a garment while the kind has enough (shorts have 18 for 20 products: the deal wraps round). Hats and shoes have no class of their own in the reviews: they start with none.

``python -m shopdl_core.shop.reviews`` rebuilds ``assets/data/shop/product_reviews.csv.gz``
(at most ``REVIEWS_PER_PRODUCT`` reviews per product, in the file's order) from the shipped
review file; the app reads only that small file.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from shopdl_core import config
from shopdl_core.shop.catalogue import KINDS, shop_products
from shopdl_core.text.data import review_text

MIN_REVIEWS = 5
REVIEWS_PER_PRODUCT = 20  # shown and scored per product page: bounds the work of one page
# Photo class -> the review classes of the same kind of garment. The retailer's "Knits" are its
# knitted tops (mostly tees and tanks), "Blouses" its woven shirts, "Sweaters" and "Fine gauge"
# its long-sleeved knitwear. Hats and shoes: none.
REVIEW_CLASSES: dict[str, tuple[str, ...]] = {
    "dress": ("Dresses",),
    "hat": (),
    "longsleeve": ("Sweaters", "Fine gauge"),
    "outwear": ("Jackets", "Outerwear"),
    "pants": ("Pants", "Jeans"),
    "shirt": ("Blouses",),
    "shoes": (),
    "shorts": ("Shorts",),
    "skirt": ("Skirts",),
    "t-shirt": ("Knits",),
}
COLUMNS = ("product_id", "clothing_id", "review_class", "rating", "title", "body")
SOURCE = "Women's E-Commerce Clothing Reviews"


@dataclass(frozen=True)
class Review:
    title: str
    body: str
    rating: int | None  # 1-5 stars; None for one the visitor wrote without stars
    written_here: bool = False  # written by this visitor in this session

    @property
    def text(self) -> str:
        """Title and body as one text, as the review models read them."""
        return review_text(self.title, self.body)


def product_reviews_path() -> Path:
    return config.data_dir() / "shop" / "product_reviews.csv.gz"


def _garments(raw: pd.DataFrame, classes: tuple[str, ...]) -> list[int]:
    """Clothing IDs of ``classes`` with at least MIN_REVIEWS reviews with text, sorted."""
    rows = raw[raw["Class Name"].isin(classes) & raw["Review Text"].fillna("").str.strip().ne("")]
    counts = rows.groupby("Clothing ID").size()
    return sorted(int(garment) for garment in counts[counts >= MIN_REVIEWS].index)


def assign_garments(raw: pd.DataFrame, seed: int = config.SEED) -> dict[str, int]:
    """Product id -> Clothing ID for every product of a kind with review classes."""
    rng = np.random.default_rng(seed)
    assignment = {}
    for kind in KINDS:
        classes = REVIEW_CLASSES[kind]
        if not classes:
            continue
        candidates = _garments(raw, classes)
        garments = [candidates[i] for i in rng.permutation(len(candidates))]
        products = [product.product_id for product in shop_products() if product.kind == kind]
        assignment.update((product, garments[i % len(garments)]) for i, product in enumerate(products))
    return assignment


def build_product_reviews(raw: pd.DataFrame, seed: int = config.SEED) -> pd.DataFrame:
    """The shipped table: per product, its garment's first REVIEWS_PER_PRODUCT reviews with text."""
    raw = raw[raw["Review Text"].fillna("").str.strip().ne("")]
    parts = []
    for product_id, garment in assign_garments(raw, seed).items():
        rows = raw[raw["Clothing ID"] == garment].head(REVIEWS_PER_PRODUCT)
        parts.append(pd.DataFrame({
            "product_id": product_id, "clothing_id": garment, "review_class": rows["Class Name"].to_numpy(),
            "rating": rows["Rating"].astype(int).to_numpy(), "title": rows["Title"].fillna("").to_numpy(),
            "body": rows["Review Text"].to_numpy(),
        }))
    return pd.concat(parts, ignore_index=True)[list(COLUMNS)]


@lru_cache(maxsize=1)
def _shipped() -> dict[str, tuple[int, str, tuple[Review, ...]]]:
    frame = pd.read_csv(product_reviews_path(), dtype={"product_id": str}, keep_default_na=False)
    table = {}
    for product_id, rows in frame.groupby("product_id", sort=False):
        reviews = tuple(Review(str(t), str(b), int(r)) for t, b, r in zip(rows["title"], rows["body"], rows["rating"]))
        table[product_id] = (int(rows["clothing_id"].iloc[0]), str(rows["review_class"].iloc[0]), reviews)
    return table


def reviews_for(product_id: str) -> tuple[Review, ...]:
    """The real reviews matched to a product (empty for hats, shoes and unknown ids)."""
    return _shipped().get(product_id, (0, "", ()))[2]


def garment_of(product_id: str) -> tuple[int, str] | None:
    """(Clothing ID, review class) whose reviews the product shows, or None."""
    entry = _shipped().get(product_id)
    return None if entry is None else entry[:2]


def products_with_reviews() -> int:
    return len(_shipped())


def main(argv: list[str] | None = None) -> None:
    """Rebuild the product -> reviews table from the shipped review file."""
    parser = argparse.ArgumentParser(prog="python -m shopdl_core.shop.reviews", description=main.__doc__)
    parser.parse_args(argv)
    table = build_product_reviews(pd.read_csv(config.reviews_path()))
    out = product_reviews_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False, compression={"method": "gzip", "mtime": 0})
    print(f"wrote {len(table)} reviews of {table['product_id'].nunique()} products to {out}")


if __name__ == "__main__":
    main()
