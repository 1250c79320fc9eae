"""The storefront's view of the catalogue: the one module of the shop that reads ``catalog``.

Everything the shop needs of a product (its kind, colour, style line, price, picture) comes
through here, so a change in how the catalogue is built touches only this file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from shopdl_core import catalog, config
from shopdl_core.errors import InputError
from shopdl_core.i18n import _, pgettext
from shopdl_core.vision.colour import PALETTE

PRODUCT_ID = re.compile(r"P\d{3}")
STYLE_LINE_NAMES = tuple(line for line, _tags in catalog.STYLE_LINES)
KINDS = config.PHOTO_CLASSES


@dataclass(frozen=True)
class ShopProduct:
    product_id: str
    kind: str  # a photo class ("dress")
    department: str
    colour: str  # a name of the colour palette (vision.colour.PALETTE)
    line: str  # a style line ("Everyday")
    copy: int  # 1, or 2, 3, ... for a second product of the same kind, colour and line
    price: float

    def name(self) -> str:
        """The product's name in the current language, composed from its parts."""
        name = _("{colour} {line} {kind}").format(
            colour=pgettext("colour", self.colour), line=pgettext("line", self.line),
            kind=pgettext("kind name", self.kind))
        # A second product of the same name is numbered ("... II" in English).
        return name if self.copy == 1 else _("{name} {number}").format(name=name, number=pgettext("copy", "I" * self.copy))


def _line_and_copy(name: str) -> tuple[str, int]:
    words = name.split()
    line = next((word for word in words if word in STYLE_LINE_NAMES), STYLE_LINE_NAMES[0])
    copy = len(words[-1]) if set(words[-1]) == {"I"} else 1
    return line, copy


@lru_cache(maxsize=1)
def shop_products() -> tuple[ShopProduct, ...]:
    """Every catalogue product, in catalogue order."""
    products = []
    for row in catalog.load_catalog().itertuples():
        line, copy = _line_and_copy(row.name)
        products.append(ShopProduct(row.product_id, row.category, row.department, row.colour, line, copy,
                                    float(row.price)))
    return tuple(products)


@lru_cache(maxsize=1)
def _by_id() -> dict[str, ShopProduct]:
    return {product.product_id: product for product in shop_products()}


def product_ids() -> tuple[str, ...]:
    return tuple(product.product_id for product in shop_products())


def find_product(product_id: object) -> ShopProduct:
    """The product with this id, or InputError for an unknown or malformed one."""
    if not isinstance(product_id, str) or not PRODUCT_ID.fullmatch(product_id.strip()):
        shown = str(product_id)[:40]
        raise InputError(_("“{id}” is not a product id: ids look like P001.").format(id=shown))
    product = _by_id().get(product_id.strip())
    if product is None:
        raise InputError(_("There is no product {id} in the shop.").format(id=product_id.strip()))
    return product


def colours() -> tuple[str, ...]:
    """The colours products come in, in the catalogue's colour order."""
    present = {product.colour for product in shop_products()}
    return tuple(colour for colour in PALETTE if colour in present)


def price_range() -> tuple[float, float]:
    prices = [product.price for product in shop_products()]
    return min(prices), max(prices)


def filter_products(kinds: list[str] | tuple[str, ...] = (), colours_: list[str] | tuple[str, ...] = (),
                    price: tuple[float, float] | None = None) -> list[ShopProduct]:
    """Products of any of ``kinds`` and ``colours_`` (empty: all) within ``price`` (inclusive), in
    storefront order: the first product of each kind, then the second of each, and so on."""
    low, high = price if price is not None else price_range()
    if low > high:
        raise InputError(_("The lowest price must not be above the highest."))
    return [product for product in storefront_order()
            if (not kinds or product.kind in kinds) and (not colours_ or product.colour in colours_)
            and low <= product.price <= high]


@lru_cache(maxsize=1)
def storefront_order() -> tuple[ShopProduct, ...]:
    """Every product, the kinds interleaved (a first screen shows every kind, not 12 dresses)."""
    seen: dict[str, int] = {}
    ranked = []
    for position, product in enumerate(shop_products()):
        seen[product.kind] = seen.get(product.kind, 0) + 1
        ranked.append((seen[product.kind], KINDS.index(product.kind), position, product))
    return tuple(entry[-1] for entry in sorted(ranked, key=lambda entry: entry[:3]))


def catalogue_frame() -> pd.DataFrame:
    """The catalogue table the recommenders read (features come from its columns)."""
    return catalog.load_catalog()


def picture_jpeg(product_id: str, size: int) -> bytes:
    return catalog.product_picture_jpeg(product_id, size)


def picture_bytes(product_id: str) -> bytes:
    """The product's shipped photo file, as PhotoCNN reads an upload."""
    return catalog.product_picture_path(product_id).read_bytes()
