"""The shop's catalogue and its demo shoppers, shared by all three demos.

``assets/data/catalog.csv`` holds 200 products, 20 per photo class (``config.PHOTO_CLASSES``).
Each product's picture is a real photo from the training part of the clothing photos
(Alexey Grigorev's clothing dataset, CC0), shipped downscaled in ``assets/data/photos/catalog``.
Its colour is read from that picture; its name, price and style tags come from the fixed
tables below. ``python -m shopdl_core.catalog --photos DIR`` (DIR: the collection's ``train``
folder) rebuilds the pictures, ``catalog.csv`` and ``demo_ratings.csv``; the selection is seeded.
"""

from __future__ import annotations

import argparse
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageOps

from shopdl_core import config

# Per photo class: a price range in euros and the noun a product of it is called by.
_CLASS_ITEMS: dict[str, tuple[tuple[float, float], str]] = {
    "dress": ((40, 140), "Dress"),
    "hat": ((12, 60), "Hat"),
    "longsleeve": ((20, 70), "Long-Sleeve Top"),
    "outwear": ((60, 240), "Jacket"),
    "pants": ((30, 100), "Trousers"),
    "shirt": ((25, 90), "Shirt"),
    "shoes": ((40, 160), "Shoes"),
    "shorts": ((18, 60), "Shorts"),
    "skirt": ((25, 90), "Skirt"),
    "t-shirt": ((12, 40), "T-Shirt"),
}
# The shop's ten style lines and the tags content filtering reads for them. Product i of a
# class belongs to line i mod 10. A line says nothing the photo could contradict (a name like
# "Sandals" under a photo of trainers would), so names read "<colour> <line> <noun>".
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

# Named colours as RGB, used to tint product pictures and to name a photo's dominant colour.
COLOURS: dict[str, tuple[int, int, int]] = {
    "black": (30, 30, 30),
    "white": (235, 235, 235),
    "grey": (128, 128, 128),
    "beige": (215, 195, 160),
    "brown": (120, 75, 40),
    "red": (200, 40, 45),
    "pink": (235, 140, 170),
    "yellow": (235, 200, 50),
    "green": (60, 140, 70),
    "blue": (50, 100, 200),
    "navy": (30, 40, 90),
}

PRODUCTS_PER_CLASS = 20
PICTURE_SIDE = 320  # the longer side of a shipped catalogue picture, in pixels
PICTURE_QUALITY = 85  # JPEG quality of the shipped pictures

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


def choose_catalog_photos(train_dir: Path, seed: int = config.SEED) -> dict[str, list[Path]]:
    """PRODUCTS_PER_CLASS photos of each class from ``train_dir/<class>/``, drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    chosen = {}
    for category in config.PHOTO_CLASSES:
        candidates = sorted((train_dir / category).glob("*.jpg"))
        if len(candidates) < PRODUCTS_PER_CLASS:
            raise ValueError(f"{train_dir / category} has {len(candidates)} photos, "
                             f"the catalogue needs {PRODUCTS_PER_CLASS}.")
        picks = rng.choice(len(candidates), size=PRODUCTS_PER_CLASS, replace=False)
        chosen[category] = [candidates[i] for i in sorted(picks)]
    return chosen


def downscale_picture(data: bytes, side: int = PICTURE_SIDE) -> Image.Image:
    """A photo upright (EXIF orientation applied), in RGB, its longer side at most ``side`` pixels."""
    picture = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    picture.thumbnail((side, side), Image.Resampling.LANCZOS)
    return picture


def picture_colour(path: Path) -> str:
    """The colour name of the product in a picture, read as an upload's colour tag is."""
    from shopdl_core.vision.preprocess import decode_photo, product_colour

    return product_colour(decode_photo(path.read_bytes(), name=str(path)).rgb)


def build_catalog(pictures: dict[str, list[tuple[str, str, str]]], seed: int = config.SEED) -> pd.DataFrame:
    """The catalogue table from, per class, (picture file name, source photo name, colour) rows.

    Deterministic given its input: names, prices and tags come from the tables above.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for class_index, category in enumerate(config.PHOTO_CLASSES):
        (low, high), noun = _CLASS_ITEMS[category]
        prices = np.round(rng.uniform(low, high, size=len(pictures[category]))) - 0.01
        names_used = set()
        for offset, ((image, source, colour), price) in enumerate(zip(pictures[category], prices)):
            # Line offset mod 10; the next line when this colour and line is taken in the class.
            # When every line is taken in that colour, the first is numbered ("... II").
            candidates = [STYLE_LINES[(offset + step) % len(STYLE_LINES)] for step in range(len(STYLE_LINES))]
            free = [(line, tags) for line, tags in candidates if f"{colour.title()} {line} {noun}" not in names_used]
            line, tags = free[0] if free else candidates[0]
            name = f"{colour.title()} {line} {noun}"
            copies = 1
            while name in names_used:
                copies += 1
                name = f"{colour.title()} {line} {noun} {'I' * copies}"
            names_used.add(name)
            rows.append({
                "product_id": f"P{class_index * PRODUCTS_PER_CLASS + offset + 1:03d}",
                "name": name,
                "category": category,
                "department": config.PHOTO_CLASS_DEPARTMENT[category],
                "colour": colour,
                "price": float(price),
                "tags": tags,
                "image": image,
                "source": source,
            })
    return pd.DataFrame(rows, columns=list(CATALOG_COLUMNS))


# The demo rating matrix: 8 shoppers with clear, overlapping tastes over 12 products, each
# named by (category, style line); the product is the first of that line in the catalogue.
# Ana and Ben like sport; Chloe and Dev like formal wear; Emma and Farid like casual summer;
# Grace shares sport and summer; Hugo shares formal and classic. 0 = not rated.
DEMO_PRODUCTS = (
    ("t-shirt", "Sport"), ("pants", "Sport"), ("shoes", "Sport"), ("shorts", "Sport"),
    ("dress", "Evening"), ("pants", "Formal"), ("outwear", "Classic"), ("shoes", "Formal"),
    ("t-shirt", "Summer"), ("dress", "Summer"), ("shoes", "Summer"), ("hat", "Holiday"),
)
_DEMO_RATINGS = {
    #        sport          formal         summer
    "Ana":   (5, 5, 4, 0,   1, 0, 0, 2,   0, 0, 3, 0),
    "Ben":   (4, 0, 5, 5,   0, 1, 0, 0,   2, 0, 0, 0),
    "Chloe": (1, 0, 0, 0,   5, 5, 4, 0,   0, 2, 0, 0),
    "Dev":   (0, 1, 0, 0,   4, 0, 5, 5,   0, 0, 0, 2),
    "Emma":  (2, 0, 0, 0,   0, 2, 0, 0,   5, 5, 4, 0),
    "Farid": (0, 2, 0, 0,   0, 0, 1, 0,   4, 0, 5, 5),
    "Grace": (5, 4, 0, 0,   0, 0, 0, 0,   5, 0, 0, 4),
    "Hugo":  (0, 0, 0, 1,   5, 4, 0, 4,   4, 0, 0, 0),
}


def demo_product_ids(catalog: pd.DataFrame) -> list[str]:
    ids = []
    for category, line in DEMO_PRODUCTS:
        noun = _CLASS_ITEMS[category][1]
        matches = catalog[(catalog["category"] == category) & catalog["name"].str.endswith(f" {line} {noun}")]
        ids.append(str(matches["product_id"].iloc[0]))
    return ids


def build_demo_ratings(catalog: pd.DataFrame) -> pd.DataFrame:
    """Shoppers x product ids, NaN where a shopper has not rated a product."""
    frame = pd.DataFrame.from_dict(_DEMO_RATINGS, orient="index", columns=demo_product_ids(catalog), dtype=float)
    frame.index.name = "shopper"
    return frame.replace(0.0, np.nan)


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


def main(argv: list[str] | None = None) -> None:
    """Rebuild the catalogue pictures, catalog.csv and demo_ratings.csv."""
    parser = argparse.ArgumentParser(prog="python -m shopdl_core.catalog", description=main.__doc__)
    parser.add_argument("--photos", type=Path, required=True,
                        help="the clothing photos' train folder (one sub-folder per class)")
    args = parser.parse_args(argv)
    out = catalog_pictures_dir()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.jpg"):
        old.unlink()
    pictures = {}
    for class_index, (category, paths) in enumerate(choose_catalog_photos(args.photos).items()):
        rows = []
        for offset, path in enumerate(paths):
            image = f"P{class_index * PRODUCTS_PER_CLASS + offset + 1:03d}.jpg"
            downscale_picture(path.read_bytes()).save(out / image, "JPEG", quality=PICTURE_QUALITY)
            rows.append((image, f"{category}/{path.name}", picture_colour(out / image)))
        pictures[category] = rows
    catalog = build_catalog(pictures)
    catalog.to_csv(config.catalog_path(), index=False)
    build_demo_ratings(catalog).to_csv(config.demo_ratings_path())
    print(f"wrote {len(catalog)} pictures to {out}, {config.catalog_path()} and {config.demo_ratings_path()}")


if __name__ == "__main__":
    main()
