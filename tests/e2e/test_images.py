"""Product photos in a real browser: PNG and JPEG uploads through the file input."""

from pathlib import Path

import pytest
from PIL import Image

from shopdl_core import config
from tests.e2e.conftest import assert_clean, wait_idle

pytestmark = pytest.mark.e2e


def real_photo(tmp_path, kind: str) -> Path:
    """A shipped sample photo of shoes, as the JPEG it is or re-encoded as a PNG."""
    sample = config.samples_dir() / "photos" / "shoes_1.jpg"
    if kind == "jpeg":
        return sample
    target = tmp_path / "shoes.png"
    Image.open(sample).save(target, format="PNG")
    return target


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_upload_shows_a_prediction_similar_products_and_the_heat_map(page, app_url, tmp_path, kind):
    page.goto(f"{app_url}/images")
    wait_idle(page)
    page.get_by_test_id("stRadioGroup").get_by_text("Upload a photo").click()
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(real_photo(tmp_path, kind)))
    page.get_by_role("heading", name="Similar products").wait_for()
    wait_idle(page)
    assert page.get_by_role("heading", name="shoes", exact=True).first.is_visible()
    assert page.get_by_text("similarity").count() >= 6
    page.get_by_text("Show where the model looked").click()
    wait_idle(page)
    page.get_by_text("Where PhotoCNN looked").first.wait_for()
    assert_clean(page)


def test_a_non_image_upload_shows_a_message(page, app_url, tmp_path):
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"this is not a picture at all")
    page.goto(f"{app_url}/images")
    wait_idle(page)
    page.get_by_test_id("stRadioGroup").get_by_text("Upload a photo").click()
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(fake))
    error = page.get_by_test_id("stAlertContentError").first
    error.wait_for()
    assert "image" in error.inner_text().lower()
    assert_clean(page)
