"""Inference on prepared photos: class probabilities, tags, embeddings and similar products.

The embedding of an image is the CNN's penultimate layer (``model.features``), L2-normalised
so that a dot product is the cosine similarity. The catalogue's 120 product pictures are
embedded once per model (``build_catalog_index``; the page caches it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from shopdl_core import catalog, config
from shopdl_core.vision.data import normalise
from shopdl_core.vision.preprocess import PreparedPhoto

UNCERTAIN_BELOW = 0.6  # top-class probability under which a prediction is tagged "uncertain"
SIMILAR_PRODUCTS = 6


@dataclass(frozen=True)
class PhotoPrediction:
    label: str
    probabilities: dict[str, float]  # every class, in class order
    tags: tuple[str, ...]  # category, department, colour, and "uncertain" when unsure
    embedding: np.ndarray  # (D,) unit length

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        return sorted(self.probabilities.items(), key=lambda item: item[1], reverse=True)[:k]


@dataclass(frozen=True)
class CatalogIndex:
    product_ids: tuple[str, ...]
    embeddings: np.ndarray  # (P, D) unit rows


def _unit_rows(matrix: torch.Tensor) -> np.ndarray:
    return torch.nn.functional.normalize(matrix, dim=1).numpy()


def embed_and_classify(model: nn.Module, pixels: np.ndarray, device: torch.device) -> tuple[np.ndarray, np.ndarray]:
    """Unit embeddings (N, D) and class probabilities (N, C) for uint8 pixels (N, 28, 28).

    The model must already be in eval mode: shared models are never switched per request.
    """
    with torch.inference_mode():
        features = model.features(normalise(pixels).to(device))  # (N, D)
        probabilities = torch.softmax(model.head(features), dim=1)  # (N, C)
    return _unit_rows(features.cpu()), probabilities.cpu().numpy()


def photo_tags(probabilities: np.ndarray, class_names: tuple[str, ...], colour: str) -> tuple[str, ...]:
    """Tags for one photo from its class probabilities (C,) and dominant colour name."""
    best = int(np.argmax(probabilities))
    label = class_names[best]
    tags = [label, config.CLASS_DEPARTMENT[label], colour]
    if probabilities[best] < UNCERTAIN_BELOW:
        tags.append("uncertain")
    return tuple(tags)


def predict_photos(
    model: nn.Module, photos: list[PreparedPhoto], class_names: tuple[str, ...], device: torch.device
) -> list[PhotoPrediction]:
    """One prediction per prepared photo, in one forward pass."""
    embeddings, probabilities = embed_and_classify(model, np.stack([photo.pixels for photo in photos]), device)
    return [
        PhotoPrediction(
            label=class_names[int(np.argmax(row))],
            probabilities={name: float(p) for name, p in zip(class_names, row)},
            tags=photo_tags(row, class_names, photo.dominant_colour),
            embedding=embedding,
        )
        for photo, row, embedding in zip(photos, probabilities, embeddings)
    ]


def build_catalog_index(model: nn.Module, device: torch.device) -> CatalogIndex:
    """Embed every catalogue product's picture (its Fashion-MNIST test image)."""
    product_ids = tuple(catalog.load_catalog().index)
    pixels = np.stack([catalog.product_pixels(product_id) for product_id in product_ids])  # (P, 28, 28)
    embeddings, _ = embed_and_classify(model, pixels, device)
    return CatalogIndex(product_ids=product_ids, embeddings=embeddings)


def similar_products(index: CatalogIndex, embedding: np.ndarray, k: int = SIMILAR_PRODUCTS) -> pd.DataFrame:
    """The k catalogue products nearest to ``embedding`` (D,) by cosine, most similar first.

    Columns: the catalogue's (product_id, name, category, price, ...) plus ``similarity``.
    """
    similarity = index.embeddings @ embedding  # (P,)
    order = np.argsort(-similarity, kind="stable")[:k]
    nearest = catalog.load_catalog().loc[[index.product_ids[i] for i in order]].copy()
    nearest["similarity"] = similarity[order].astype(float)
    return nearest.reset_index(drop=True)
