"""The palette and the colour reader on hand-made values and pictures."""

from __future__ import annotations

import numpy as np
import pytest

from shopdl_core.vision import colour
from shopdl_core.vision.colour import MULTICOLOUR, PALETTE, SWATCHES, kmeans, name_lab, read_colour, srgb_to_lab


def test_srgb_to_lab_matches_published_values():
    # CIELAB (D65) of sRGB white, black, red and mid grey, as given by the CIE formulas.
    lab = srgb_to_lab(np.array([[255, 255, 255], [0, 0, 0], [255, 0, 0], [119, 119, 119]]))
    np.testing.assert_allclose(lab[0], [100, 0, 0], atol=0.05)
    np.testing.assert_allclose(lab[1], [0, 0, 0], atol=0.05)
    np.testing.assert_allclose(lab[2], [53.24, 80.09, 67.20], atol=0.1)
    np.testing.assert_allclose(lab[3], [50.0, 0, 0], atol=0.1)


@pytest.mark.parametrize(("rgb", "name"), [
    ((10, 10, 12), "black"), ((245, 245, 240), "white"), ((128, 128, 128), "grey"),
    ((225, 205, 170), "beige"), ((110, 70, 40), "brown"), ((200, 30, 40), "red"),
    ((240, 150, 180), "pink"), ((230, 120, 30), "orange"), ((235, 205, 40), "yellow"),
    ((50, 150, 70), "green"), ((40, 90, 210), "blue"), ((25, 30, 70), "navy"), ((0, 0, 128), "navy"), ((0, 0, 255), "blue"), ((128, 0, 128), "purple"), ((110, 50, 150), "purple"),
    ((90, 20, 35), "red"),  # burgundy: a dark raspberry is red, not pink
    ((100, 75, 70), "brown"),  # a dull dark red-brown (taupe) is not pink
    ((40, 38, 42), "black"),  # a faint purple cast on black
    ((20, 60, 35), "green"),  # bottle green stays green however dark
])
def test_hand_picked_colours_get_their_names(rgb, name):
    assert name_lab(*srgb_to_lab(np.array(rgb, dtype=np.float32))) == name


def test_every_swatch_is_named_as_itself():
    for name, rgb in SWATCHES.items():
        assert name_lab(*srgb_to_lab(np.array(rgb, dtype=np.float32))) == name
    assert PALETTE[-1] == MULTICOLOUR and len(set(PALETTE)) == len(PALETTE) == 14


def test_kmeans_finds_two_separate_blobs_deterministically():
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal(0, 1, (200, 3)), rng.normal(50, 1, (100, 3))]).astype(np.float32)
    centres, assign = kmeans(points, 2)
    order = np.argsort(centres[:, 0])
    np.testing.assert_allclose(centres[order], [[0, 0, 0], [50, 50, 50]], atol=0.5)
    assert np.bincount(assign).tolist() in ([200, 100], [100, 200])
    np.testing.assert_array_equal(kmeans(points, 2)[1], assign)


def _photo(garment: np.ndarray, background=(200, 190, 170), size=(240, 180)) -> np.ndarray:
    """A garment picture (h, w, 3) pasted in the middle of a plain background."""
    height, width = size
    photo = np.empty((height, width, 3), dtype=np.float32)
    photo[:] = background
    top, left = (height - garment.shape[0]) // 2, (width - garment.shape[1]) // 2
    photo[top:top + garment.shape[0], left:left + garment.shape[1]] = garment
    return photo


def _plain(rgb, shape=(140, 100)) -> np.ndarray:
    garment = np.empty((*shape, 3), dtype=np.float32)
    garment[:] = rgb
    # Shading: a plain garment is lighter on one side and darker in its folds.
    garment *= np.linspace(0.8, 1.1, shape[1])[None, :, None]
    return garment.clip(0, 255)


def _striped(first, second, period=8, shape=(140, 100)) -> np.ndarray:
    garment = np.empty((*shape, 3), dtype=np.float32)
    rows = (np.arange(shape[0]) // (period // 2)) % 2 == 0
    garment[rows] = first
    garment[~rows] = second
    return garment


def test_a_shaded_plain_garment_is_one_colour_whatever_the_background():
    for background in ((200, 190, 170), (180, 30, 40), (40, 40, 40)):
        reading = read_colour(_photo(_plain((40, 90, 210)), background))
        assert reading.name == "blue", background
        assert reading.edge_density < colour.EDGE_DENSITY


def test_stripes_and_checks_are_multicolour():
    striped = read_colour(_photo(_striped((20, 30, 80), (240, 240, 240))))
    assert striped.name == MULTICOLOUR and striped.edge_density >= colour.EDGE_DENSITY
    assert set(list(striped.shares)[:2]) == {"navy", "white"}, striped.shares
    rows, cols = np.indices((140, 100)) // 5
    checks = np.where(((rows + cols) % 2 == 0)[..., None], (200, 30, 40), (30, 30, 30)).astype(np.float32)
    assert read_colour(_photo(checks)).name == MULTICOLOUR


def test_a_print_too_small_to_share_a_colour_is_not_multicolour():
    # Sharp edges alone do not make a pattern: a few thin dark lines on a red garment.
    garment = _plain((200, 30, 40), shape=(140, 100))
    garment[::12] = (30, 30, 30)
    reading = read_colour(_photo(garment))
    assert reading.name == "red"


def test_a_garment_that_fills_the_frame_is_read_not_taken_for_background():
    # A grey shirt touching three sides of the frame, the red bed showing at the other.
    photo = np.empty((200, 150, 3), dtype=np.float32)
    photo[:] = (180, 30, 40)
    photo[:, 20:] = (128, 128, 130)
    assert read_colour(photo).name == "grey"


def test_a_uniform_photo_still_gets_a_name():
    assert read_colour(np.full((64, 64, 3), 250.0, dtype=np.float32)).name == "white"
