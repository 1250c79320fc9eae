"""AppTest of the product-photo page: samples, uploads (good and bad), model switch, quality."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from shopdl_core import config
from tests.conftest import open_app

PAGE = "app_pages/images.py"


def png_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def sneaker_photo() -> bytes:
    """A sample sneaker as a shop photo: dark on white, 10x larger, off-centre."""
    pixels = np.asarray(Image.open(config.samples_dir() / "7_sneaker" / "0001.png"))
    dark = Image.fromarray(255 - pixels).resize((280, 280), Image.Resampling.BICUBIC)
    canvas = Image.new("L", (400, 360), 255)
    canvas.paste(dark, (100, 20))
    return png_bytes(canvas.convert("RGB"), "JPEG")


def prediction_label(at) -> str:
    return at.subheader[0].value


def similar_captions(at) -> list[str]:
    return [c.value for c in at.caption if "similarity" in c.value]


@pytest.fixture(scope="module")
def page():
    """One AppTest per module: the first run loads the model and embeds the catalogue."""
    return open_app(PAGE)


def test_default_sample_is_classified_with_similar_products(page):
    at = page
    assert not at.exception and not at.error
    assert at.title[0].value.endswith("Product photos")
    assert prediction_label(at) == "T-shirt/top"  # the first sample, shown as a shop photo
    captions = similar_captions(at)
    assert len(captions) == 6
    similarities = [float(c.rsplit(" ", 1)[1]) for c in captions]
    assert similarities == sorted(similarities, reverse=True) and similarities[0] > 0.5
    assert "€" in captions[0]


def test_picking_another_sample_changes_the_prediction(page):
    at = page
    at.selectbox(key="image_sample").set_value("Bag 2").run()
    assert not at.exception and prediction_label(at) == "Bag"
    at.toggle(key="image_sample_as_photo").set_value(False).run()
    assert not at.exception and prediction_label(at) == "Bag"


def test_model_quality_section_shows_stored_metrics(page):
    at = page
    assert any(h.value == "How good is this model?" for h in at.header)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test accuracy"].rstrip("%")) >= 93.5
    assert "Photo-like accuracy" in metrics


def test_switching_to_the_seed_model(page):
    at = page
    at.segmented_control(key="vision_model").set_value("SeedCNN").run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert 91.0 <= float(metrics["Test accuracy"].rstrip("%")) < 95.0
    at.segmented_control(key="vision_model").set_value("ProductCNN").run()


def test_an_uploaded_photo_is_classified(page):
    at = page
    at.radio(key="image_source").set_value("Upload a photo").run()
    assert at.info  # asks for a photo
    at.file_uploader(key="image_upload").upload("sneaker.jpg", sneaker_photo(), "image/jpeg").run()
    assert not at.exception and not at.error
    assert prediction_label(at) == "Sneaker"
    assert len(similar_captions(at)) == 6


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.png", b"this is not a picture", "not an image"),
        ("empty.png", b"", "empty"),
        ("tiny.png", png_bytes(Image.new("RGB", (5, 5), "red")), "16 x 16"),
        ("cut.jpg", png_bytes(Image.new("RGB", (300, 300), "navy"), "JPEG")[:400], "truncated"),
    ],
)
def test_a_bad_upload_shows_an_error_not_a_traceback(page, name, data, message):
    at = page
    at.radio(key="image_source").set_value("Upload a photo").run()
    at.file_uploader(key="image_upload").upload(name, data, "image/png").run()
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert not similar_captions(at)
    assert any(h.value == "How good is this model?" for h in at.header)  # the rest still renders
