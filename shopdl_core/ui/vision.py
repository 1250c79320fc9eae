"""Streamlit helpers for the product-image demo: cached loaders, samples, charts, cards."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image

from shopdl_core import catalog, config, registry
from shopdl_core.i18n import _, L_, N_, pgettext
from shopdl_core.shop.catalogue import find_product
from shopdl_core.ui import charts
from shopdl_core.ui.common import build_shared_model, shared_device
from shopdl_core.ui.widgets import file_uploader
from shopdl_core.vision.analyse import PhotoAnalysis, analyse_photo
from shopdl_core.vision.trained import TrainedVisionModel, load_trained_model

PHOTO_MODEL = registry.list_models("vision", registry.PRODUCT_PHOTOS, default_first=True)[0]
SILHOUETTE_MODELS = registry.list_models("vision", registry.FASHION_MNIST, default_first=True)  # ProductCNN first
VISION_MODELS = (PHOTO_MODEL, *SILHOUETTE_MODELS)
CARD_PICTURE_SIZE = 160
CARD_WIDTH = 150  # px: six cards and their gaps fit the main column at 1440 px, two fit a 390 px phone
MODEL_INPUT_DISPLAY = 168  # the 28 x 28 input shown 6x, pixels kept square (nearest)
# The Fashion-MNIST classes, marked for the catalogue (the photo classes have the "photo class" context).
FASHION_NAMES = (N_("T-shirt/top"), N_("Trouser"), N_("Pullover"), N_("Dress"), N_("Coat"), N_("Sandal"),
                 N_("Shirt"), N_("Sneaker"), N_("Bag"), N_("Ankle boot"))


def class_name(label: str) -> str:
    """A model's class label in the page's language: a photo kind or a Fashion-MNIST class."""
    if label in config.PHOTO_CLASSES:
        return pgettext("photo class", label)
    return _(label)  # a Fashion-MNIST class, or a word such as "unsure" marked with N_ where it is given


def shown_classes(top) -> list[tuple[str, float]]:
    """(class, probability) pairs with the classes' display names, for a chart."""
    return [(class_name(label), probability) for label, probability in top]


@st.cache_resource(show_spinner=L_("Loading the image model…"))
def load_vision_model(name: str) -> TrainedVisionModel:
    """One shared, eval-mode copy of each image model per server process."""
    return build_shared_model(name, load_trained_model)


@st.cache_resource(show_spinner=L_("Measuring the Fashion-MNIST models on the validation photos…"))
def silhouette_real_photo_accuracy(name: str) -> dict:
    """A Fashion-MNIST model's accuracy on the shipped validation photos (computed once per process)."""
    from shopdl_core.vision.photo_eval import silhouette_accuracy
    from shopdl_core.vision.photos import load_photo_folder, shipped_validation_dir

    trained = load_vision_model(name)
    return silhouette_accuracy(trained.model, trained.class_names, load_photo_folder(shipped_validation_dir()),
                               shared_device())


@st.cache_data(show_spinner=False)
def sample_photos() -> dict[str, str]:
    """Display label ("shoes 2") -> path of each shipped sample photo, in class order."""
    folder = config.samples_dir() / "photos"
    return {path.stem.replace("_", " "): str(path) for path in sorted(folder.glob("*.jpg"))}


@st.cache_resource(max_entries=64, show_spinner=False)
def analysed_photo(digest: str, _photo_bytes: bytes, explain: bool = False,
                   silhouettes: bool = True) -> PhotoAnalysis:
    """``analyse_photo`` of these bytes, shared by every session that shows the same photo (by
    the SHA-256 ``digest`` of its bytes): in a live demo most viewers click the same samples,
    and the models' answer to identical bytes never changes. A bad file raises InputError, which
    is not cached. 64 entries of at most about 1 MB each."""
    models = [load_vision_model(name) for name in SILHOUETTE_MODELS] if silhouettes else []
    return analyse_photo(_photo_bytes, load_vision_model(PHOTO_MODEL), silhouette_models=models, explain=explain)


def photo_digest(photo_bytes: bytes) -> str:
    return hashlib.sha256(photo_bytes).hexdigest()


def chosen_photo_bytes(prefix: str) -> bytes | None:
    """A sample or an uploaded photo, as the user picks: its bytes, or None (with a prompt).

    Widget keys: ``<prefix>_source``, ``<prefix>_sample``, ``<prefix>_upload``. The bytes are
    not checked here: decode_photo reads them by their content, whatever the file is called.
    """
    from shopdl_core.vision.preprocess import MAX_PIXELS

    # Options in the page's language rather than a format_func: AppTest replays a widget's
    # value through str(), so a translated display of an English value would not round-trip.
    pick = _("Pick a sample")
    source = st.radio(_("Photo"), [pick, _("Upload a photo")], key=f"{prefix}_source", horizontal=True)
    if source == pick:
        samples = {sample_name(label): path for label, path in sample_photos().items()}
        sample = st.selectbox(_("Sample (real photos the models were not trained on)"), list(samples),
                              key=f"{prefix}_sample")
        with open(samples[sample], "rb") as sample_file:
            return sample_file.read()
    upload = file_uploader(
        st, _("Product photo"), types=["png", "jpg", "jpeg", "webp"], key=f"{prefix}_upload",
        help=_("PNG, JPEG or WebP, at least 16 x 16 and at most {megapixels} megapixels; one garment of these "
               "kinds: {kinds}.").format(megapixels=MAX_PIXELS // 1_000_000, kinds=kind_list()),
    )
    if upload is None:
        st.info(_("Upload a photo of one garment (or pick a sample above)."))
        return None
    return upload.getvalue()


def sample_name(sample: str) -> str:
    """A sample's label ("shoes 2") in the page's language."""
    kind, _space, number = sample.rpartition(" ")
    return f"{pgettext('photo class', kind)} {number}" if kind else sample


def kind_list() -> str:
    return _(", ").join(pgettext("photo class", kind) for kind in config.PHOTO_CLASSES)


def model_input_picture(pixels: np.ndarray) -> Image.Image:
    """The (28, 28) model input enlarged with square pixels, as the model sees it."""
    return Image.fromarray(pixels).resize((MODEL_INPUT_DISPLAY, MODEL_INPUT_DISPLAY), Image.Resampling.NEAREST)


def answer_line(label: str, probability: float) -> None:
    """A model's answer in large type with its probability (names like "T-shirt/top" in full)."""
    from shopdl_core.ui.widgets import plain

    st.caption(_("Its answer"))
    st.markdown(f"#### {plain(class_name(label))}")
    st.caption(_("probability {probability:.1%}").format(probability=probability))


def tag_badges(tags: tuple[str, ...]) -> None:
    category, department, colour, *rest = tags
    with st.container(horizontal=True):
        st.badge(pgettext("photo class", category), color="orange")
        st.badge(pgettext("department", department), color="blue")
        st.badge(pgettext("photo colour", colour), color="gray")
        for tag in rest:
            st.badge(tag, icon=":material/help:", color="red")


def similar_product_cards(similar: pd.DataFrame) -> None:
    """One bordered card per product: picture, name, price and cosine similarity. The cards have
    a fixed width and wrap: six in a row on a desktop, two on a phone (columns would stack one
    card per screen there)."""
    from shopdl_core.ui.widgets import plain

    with st.container(horizontal=True, gap="small"):
        for row in similar.itertuples():
            with st.container(border=True, width=CARD_WIDTH):
                st.image(catalog.product_picture_jpeg(row.product_id, CARD_PICTURE_SIZE), width="stretch")
                st.markdown(f"**{plain(find_product(row.product_id).name())}**")
                st.caption(_("€{price:.2f} · {kind} · similarity {similarity:.2f}").format(
                    price=row.price, kind=pgettext("photo class", row.category), similarity=row.similarity))


@st.cache_data(show_spinner=False)
def evaluation_charts(model_name: str, language: str) -> tuple[charts.Spec, charts.Spec]:
    """The model's per-class accuracy and confusion matrix charts (fixed per checkpoint), with
    class names in ``language`` (the current one: a parameter so each language is cached)."""
    trained = load_vision_model(model_name)
    metrics = trained.metrics
    accuracy = {class_name(label): value for label, value in metrics["per_class_accuracy"].items()}
    return (charts.per_class_accuracy(accuracy),
            charts.confusion(metrics["confusion"], [class_name(label) for label in trained.class_names]))
