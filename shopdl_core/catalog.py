"""The shop's catalogue and its demo shoppers at run time: look-ups only.

``assets/data/catalog.csv`` holds 200 products, 20 per photo class (``config.PHOTO_CLASSES``).
Each product's picture is a real photo from the training part of the clothing photos
(Alexey Grigorev's clothing dataset, CC0), shipped downscaled in ``assets/data/photos/catalog``;
its colour is read from that picture by the colour reader and checked by eye
(``catalog_build.shop_colour``). ``shopdl_core.catalog_build`` writes the table, the
pictures and ``demo_ratings.csv``; this module only reads them, and imports no vision code.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
from PIL import Image

from shopdl_core import config

PRODUCTS_PER_CLASS = 20
# The shop's ten style lines and the tags content filtering reads for them (the
# build module gives product i of a class line i mod 10 on a fresh build).
STYLE_LINES: tuple[tuple[str, str], ...] = (
    ("Everyday", "casual basic"),
    ("Classic", "classic formal"),
    ("Sport", "sport"),
    ("Summer", "summer casual"),
    ("Evening", "evening formal"),
    ("Street", "street casual"),
    ("Winter", "winter classic"),
    ("Outdoor", "outdoor sport"),
    ("Formal", "formal classic"),
    ("Holiday", "summer beach"),
)
LINE_TAGS = dict(STYLE_LINES)
CATALOG_COLUMNS = ("product_id", "name", "category", "department", "colour", "price", "tags", "image", "source")


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    category: str
    department: str
    colour: str
    price: float
    tags: tuple[str, ...]
    image: str


def catalog_pictures_dir() -> Path:
    return config.photos_dir() / "catalog"


@lru_cache(maxsize=1)
def load_catalog() -> pd.DataFrame:
    """The shipped catalogue, indexed by product_id (cached: it never changes at run time)."""
    frame = pd.read_csv(config.catalog_path(), dtype={"product_id": str})
    return frame.set_index("product_id", drop=False)


def products() -> list[Product]:
    return [
        Product(r.product_id, r.name, r.category, r.department, r.colour, float(r.price),
                tuple(r.tags.split()), r.image)
        for r in load_catalog().itertuples()
    ]


def load_demo_ratings() -> pd.DataFrame:
    """The shipped demo rating matrix: shoppers (index) x product ids, NaN = unknown."""
    return pd.read_csv(config.demo_ratings_path(), index_col="shopper")


def product_picture_path(product_id: str) -> Path:
    return catalog_pictures_dir() / str(load_catalog().loc[product_id, "image"])


@lru_cache(maxsize=1024)
def product_picture_jpeg(product_id: str, size: int = 112) -> bytes:
    """``product_picture`` encoded once as JPEG: the pages hand these bytes to st.image, which
    would otherwise encode the same picture again on every page run of every session."""
    buffer = io.BytesIO()
    product_picture(product_id, size).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def product_picture(product_id: str, size: int = 112) -> Image.Image:
    """The product's photo, its longer side ``size`` pixels, padded to a white square."""
    with Image.open(product_picture_path(product_id)) as picture:
        picture = picture.convert("RGB")
    picture.thumbnail((size, size), Image.Resampling.LANCZOS)
    square = Image.new("RGB", (size, size), (255, 255, 255))
    square.paste(picture, ((size - picture.width) // 2, (size - picture.height) // 2))
    return square
