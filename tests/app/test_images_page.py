"""AppTest of the product-photo page: samples, real uploads (good, odd and bad), Grad-CAM,
the three models side by side, and the quality section."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from shopdl_core import config
from shopdl_core.vision.analyse import NOT_CLOTHING
from shopdl_core.vision.photos import list_photo_folder, shipped_validation_dir
from tests.conftest import open_app

PAGE = "app_pages/images.py"


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def validation_photo(kind: str) -> Image.Image:
    path = next(path for path, label in list_photo_folder(shipped_validation_dir())
                if config.PHOTO_CLASSES[label] == kind)
    return Image.open(path).convert("RGB")


def prediction_label(at) -> str:
    return at.subheader[0].value


def similar_captions(at) -> list[str]:
    return [c.value for c in at.caption if "similarity" in c.value and "€" in c.value]


def tag_badges(at) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]  # st.badge is a Markdown directive


def upload(at, name: str, data: bytes, mime: str = "image/jpeg"):
    at.radio(key="image_source").set_value("Upload a photo").run()
    at.file_uploader(key="image_upload").upload(name, data, mime).run()
    return at


@pytest.fixture(scope="module")
def page():
    """One AppTest per module: the first run loads the models."""
    return open_app(PAGE)


def test_default_sample_is_classified_with_similar_products(page):
    at = page
    assert not at.exception and not at.error
    assert at.title[0].value.endswith("Product photos")
    sample = at.selectbox(key="image_sample").value  # e.g. "dress 1"
    assert prediction_label(at) == sample.rsplit(" ", 1)[0]
    captions = similar_captions(at)
    assert len(captions) == 6
    similarities = [float(c.rsplit(" ", 1)[1]) for c in captions]
    assert similarities == sorted(similarities, reverse=True) and similarities[0] > 0.5
    assert any(h.value == "The same photo, three models" for h in at.header)


@pytest.mark.parametrize("sample", ["shoes 1", "pants 2", "hat 1"])
def test_picking_another_sample_changes_the_prediction(page, sample):
    at = page
    at.radio(key="image_source").set_value("Pick a sample").run()
    at.selectbox(key="image_sample").set_value(sample).run()
    assert not at.exception and prediction_label(at) == sample.split(" ")[0]


def test_the_heat_map_toggles_on_and_off(page):
    at = page
    at.radio(key="image_source").set_value("Pick a sample").run()
    at.toggle(key="image_heat_map").set_value(True).run()
    assert not at.exception and not at.error
    assert any("Where PhotoCNN looked" in caption for image in at.get("image") for caption in image.captions)
    at.toggle(key="image_heat_map").set_value(False).run()
    assert not any("Where PhotoCNN looked" in caption for image in at.get("image") for caption in image.captions)


def test_quality_section_shows_the_photo_model_then_the_seed_model(page):
    at = page
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Validation accuracy"].rstrip("%")) >= 85.0
    assert "Similar products of the same kind" in metrics
    at.segmented_control(key="vision_model").set_value("SeedCNN").run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert 91.0 <= float(metrics["Test accuracy"].rstrip("%")) < 95.0
    assert float(metrics["Real-photo accuracy"].rstrip("%")) < 80.0  # what a silhouette model manages
    at.segmented_control(key="vision_model").set_value("PhotoCNN").run()


@pytest.mark.parametrize(("sample", "fmt"), [("shoes_2", "JPEG"), ("t-shirt_1", "PNG"), ("skirt_2", "WEBP")])
def test_an_uploaded_real_photo_is_classified(page, sample, fmt):
    """A sample photo (held out from training) re-encoded, uploaded as a shopper would."""
    photo = Image.open(config.samples_dir() / "photos" / f"{sample}.jpg")
    at = upload(page, f"{sample}.{fmt.lower()}", encode(photo, fmt), f"image/{fmt.lower()}")
    assert not at.exception and not at.error
    assert prediction_label(at) == sample.split("_")[0]
    assert len(similar_captions(at)) == 6


def _odd_but_valid_uploads() -> dict[str, tuple[bytes, str]]:
    photo = validation_photo("pants")
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    frames = [photo, photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    deep = (np.asarray(photo.convert("L"), dtype=np.uint16) * 257)
    return {
        "CMYK JPEG": (encode(photo.convert("CMYK"), "JPEG", quality=92), "image/jpeg"),
        "16-bit PNG": (encode(Image.fromarray(deep)), "image/png"),
        "animated GIF": (encode(frames[0], "GIF", save_all=True, append_images=frames[1:]), "image/gif"),
        "EXIF-rotated JPEG": (encode(photo.rotate(90, expand=True), "JPEG", exif=exif.tobytes()), "image/jpeg"),
        "transparent PNG": (encode(photo.convert("RGBA")), "image/png"),
    }


@pytest.mark.parametrize("name", list(_odd_but_valid_uploads()))
def test_odd_but_valid_photos_are_read(page, name):
    data, mime = _odd_but_valid_uploads()[name]
    at = upload(page, "photo.png" if mime == "image/png" else "photo.jpg", data, mime)
    assert not at.exception and not at.error
    label = prediction_label(at)  # a kind, or the plain answer for a photo it does not recognise
    assert label in (*config.PHOTO_CLASSES, NOT_CLOTHING)
    assert len(similar_captions(at)) == (0 if label == NOT_CLOTHING else 6)


def test_a_photo_of_no_garment_is_called_unsure(page):
    rng = np.random.default_rng(0)
    noise = Image.fromarray(rng.integers(0, 256, (300, 300, 3), dtype=np.uint8))
    at = upload(page, "noise.png", encode(noise), "image/png")
    assert not at.exception
    # One plain line; the details behind an expander; no tags, no colour, no similar products.
    assert prediction_label(at) == NOT_CLOTHING == "This does not look like one of our ten kinds of clothing"
    assert not at.warning and not tag_badges(at) and not similar_captions(at)
    details = at.expander[0]
    assert details.label == "Why, and what it guessed"
    why = details.markdown[0].value
    assert "Its best guess is" in why and "real garment photos" in why and "97.5" not in why
    assert "knows ten kinds of clothing" in details.markdown[1].value


def test_a_recognised_photo_has_its_tags_and_no_expander(page):
    at = page.radio(key="image_source").set_value("Pick a sample").run()
    assert not at.exception and prediction_label(at) in config.PHOTO_CLASSES
    assert len(tag_badges(at)) >= 3 and not at.expander


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.png", b"this is not a picture", "not an image"),
        ("empty.png", b"", "empty"),
        ("tiny.png", encode(Image.new("RGB", (5, 5), "red")), "16 x 16"),
        ("cut.jpg", encode(Image.new("RGB", (300, 300), "navy"), "JPEG")[:400], "damaged"),
    ],
)
def test_a_bad_upload_shows_an_error_not_a_traceback(page, name, data, message):
    at = upload(page, name, data, "image/png")
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert not similar_captions(at)
    assert any(h.value == "How good are the models?" for h in at.header)  # the rest still renders
