"""Preprocessing of product photos: orientation, inversion, cropping, colour, every bad input."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from shopdl_core.errors import InputError
from shopdl_core.vision.preprocess import MAX_PIXELS, prepare_product_photo


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def bar_photo(width: int = 200, height: int = 100, colour=(40, 40, 40), background=(255, 255, 255)) -> Image.Image:
    """A wide horizontal bar (160 x 20) on a plain background."""
    array = np.full((height, width, 3), background, dtype=np.uint8)
    array[40:60, 20:180] = colour
    return Image.fromarray(array, "RGB")


def object_extent(pixels: np.ndarray) -> tuple[int, int]:
    """(height, width) of the bright object's bounding box in a 28 x 28 model input."""
    mask = pixels > 64
    return int(mask.any(1).sum()), int(mask.any(0).sum())


def test_output_is_a_28_by_28_uint8_light_object_on_black():
    photo = prepare_product_photo(encode(bar_photo()))
    assert photo.pixels.shape == (28, 28) and photo.pixels.dtype == np.uint8
    assert photo.pixels.max() == 255
    assert photo.pixels[0, 0] == 0 and photo.pixels[0].max() == 0  # the margin is background
    assert photo.original_size == (200, 100)


def test_the_object_is_cropped_and_fills_the_frame_along_its_longer_side():
    height, width = object_extent(prepare_product_photo(encode(bar_photo())).pixels)
    assert width >= 26 and 2 <= height <= 6  # 160 x 20 keeps its 8:1 shape


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown rotated 90 degrees: the bar stands upright
    upright = prepare_product_photo(encode(bar_photo(), "JPEG", exif=exif.tobytes(), quality=95))
    height, width = object_extent(upright.pixels)
    assert height >= 26 and width <= 6
    assert upright.original_size == (200, 100)


def test_dark_on_white_is_inverted_and_matches_light_on_black():
    dark_on_white = prepare_product_photo(encode(bar_photo()))
    light_on_black = prepare_product_photo(encode(bar_photo(colour=(215, 215, 215), background=(0, 0, 0))))
    assert dark_on_white.inverted and not light_on_black.inverted
    assert np.abs(dark_on_white.pixels.astype(int) - light_on_black.pixels.astype(int)).max() <= 2


def test_an_object_in_a_corner_of_a_large_canvas_is_centred():
    array = np.full((600, 900, 3), 250, dtype=np.uint8)
    array[20:120, 760:860] = (30, 40, 90)  # a 100 x 100 navy square in the top-right corner
    pixels = prepare_product_photo(encode(Image.fromarray(array), "JPEG", quality=90)).pixels
    rows, cols = np.nonzero(pixels > 128)
    assert abs(rows.mean() - 13.5) < 1 and abs(cols.mean() - 13.5) < 1
    assert min(object_extent(pixels)) >= 26


def test_dominant_colour_comes_from_the_colour_photo():
    assert prepare_product_photo(encode(bar_photo(colour=(200, 40, 45)))).dominant_colour == "red"
    assert prepare_product_photo(encode(bar_photo(colour=(50, 100, 200)))).dominant_colour == "blue"


def test_transparency_is_flattened_onto_white():
    # Transparent pixels hide black: ignoring alpha would show a black photo with a red bar.
    rgba = np.zeros((100, 200, 4), dtype=np.uint8)
    rgba[40:60, 20:180] = (200, 40, 45, 255)
    photo = prepare_product_photo(encode(Image.fromarray(rgba, "RGBA")))
    assert photo.inverted and photo.dominant_colour == "red"
    assert np.asarray(photo.photo)[0, 0].tolist() == [255, 255, 255]
    assert object_extent(photo.pixels)[1] >= 26


def test_first_frame_of_an_animation_is_used():
    frames = [bar_photo(), bar_photo().transpose(Image.Transpose.ROTATE_90)]
    frames[1] = frames[1].resize((200, 100))  # same size, different content
    upright_bar = Image.fromarray(np.full((100, 200, 3), 255, np.uint8))
    upright_bar.paste((40, 40, 40), (90, 10, 110, 90))
    data = encode(frames[0], "GIF", save_all=True, append_images=[upright_bar], duration=100, loop=0)
    height, width = object_extent(prepare_product_photo(data).pixels)
    assert width >= 26 and height <= 6  # the horizontal bar of frame 0


def test_sixteen_bit_grayscale_is_scaled_not_clipped():
    deep = np.full((100, 200), 60000, dtype=np.uint16)
    deep[40:60, 20:180] = 5000
    photo = prepare_product_photo(encode(Image.fromarray(deep)))
    assert photo.inverted and photo.pixels.max() == 255
    assert object_extent(photo.pixels)[1] >= 26
    assert photo.dominant_colour in ("black", "grey")


def test_cmyk_jpeg_is_converted():
    cmyk = Image.new("CMYK", (200, 100), (0, 0, 0, 0))  # white paper
    cmyk.paste((0, 200, 200, 40), (20, 40, 180, 60))  # a red bar
    photo = prepare_product_photo(encode(cmyk, "JPEG", quality=95))
    assert photo.inverted and photo.dominant_colour == "red"
    assert object_extent(photo.pixels)[1] >= 26


def test_a_fashion_mnist_sample_passes_through_almost_unchanged():
    from shopdl_core.vision.data import load_split

    images, _ = load_split("test")
    photo = prepare_product_photo(encode(Image.fromarray(images[1])))  # a pullover filling the frame
    assert not photo.inverted
    assert np.abs(photo.pixels.astype(int) - images[1]).mean() < 20


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height pixels, with a tiny (invalid) body."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"name,price\nTee,12\n", "not an image"),
        (encode(bar_photo(), "JPEG")[:300], "damaged"),
        (encode(bar_photo())[:200], "damaged"),
        (png_header_only(50_000, 50_000), f"limit is {MAX_PIXELS // 1_000_000} megapixels"),
        (encode(Image.new("RGB", (5, 5), "white")), "at least 16 x 16"),
        (encode(Image.new("RGB", (64, 64), (240, 240, 240))), "stands out"),
        (b"%PDF-1.4\n" + b"0" * 200, "not an image"),
    ],
    ids=["empty", "csv-named-png", "truncated-jpeg", "truncated-png", "decompression-bomb", "tiny", "blank", "pdf"],
)
def test_bad_files_raise_input_error_with_a_clear_message(data, message):
    with pytest.raises(InputError, match=message) as caught:
        prepare_product_photo(data, name="photo.png")
    assert str(caught.value).startswith("photo.png ") and str(caught.value).count("photo.png") == 1
