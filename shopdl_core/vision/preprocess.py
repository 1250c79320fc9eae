"""Bring a shopper's product photo to the training distribution of the CNNs.

Two steps. ``decode_photo`` validates the bytes with Pillow and gives the upright colour
photo (EXIF orientation, first frame, transparency on white) at most WORK_SIZE a side: the
photo model (PhotoCNN) resizes that to its square input (``photo_model_input``).

Fashion-MNIST images are 28 x 28 grayscale, a light object on a black background, the
object's longer side filling the frame (measured on the test set: 27.9 of 28 pixels on
average) and its brightest pixel at 255. Shop photos are colour, any size and orientation,
usually a dark-ish object on a light background. ``prepare_product_photo`` validates the
bytes with Pillow, then: EXIF orientation, first frame, alpha flattened onto white,
grayscale, inverted when the background is light, background removed and contrast
stretched, cropped to the object, padded to a square, resized to 28 x 28.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from shopdl_core.errors import InputError
from shopdl_core.i18n import N_, _
from shopdl_core.vision.colour import product_colour
from shopdl_core.vision.data import IMAGE_SIZE

# Decompression bombs: a few-KB PNG can declare 50,000 x 50,000 pixels (7.5 GB decoded).
# The size is read from the header and checked before any pixel is decoded.
MAX_PIXELS = 36_000_000  # 36 megapixels, e.g. 6000 x 6000
_LIMIT = N_("the limit is {megapixels} megapixels (e.g. 6000 x 6000), so that no single file can fill the "
             "server's memory. Make the photo smaller and try again.")  # translated where raised
MIN_SIDE = 16  # pixels; below this there is no product to see
# Formats Pillow may open: what shops and phones produce ("JPEG" also opens phones' MPO files).
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
WORK_SIZE = 256  # photos are reduced to at most this many pixels a side before the maths
# Object pixels are those at least this fraction of the stretched range above the background.
OBJECT_THRESHOLD = 0.1
MIN_CONTRAST = 12.0  # grey levels (of 255) the object must stand out from the background
# Margin around the object in its square, as a fraction of the longer side. None: Fashion-
# MNIST objects touch the frame, and a 2% margin cost SeedCNN 2 points on photo-like images.
MARGIN = 0.0

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601, as Pillow's "L"


@dataclass(frozen=True)
class DecodedPhoto:
    rgb: np.ndarray  # (H, W, 3) float32 in [0, 255], upright, transparency on white, <= WORK_SIZE a side
    gray: np.ndarray  # (H, W) float32 luma of ``rgb``
    original_size: tuple[int, int]  # (width, height) as uploaded

    @property
    def picture(self) -> Image.Image:
        return Image.fromarray(self.rgb.round().astype(np.uint8), mode="RGB")


@dataclass(frozen=True)
class PreparedPhoto:
    photo: Image.Image  # RGB, upright, transparency on white, at most WORK_SIZE a side: for display
    pixels: np.ndarray  # (28, 28) uint8, light object on black: the model input before normalise()
    dominant_colour: str  # a name from colour.PALETTE, read from the colour photo
    original_size: tuple[int, int]  # (width, height) as uploaded
    inverted: bool  # True when the background was light (the usual shop photo)


def _limit() -> str:
    return _(_LIMIT).format(megapixels=MAX_PIXELS // 1_000_000)


def _decode(data: bytes, name: str) -> tuple[Image.Image, tuple[int, int]]:
    """Validated, upright first frame, decoded at a reduced size where the format allows."""
    if not data:
        raise InputError(_("{name} is empty (0 bytes): choose a PNG, JPEG or WebP photo.").format(name=name))
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise InputError(_("{name} is {width:,} x {height:,} pixels ({megapixels:,.0f} megapixels); {limit}").format(
                name=name, width=width, height=height, megapixels=width * height / 1e6, limit=_limit()))
        if min(width, height) < MIN_SIDE:
            raise InputError(_("{name} is only {width} x {height} pixels: too small to show a product. Use a photo "
                               "at least {side} x {side} pixels.").format(name=name, width=width, height=height,
                                                                          side=MIN_SIDE))
        # JPEG can decode at 1/2, 1/4 or 1/8 scale directly: a large photo then costs a
        # fraction of the time. Animated files decode their first frame (the current one).
        image.draft(None, (WORK_SIZE, WORK_SIZE))
        image.load()
        return ImageOps.exif_transpose(image), (width, height)
    except InputError:
        raise  # a ValueError too: keep it from the decoding handler below
    except UnidentifiedImageError as exc:
        raise InputError(_("{name} is not an image this page can open: its content is not a PNG, JPEG, WebP, GIF, "
                           "BMP or TIFF picture, whatever its name says.").format(name=name)) from exc
    except Image.DecompressionBombError as exc:
        # Pillow itself refuses sizes far above MAX_PIXELS while reading the header.
        raise InputError(_("{name} says it holds far more pixels than any photo; {limit}").format(
            name=name, limit=_limit())) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise InputError(_("{name} could not be opened: the file is cut short or damaged. Save or export it "
                           "again and upload the new file.").format(name=name)) from exc


def _colour_and_gray(image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """RGB (H, W, 3) and gray (H, W) float32 in [0, 255] at working size, alpha on white."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit grayscale: Pillow's convert("L") would clip everything above 255 to white.
        deep = np.asarray(image, dtype=np.float32).clip(0, 65535) / 257.0
        image = Image.fromarray(deep, mode="F")
        image.thumbnail((WORK_SIZE, WORK_SIZE), Image.Resampling.BILINEAR)
        gray = np.asarray(image, dtype=np.float32)
        return np.repeat(gray[..., None], 3, axis=2), gray
    # CMYK, palette, 1-bit, LA, YCbCr and the rest: Pillow converts them to RGB(A) correctly.
    image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    image.thumbnail((WORK_SIZE, WORK_SIZE), Image.Resampling.BILINEAR)
    rgba = np.asarray(image, dtype=np.float32)
    rgb = rgba[..., :3]
    if rgba.shape[2] == 4:
        alpha = rgba[..., 3:] / 255.0
        rgb = rgb * alpha + 255.0 * (1.0 - alpha)
    return rgb, rgb @ _LUMA


def _square(strength: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Crop strength (H, W) to the mask's bounding box and pad it to a centred square."""
    rows = np.flatnonzero(mask.any(1))
    cols = np.flatnonzero(mask.any(0))
    crop = strength[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    height, width = crop.shape
    side = int(round(max(height, width) * (1 + 2 * MARGIN)))
    square = np.zeros((side, side), dtype=np.float32)
    top, left = (side - height) // 2, (side - width) // 2
    square[top:top + height, left:left + width] = crop
    return square


def decode_photo(data: bytes, name: str = "The photo") -> DecodedPhoto:
    """Validate one photo's bytes and decode it upright, in colour, at working size.

    InputError says what is wrong with a bad file (empty, not an image, damaged, too large or small).
    """
    image, original_size = _decode(data, name)
    rgb, gray = _colour_and_gray(image)
    return DecodedPhoto(rgb=rgb, gray=gray, original_size=original_size)


def photo_model_input(photo: DecodedPhoto, size: int) -> np.ndarray:
    """The photo squeezed to the photo model's square input: uint8 (size, size, 3).

    Squeezed, not cropped: a dress or trousers fill a tall frame, and a centre crop would cut
    off what tells them apart. PhotoCNN is trained on photos brought to its input the same way.
    """
    resized = Image.fromarray(photo.rgb.round().astype(np.uint8), mode="RGB").resize(
        (size, size), Image.Resampling.BILINEAR
    )
    return np.asarray(resized, dtype=np.uint8)


def prepare_product_photo(data: bytes | DecodedPhoto, name: str = "The photo",
                          colour: str | None = None) -> PreparedPhoto:
    """Validate and preprocess one photo (bytes, or already decoded) to the 28 x 28
    Fashion-MNIST form; InputError says what is wrong with a bad one. ``colour``: the garment's
    colour when the caller has read it already (else it is read here)."""
    decoded = data if isinstance(data, DecodedPhoto) else decode_photo(data, name)
    rgb, gray, original_size = decoded.rgb, decoded.gray, decoded.original_size
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    background = float(np.median(border))
    inverted = background > 127.5
    # strength: how far each pixel stands out from the background towards "object",
    # 0 on the background; a dark product on white becomes light on black.
    strength = (background - gray) if inverted else (gray - background)
    peak = float(np.percentile(strength, 99.9))
    if peak < MIN_CONTRAST:
        raise InputError(
            f"{name} shows no product that stands out from its background (the picture is nearly "
            "uniform). Photograph the product on a plain background of a different shade."
        )
    strength = np.clip(strength * (255.0 / peak), 0.0, 255.0)
    mask = strength > OBJECT_THRESHOLD * 255.0
    dominant = product_colour(rgb) if colour is None else colour
    small = Image.fromarray(_square(strength, mask), mode="F").resize(
        (IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.LANCZOS
    )
    small = np.clip(np.asarray(small), 0.0, None)
    # Fashion-MNIST images all reach 255; a thin object loses brightness when shrunk.
    pixels = np.round(small * (255.0 / max(float(small.max()), 1e-6))).astype(np.uint8)
    return PreparedPhoto(
        photo=decoded.picture,
        pixels=pixels,
        dominant_colour=dominant,
        original_size=original_size,
        inverted=inverted,
    )


def read_photo_file(path: Path | str) -> bytes:
    """The bytes of an image file given on the command line; InputError when unreadable."""
    path = Path(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path} could not be read: {exc.strerror or exc}.") from exc
