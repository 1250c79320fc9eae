"""Streamlit helpers for the product-image demo: cached loaders, samples, charts, cards."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image

from shopdl_core import catalog, config, registry
from shopdl_core.ui import charts
from shopdl_core.ui.common import build_shared_model, shared_device
from shopdl_core.vision.photolike import make_photo_like
from shopdl_core.vision.search import CatalogIndex, PhotoPrediction, build_catalog_index
from shopdl_core.vision.trained import TrainedVisionModel, load_trained_model

# The Fashion-MNIST models, the default first (the selector opens on it).
VISION_MODELS = registry.list_models("vision", registry.FASHION_MNIST, default_first=True)
CARD_PICTURE_SIZE = 112
MODEL_INPUT_DISPLAY = 224  # the 28 x 28 input shown 8x, pixels kept square (nearest)


@st.cache_resource(show_spinner="Loading the image model…")
def load_vision_model(name: str) -> TrainedVisionModel:
    """One shared, eval-mode copy of each image model per server process."""
    return build_shared_model(name, load_trained_model)


@st.cache_resource(show_spinner="Embedding the catalogue…")
def load_catalog_index(name: str) -> CatalogIndex:
    """The 120 catalogue pictures embedded by model ``name`` (computed once per process)."""
    return build_catalog_index(load_vision_model(name).model, shared_device())


@st.cache_data(show_spinner=False)
def sample_photos() -> dict[str, str]:
    """Display label ("Sneaker 3") -> path of each shipped sample image, in class order."""
    samples = {}
    for folder in sorted(path for path in config.samples_dir().iterdir() if path.is_dir()):
        class_name = config.FASHION_CLASSES[int(folder.name.split("_", 1)[0])]
        for number, path in enumerate(sorted(folder.glob("*.png")), start=1):
            samples[f"{class_name} {number}"] = str(path)
    return samples


@st.cache_data(show_spinner=False)
def sample_bytes(path: str, as_shop_photo: bool) -> bytes:
    """A sample's PNG bytes, or the same image dressed as a shop photo (JPEG, dark on white,
    tinted, larger): the photo then goes through the full preprocessing like an upload."""
    data = Path(path).read_bytes()
    if not as_shop_photo:
        return data
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    rng = np.random.default_rng(config.SEED + zlib.crc32(path.encode()))  # the same look on every visit
    return make_photo_like(pixels, rng, "JPEG")


def model_input_picture(pixels: np.ndarray) -> Image.Image:
    """The (28, 28) model input enlarged with square pixels, as the model sees it."""
    return Image.fromarray(pixels).resize((MODEL_INPUT_DISPLAY, MODEL_INPUT_DISPLAY), Image.Resampling.NEAREST)


def top_classes_chart(prediction: PhotoPrediction, k: int = 3) -> charts.Spec:
    return charts.top_classes(prediction.top(k))


def tag_badges(prediction: PhotoPrediction) -> None:
    category, department, colour, *rest = prediction.tags
    with st.container(horizontal=True):
        st.badge(category, color="orange")
        st.badge(department, color="blue")
        st.badge(colour, color="gray")
        for tag in rest:
            st.badge(tag, icon=":material/help:", color="red")


@st.cache_data(show_spinner=False)
def product_picture(product_id: str) -> Image.Image:
    return catalog.product_picture(product_id, CARD_PICTURE_SIZE)


def similar_product_cards(similar: pd.DataFrame, per_row: int = 6) -> None:
    """One bordered card per product: picture, name, price and cosine similarity."""
    for start in range(0, len(similar), per_row):
        for column, row in zip(st.columns(per_row), similar.iloc[start:start + per_row].itertuples()):
            with column.container(border=True):
                st.image(product_picture(row.product_id), width="stretch")
                st.markdown(f"**{row.name}**")
                st.caption(f"€{row.price:.2f} · {row.category} · similarity {row.similarity:.2f}")


@st.cache_data(show_spinner=False)
def evaluation_charts(model_name: str) -> tuple[charts.Spec, charts.Spec]:
    """The model's per-class accuracy and confusion matrix charts (fixed per checkpoint)."""
    trained = load_vision_model(model_name)
    metrics = trained.metrics
    return (charts.per_class_accuracy(metrics["per_class_accuracy"]),
            charts.confusion(metrics["confusion"], trained.class_names))
