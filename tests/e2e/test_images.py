"""Product photos in a real browser: PNG and JPEG uploads through the file input."""

import io

import pytest
from PIL import Image

from shopdl_core import config
from tests.e2e.conftest import assert_clean, wait_idle

pytestmark = pytest.mark.e2e


def jpeg_shop_photo(path, tmp_path):
    """A sample turned into a shop-style photo: dark object on white, RGB, 300 x 300, JPEG."""
    picture = Image.open(path).convert("L").point(lambda value: 255 - value).resize((300, 300))
    target = tmp_path / "sneaker.jpg"
    picture.convert("RGB").save(target, format="JPEG", quality=90)
    return target


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_upload_shows_a_prediction_and_similar_products(page, app_url, tmp_path, kind):
    sample = config.samples_dir() / "7_sneaker" / "0000.png"
    photo = sample if kind == "png" else jpeg_shop_photo(sample, tmp_path)
    page.goto(f"{app_url}/images")
    wait_idle(page)
    page.get_by_text("Upload a photo").click()
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(photo))
    page.get_by_role("heading", name="Similar products").wait_for()
    wait_idle(page)
    assert page.get_by_role("heading", name="Sneaker").first.is_visible()
    assert page.get_by_text("similarity").count() >= 6
    assert_clean(page)


def test_a_non_image_upload_shows_a_message(page, app_url, tmp_path):
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"this is not a picture at all")
    page.goto(f"{app_url}/images")
    wait_idle(page)
    page.get_by_text("Upload a photo").click()
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(fake))
    error = page.get_by_test_id("stAlertContentError").first
    error.wait_for()
    assert "image" in error.inner_text().lower()
    assert_clean(page)
