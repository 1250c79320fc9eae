"""Write the shop's catalogue: its pictures, ``catalog.csv`` and ``demo_ratings.csv``.

Each product's picture is a real photo of its class, and its colour is read from that picture
by the colour reader (``vision.colour``), except where people named the photo's colour by eye
(labelling round 5 of ``assets/data/colour_labels``: all 200 of the catalogue's photos) and the
reader's reading is neither of their names: then the name they gave stands (``shop_colour``).
The reader's accuracy is reported as measured (docs/colour-reader.md); a shop's own product data
is checked by people before it goes live. Its name, price and style line come from the fixed
tables below: names read "<colour> <line> <noun>", a line saying nothing the photo could
contradict (a name like "Sandals" under a photo of trainers would).

    python -m shopdl_core.catalog_build --recolour      # re-read the shipped pictures' colours (labels stand)
    python -m shopdl_core.catalog_build --photos DIR    # draw new pictures from DIR (seeded)

``--recolour`` keeps every product id, picture, price and style line, and rewrites only the
colours and names: the other demos' data (``demo_ratings.csv``, the reviews matched to
products) name products by id. A fresh build puts product i of a class in line i mod 10; the
shipped catalogue's lines were set by its first build and are kept.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageOps

from shopdl_core import catalog, config
from shopdl_core.vision.colour import product_colour
from shopdl_core.vision.preprocess import decode_photo

# Per photo class: a price range in euros and the noun a product of it is called by.
CLASS_ITEMS: dict[str, tuple[tuple[float, float], str]] = {
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
PICTURE_SIDE = 320  # the longer side of a shipped catalogue picture, in pixels
PICTURE_QUALITY = 85  # JPEG quality of the shipped pictures

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


def line_of_tags(tags: str) -> str:
    """The style line whose tags these are (each line's tags are unique)."""
    return next(line for line, line_tags in catalog.STYLE_LINES if line_tags == tags)


def choose_catalog_photos(train_dir: Path, seed: int = config.SEED) -> dict[str, list[Path]]:
    """PRODUCTS_PER_CLASS photos of each class from ``train_dir/<class>/``, drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    chosen = {}
    for category in config.PHOTO_CLASSES:
        candidates = sorted((train_dir / category).glob("*.jpg"))
        if len(candidates) < catalog.PRODUCTS_PER_CLASS:
            raise ValueError(f"{train_dir / category} has {len(candidates)} photos, "
                             f"the catalogue needs {catalog.PRODUCTS_PER_CLASS}.")
        picks = rng.choice(len(candidates), size=catalog.PRODUCTS_PER_CLASS, replace=False)
        chosen[category] = [candidates[i] for i in sorted(picks)]
    return chosen


def downscale_picture(data: bytes, side: int = PICTURE_SIDE) -> Image.Image:
    """A photo upright (EXIF orientation applied), in RGB, its longer side at most ``side`` pixels."""
    picture = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    picture.thumbnail((side, side), Image.Resampling.LANCZOS)
    return picture


def picture_colour(path: Path) -> str:
    """The colour name of the product in a picture, read as an upload's colour tag is."""
    return product_colour(decode_photo(path.read_bytes(), name=str(path)).rgb)


def named_by_eye() -> dict[str, tuple[str, str]]:
    """Source photo -> (colour, second acceptable name or "") of the catalogue's photos whose
    colour people named by eye (the colour labels' round CATALOGUE_ROUND)."""
    from shopdl_core.vision.colour_eval import CATALOGUE_ROUND, load_colour_labels

    labels = load_colour_labels("all")
    named = labels[labels["round"] == CATALOGUE_ROUND]
    return {row.file: (row.colour, row.second_colour) for row in named.itertuples()}


def shop_colour(read: str, named: tuple[str, str] | None) -> str:
    """The catalogue's colour of a product: the reader's reading ``read``, unless people named
    the photo (``named``: label, second name) and the reading is neither: then their label."""
    return read if named is None or read in {name for name in named if name} else named[0]


def catalogue_colour(path: Path, source: str, named: dict[str, tuple[str, str]]) -> str:
    """The colour a catalogue product's picture at ``path`` (from source photo ``source``) gets."""
    return shop_colour(picture_colour(path), named.get(source))


def build_catalog(pictures: dict[str, list[tuple[str, str, str, str]]], seed: int = config.SEED) -> pd.DataFrame:
    """The catalogue table from, per class, (picture file name, source photo name, colour,
    style line) rows. Deterministic given its input: prices come from ``seed`` and the class
    order; a second product of one colour, line and class is numbered ("... II")."""
    rng = np.random.default_rng(seed)
    rows = []
    for class_index, category in enumerate(config.PHOTO_CLASSES):
        (low, high), noun = CLASS_ITEMS[category]
        prices = np.round(rng.uniform(low, high, size=len(pictures[category]))) - 0.01
        names_used = set()
        for offset, ((image, source, colour, line), price) in enumerate(zip(pictures[category], prices)):
            base = f"{colour.title()} {line} {noun}"
            name, copies = base, 1
            while name in names_used:
                copies += 1
                name = f"{base} {'I' * copies}"
            names_used.add(name)
            rows.append({
                "product_id": f"P{class_index * catalog.PRODUCTS_PER_CLASS + offset + 1:03d}",
                "name": name,
                "category": category,
                "department": config.PHOTO_CLASS_DEPARTMENT[category],
                "colour": colour,
                "price": float(price),
                "tags": catalog.LINE_TAGS[line],
                "image": image,
                "source": source,
            })
    return pd.DataFrame(rows, columns=list(catalog.CATALOG_COLUMNS))


def demo_product_ids(frame: pd.DataFrame) -> list[str]:
    ids = []
    for category, line in DEMO_PRODUCTS:
        matches = frame[(frame["category"] == category) & (frame["tags"] == catalog.LINE_TAGS[line])]
        ids.append(str(matches["product_id"].iloc[0]))
    return ids


def build_demo_ratings(frame: pd.DataFrame) -> pd.DataFrame:
    """Shoppers x product ids, NaN where a shopper has not rated a product."""
    ratings = pd.DataFrame.from_dict(_DEMO_RATINGS, orient="index", columns=demo_product_ids(frame), dtype=float)
    ratings.index.name = "shopper"
    return ratings.replace(0.0, np.nan)


def recoloured_rows() -> dict[str, list[tuple[str, str, str, str]]]:
    """The shipped catalogue's rows with each colour read again from its picture (``catalogue_colour``)."""
    shipped = pd.read_csv(config.catalog_path(), dtype={"product_id": str})
    named = named_by_eye()
    pictures = catalog.catalog_pictures_dir()
    return {category: [(row.image, row.source, catalogue_colour(pictures / row.image, row.source, named),
                        line_of_tags(row.tags)) for row in group.itertuples()]
            for category, group in shipped.groupby("category", sort=False)}


def fresh_rows(train_dir: Path) -> dict[str, list[tuple[str, str, str, str]]]:
    """New pictures drawn from ``train_dir`` (the old ones are deleted), product i in line i mod 10."""
    named = named_by_eye()  # read before the old pictures go: a bad labels file stops nothing half-done
    out = catalog.catalog_pictures_dir()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.jpg"):
        old.unlink()
    pictures = {}
    for class_index, (category, paths) in enumerate(choose_catalog_photos(train_dir).items()):
        rows = []
        for offset, path in enumerate(paths):
            image = f"P{class_index * catalog.PRODUCTS_PER_CLASS + offset + 1:03d}.jpg"
            downscale_picture(path.read_bytes()).save(out / image, "JPEG", quality=PICTURE_QUALITY)
            line = catalog.STYLE_LINES[offset % len(catalog.STYLE_LINES)][0]
            source = f"{category}/{path.name}"
            rows.append((image, source, catalogue_colour(out / image, source, named), line))
        pictures[category] = rows
    return pictures


def main(argv: list[str] | None = None) -> None:
    """Rebuild catalog.csv and demo_ratings.csv: re-read the colours, or draw new pictures."""
    parser = argparse.ArgumentParser(prog="python -m shopdl_core.catalog_build", description=main.__doc__)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--recolour", action="store_true",
                        help="keep ids, pictures, prices and lines; read each picture's colour again "
                             "(where people named the photo and the reading is neither name, theirs stands)")
    source.add_argument("--photos", type=Path, help="the clothing photos' train folder (one sub-folder per class)")
    args = parser.parse_args(argv)
    frame = build_catalog(recoloured_rows() if args.recolour else fresh_rows(args.photos))
    frame.to_csv(config.catalog_path(), index=False)
    build_demo_ratings(frame).to_csv(config.demo_ratings_path())
    print(f"wrote {len(frame)} products to {config.catalog_path()} and {config.demo_ratings_path()}")


if __name__ == "__main__":
    main()
