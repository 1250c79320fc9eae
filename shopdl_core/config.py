"""One source of truth for paths, seeds, class names and shared limits."""

from __future__ import annotations

import os
from pathlib import Path

from shopdl_core import registry

REPO_DIR = Path(__file__).resolve().parent.parent

SEED = 20261128

# Fashion-MNIST label order (Xiao, Rasul and Vollgraf 2017).
FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# The shop's departments, and which one each Fashion-MNIST class belongs to.
DEPARTMENTS = ("Tops", "Bottoms", "Dresses", "Outerwear", "Footwear", "Bags")
CLASS_DEPARTMENT = {
    "T-shirt/top": "Tops",
    "Trouser": "Bottoms",
    "Pullover": "Tops",
    "Dress": "Dresses",
    "Coat": "Outerwear",
    "Sandal": "Footwear",
    "Shirt": "Tops",
    "Sneaker": "Footwear",
    "Bag": "Bags",
    "Ankle boot": "Footwear",
}


# The photo model's classes: the ten folders of the clothing photos (Grigorev's clothing
# dataset, small version), spelled as there. PhotoCNN's labels are exactly these.
PHOTO_CLASSES = (
    "dress",
    "hat",
    "longsleeve",
    "outwear",
    "pants",
    "shirt",
    "shoes",
    "shorts",
    "skirt",
    "t-shirt",
)
PHOTO_CLASS_DEPARTMENT = {
    "dress": "Dresses",
    "hat": "Accessories",
    "longsleeve": "Tops",
    "outwear": "Outerwear",
    "pants": "Bottoms",
    "shirt": "Tops",
    "shoes": "Footwear",
    "shorts": "Bottoms",
    "skirt": "Bottoms",
    "t-shirt": "Tops",
}


def assets_dir() -> Path:
    """The assets folder; ``SHOPDL_ASSETS`` points it elsewhere (read on every call)."""
    override = os.environ.get("SHOPDL_ASSETS")
    return Path(override).expanduser().resolve() if override else REPO_DIR / "assets"


def data_dir() -> Path:
    return assets_dir() / "data"


def models_dir() -> Path:
    return assets_dir() / "models"


def samples_dir() -> Path:
    return assets_dir() / "samples"


def fashion_mnist_dir() -> Path:
    return data_dir() / "fashion_mnist"


def reviews_path() -> Path:
    return data_dir() / "reviews" / "womens_clothing_ecommerce_reviews.csv.gz"


def photos_dir() -> Path:
    """Real clothing photos shipped downscaled: ``validation/<class>/*.jpg`` (the held-out
    photos the photo model is measured on) and ``catalog/*.jpg`` (the shop's product pictures)."""
    return data_dir() / "photos"


def catalog_path() -> Path:
    return data_dir() / "catalog.csv"


def demo_ratings_path() -> Path:
    return data_dir() / "demo_ratings.csv"


# Shipped checkpoints (in models_dir()) by model name: a view of the registry, the one list of models.
MODEL_CHECKPOINTS = {entry.name: entry.checkpoint for entry in registry.MODELS}


def checkpoint_path(model_name: str) -> Path:
    return models_dir() / registry.get_model_entry(model_name).checkpoint
