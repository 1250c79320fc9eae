"""The shop's colour palette, and the reader that names a garment's colour in a photo.

One palette serves the colour reader, the catalogue's names and tags (``catalog_build``) and
the photo-like test images (``photolike``). Names are given in CIELAB, where distances follow
what people see: L* is lightness (0 black to 100 white), C* = sqrt(a*^2 + b*^2) is chroma (0
for greys) and h = atan2(b*, a*) the hue angle in degrees (about 30 red, 60 orange, 95 yellow,
150 green, 270 blue, 320 purple for the colours of clothes in phone photos).

The reader, ``read_colour(rgb)``:
1. The garment is separated from the floor, bed or wall around it: the photo's border ring
   (6 % of the longer side) is clustered in CIELAB; a border cluster is background when it
   holds at least BACKGROUND_SHARE of the ring and less of the photo's middle than of the
   ring (a garment that fills the frame touches the border, but it fills the middle more).
   Pixels within a background cluster's reach (its spread, clamped) are dropped.
2. The garment's pixels are clustered with k-means (GARMENT_CLUSTERS) in CIELAB; each
   cluster is named from the palette, and the name holding the largest share of the garment
   names it: shading splits a plain garment into lighter and darker clusters of one name.
3. "multicolour" when the garment is patterned: many sharp colour edges inside it
   (EDGE_DENSITY of neighbouring pixel pairs at least EDGE_DELTA_E apart) and a second name
   holding at least SECOND_SHARE of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

MULTICOLOUR = "multicolour"
# The palette in the order the shop lists it. Each plain colour has a swatch (sRGB), used to
# draw it (the photo-like test images tint Fashion-MNIST with these); multicolour has none.
SWATCHES: dict[str, tuple[int, int, int]] = {
    "black": (30, 30, 30),
    "white": (235, 235, 235),
    "grey": (128, 128, 128),
    "beige": (215, 195, 160),
    "brown": (120, 75, 40),
    "red": (200, 40, 45),
    "pink": (235, 140, 170),
    "orange": (235, 120, 30),
    "yellow": (235, 200, 50),
    "green": (60, 140, 70),
    "blue": (50, 100, 200),
    "navy": (30, 40, 90),
    "purple": (120, 60, 150),
}
PALETTE: tuple[str, ...] = (*SWATCHES, MULTICOLOUR)

# Naming rules, measured on the dev half of assets/data/colour_labels (see docs/colour-reader.md).
GREY_CHROMA = 9.0  # C* below this is a grey, whatever the hue
DARK = 30.0  # L* below this: black, navy or a dark chromatic colour
NAVY_CHROMA = (8.0, 30.0)  # a dark blue with C* in this range is navy; above it, blue (unless very dark)
WHITE = 68.0  # L* above this (and grey chroma, or a pale tint) is white
BEIGE_CHROMA = 30.0  # warm hues (40 to 105) below this chroma: beige when light, brown when dark

WORK_SIDE = 64  # the photo is read at this many pixels a side: colour needs no detail
EDGE_SIDE = 128  # patterns are looked for at this size
BORDER = 0.06  # the border ring's width, as a fraction of the longer side
BORDER_CLUSTERS = 4
BACKGROUND_SHARE = 0.08
BACKGROUND_REACH = (12.0, 25.0)  # delta E: twice a background cluster's spread, clamped
MIN_GARMENT = 0.05  # below this share of the photo, the middle half is read instead
GARMENT_CLUSTERS = 4
SHADE_DELTA_E = 15.0  # clusters this close to the largest are its shades
MAX_POINTS = 3000  # garment pixels clustered at most
EDGE_DELTA_E = 15.0
EDGE_DENSITY = 0.12
SECOND_SHARE = 0.2
BUSY = 0.25  # edge density at which a garment is patterned whatever its names

# sRGB (D65) to CIE XYZ, and the D65 white point (IEC 61966-2-1; CIE 15).
_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]], dtype=np.float32)
_WHITE_POINT = np.array([0.95047, 1.0, 1.08883], dtype=np.float32)


@dataclass(frozen=True)
class ColourReading:
    name: str  # a PALETTE name
    shares: dict[str, float]  # the garment's share of each plain name found in it, largest first
    edge_density: float  # share of neighbouring garment pixel pairs across a sharp colour edge
    garment_share: float  # the share of the photo taken as garment


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (..., 3) of sRGB values (..., 3) in [0, 255]."""
    c = np.asarray(rgb, dtype=np.float32) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = linear @ _SRGB_TO_XYZ.T / _WHITE_POINT
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def _bluish(hue: float, chroma: float) -> bool:
    # CIELAB bends saturated blues towards purple: sRGB's pure blue has a hue of 306.
    return 220 <= hue < (312 if chroma > 60 else 300)


def name_lab(lightness: float, a: float, b: float) -> str:
    """The palette name of one CIELAB colour (never multicolour)."""
    chroma = math.hypot(a, b)
    hue = math.degrees(math.atan2(b, a)) % 360
    if chroma < GREY_CHROMA or (lightness < DARK and chroma < NAVY_CHROMA[0]):
        return "black" if lightness < DARK else ("white" if lightness > WHITE else "grey")
    if lightness < DARK:
        if _bluish(hue, chroma) and (chroma < NAVY_CHROMA[1] or lightness < 20):
            return "navy"  # phone photos show navy dull; a pure dark blue is navy too
        if chroma < 15 and not 120 <= hue < 300:
            return "black"  # a dark garment's faint warm or purple cast
    if 40 <= hue < 105 and chroma < BEIGE_CHROMA:
        if lightness < 45:
            return "brown"
        return "white" if lightness > 80 and chroma < 12 else "beige"
    if lightness > WHITE and chroma < 12:
        return "white"
    if (hue >= 345 or hue < 40) and chroma < 20 and lightness < 50:
        return "brown"  # a dull dark red: maroon, chestnut, taupe
    if hue >= 345 or hue < 15:
        return "pink" if lightness >= 35 else "red"  # magenta and raspberry; burgundy when dark
    if hue < 40:
        return "pink" if lightness > 65 or (chroma < 35 and lightness >= 45) else "red"  # dusty rose is pink
    if hue < 75:
        return "brown" if lightness < 45 and chroma < 45 else "orange"
    if hue < 110:
        return "yellow" if lightness > 55 else "brown"
    if hue < 222:
        return "green"
    if _bluish(hue, chroma):
        return "blue"
    return "pink" if hue >= 330 and lightness > 55 else "purple"  # a light red-violet reads as pink


def kmeans(points: np.ndarray, k: int, iterations: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's k-means of points (N, D), started at quantiles of the first axis (deterministic).

    Returns the centres (k', D) and each point's cluster (N,); empty clusters are dropped.
    """
    order = np.argsort(points[:, 0], kind="stable")
    centres = points[order[((np.arange(k) + 0.5) / k * len(points)).astype(int)]].astype(np.float32)
    for step in range(iterations + 1):
        # |x - c|^2 = |x|^2 - 2 x.c + |c|^2, and |x|^2 is the same for every centre
        assign = ((centres ** 2).sum(1)[None] - 2 * points @ centres.T).argmin(1)  # (N,)
        if step == iterations:
            return centres, assign
        counts = np.bincount(assign, minlength=len(centres))
        sums = np.stack([np.bincount(assign, points[:, d], len(centres)) for d in range(points.shape[1])], 1)
        keep = counts > 0
        centres = (sums[keep] / counts[keep, None]).astype(np.float32)
    raise AssertionError("unreachable")


def lab_at(picture: Image.Image, side: int) -> np.ndarray:
    """The picture at most ``side`` pixels a side, in CIELAB (h, w, 3)."""
    small = picture.copy()
    small.thumbnail((side, side), Image.Resampling.BOX)
    return srgb_to_lab(np.asarray(small, dtype=np.float32))


def middle_mask(height: int, width: int, margin: float) -> np.ndarray:
    mask = np.zeros((height, width), dtype=bool)
    mask[int(height * margin):int(height * (1 - margin)) + 1, int(width * margin):int(width * (1 - margin)) + 1] = True
    return mask


def garment_mask(lab: np.ndarray) -> np.ndarray:
    """(h, w) bool: the pixels of lab (h, w, 3) that are not floor, bed or wall."""
    height, width = lab.shape[:2]
    band = max(2, round(BORDER * max(height, width)))
    ring = np.ones((height, width), dtype=bool)
    ring[band:-band, band:-band] = False
    border = lab[ring]  # (M, 3)
    centres, assign = kmeans(border, BORDER_CLUSTERS)
    pixels = lab.reshape(-1, 3)
    middle = middle_mask(height, width, 0.3).ravel()
    background = np.zeros(len(pixels), dtype=bool)
    for cluster, centre in enumerate(centres):
        members = border[assign == cluster]
        share = len(members) / len(border)
        spread = float(np.sqrt(((members - centre) ** 2).sum(1).mean()))
        reach = min(BACKGROUND_REACH[1], max(BACKGROUND_REACH[0], 2.0 * spread))
        near = ((pixels - centre) ** 2).sum(1) <= reach ** 2
        if share >= BACKGROUND_SHARE and near[middle].mean() < share:
            background |= near
    # An opening (erode, then dilate) drops specks: the grain of a floor, the weave of a rug.
    opened = Image.fromarray((~background).reshape(height, width).astype(np.uint8) * 255)
    mask = np.asarray(opened.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.MaxFilter(3))) > 0
    return mask if mask.mean() >= MIN_GARMENT else middle_mask(height, width, 0.25)


def resized_mask(mask: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    picture = Image.fromarray(mask.astype(np.uint8) * 255).resize(shape[::-1], Image.Resampling.NEAREST)
    return np.asarray(picture) > 0


def edge_density(lab: np.ndarray, mask: np.ndarray, delta_e: float = EDGE_DELTA_E) -> float:
    """Share of horizontally or vertically neighbouring pixel pairs inside the (eroded) mask
    that are at least ``delta_e`` apart; lab (h, w, 3), mask (h, w)."""
    eroded = Image.fromarray(mask.astype(np.uint8) * 255).filter(ImageFilter.MinFilter(5))
    inside = np.asarray(eroded) > 0  # away from the garment's outline
    pairs = edges = 0
    for step, both in (((lab[:, 1:] - lab[:, :-1]), inside[:, 1:] & inside[:, :-1]),
                       ((lab[1:] - lab[:-1]), inside[1:] & inside[:-1])):
        sharp = (step ** 2).sum(-1) >= delta_e ** 2
        pairs += int(both.sum())
        edges += int((sharp & both).sum())
    return edges / pairs if pairs >= 50 else 0.0


def _main_name(centres: np.ndarray, shares: np.ndarray) -> str:
    """The name of the largest cluster merged with the clusters within SHADE_DELTA_E of it:
    the lighter and darker shades of one plain colour, named together by their mean."""
    largest = centres[int(np.argmax(shares))]
    shade = ((centres - largest) ** 2).sum(1) < SHADE_DELTA_E ** 2  # (k,)
    mean = (centres[shade] * shares[shade, None]).sum(0) / shares[shade].sum()
    return name_lab(*(float(v) for v in mean))


def rgb_picture(rgb: np.ndarray) -> Image.Image:
    """A PIL picture of rgb (H, W, 3) in [0, 255]."""
    return Image.fromarray(np.clip(rgb, 0, 255).round().astype(np.uint8), mode="RGB")


def read_colour(rgb: np.ndarray, mask: np.ndarray | None = None) -> ColourReading:
    """The garment's colour in a photo, rgb (H, W, 3) in [0, 255]; ``mask``: its garment_mask
    at WORK_SIDE when the caller has it already."""
    picture = rgb_picture(rgb)
    mask = garment_mask(lab_at(picture, WORK_SIDE)) if mask is None else mask
    fine = lab_at(picture, EDGE_SIDE)  # a check or a fine stripe blurs into one colour at WORK_SIDE
    fine_mask = resized_mask(mask, fine.shape[:2])
    garment = fine[fine_mask]  # (N, 3)
    garment = garment[::max(1, len(garment) // MAX_POINTS)]  # an even subsample keeps it fast
    centres, assign = kmeans(garment, GARMENT_CLUSTERS)
    counts = np.bincount(assign, minlength=len(centres)) / len(assign)
    shares: dict[str, float] = {}
    for centre, share in zip(centres, counts):
        name = name_lab(*(float(v) for v in centre))
        shares[name] = shares.get(name, 0.0) + float(share)
    shares = dict(sorted(shares.items(), key=lambda item: -item[1]))
    names = list(shares)
    edges = edge_density(fine, fine_mask)
    patterned = edges >= BUSY or (edges >= EDGE_DENSITY and len(names) > 1 and shares[names[1]] >= SECOND_SHARE)
    return ColourReading(name=MULTICOLOUR if patterned else _main_name(centres, counts), shares=shares,
                         edge_density=edges, garment_share=float(mask.mean()))


def rule_colour(rgb: np.ndarray) -> str:
    """The naming rules' palette name of the garment's colour (the reader before the learned namer)."""
    return read_colour(rgb).name


def product_colour(rgb: np.ndarray) -> str:
    """The palette name of the garment's colour in a photo, rgb (H, W, 3) in [0, 255]: the
    learned namer's (``colour_namer``), which reads the measurements above."""
    from shopdl_core.vision.colour_namer import name_colour  # it imports this module

    return name_colour(rgb)
