"""Inference on photos: class probabilities, tags, embeddings and similar products.

Two paths. PhotoCNN reads the colour photo (``predict_with_photo_model``); its probabilities
are temperature-calibrated. A photo is flagged as "not one of our kinds of product, or unsure"
when its top probability stays under ``UNSURE_BELOW``, or when its embedding is less like any
of the model's training photos than nearly all real garment photos are (``familiar_above``,
set at training time to the 2.5th percentile of the held-out dev photos' nearest-neighbour
similarity): a softmax must name some class even for noise, so the probability alone cannot
say "none of these". The
Fashion-MNIST CNNs read the 28 x 28 silhouette (``predict_photos``).

The embedding of an image is PhotoCNN's pooled last feature map (``model.features``),
L2-normalised so that a dot product is the cosine similarity. The catalogue's product photos
are embedded once when the model is trained and shipped in its checkpoint
(``build_catalog_index``); the index is rebuilt only if the catalogue changed since.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from shopdl_core import catalog, config
from shopdl_core.checkpoints import fingerprint
from shopdl_core.vision.data import normalise
from shopdl_core.vision.efficientnet import model_inputs
from shopdl_core.vision.colour import product_colour
from shopdl_core.vision.preprocess import DecodedPhoto, PreparedPhoto, decode_photo, photo_model_input

UNCERTAIN_BELOW = 0.6  # top-class probability under which a prediction is tagged "uncertain"
# PhotoCNN's calibrated top probability under which the page says "not one of our kinds of
# product, or unsure" instead of a label: on the dev photos, predictions this unsure were right
# about half the time (see the model card), and a cat or a chair lands here.
UNSURE_BELOW = 0.5
SIMILAR_PRODUCTS = 6


@dataclass(frozen=True)
class PhotoPrediction:
    label: str
    probabilities: dict[str, float]  # every class, in class order
    tags: tuple[str, ...]  # category, department, colour, and "uncertain" when unsure
    embedding: np.ndarray  # (D,) unit length
    colour: str = ""  # the garment's colour, a name from colour.PALETTE (also among the tags)
    unsure: bool = False  # PhotoCNN only: too unsure to name a kind (see UNSURE_BELOW)
    familiarity: float | None = None  # PhotoCNN only: cosine similarity to the nearest training photo
    unfamiliar: bool = False  # PhotoCNN only: familiarity under the model's familiar_above

    def top(self, k: int = 3) -> list[tuple[str, float]]:
        return sorted(self.probabilities.items(), key=lambda item: item[1], reverse=True)[:k]


@dataclass(frozen=True)
class CatalogIndex:
    product_ids: tuple[str, ...]
    embeddings: np.ndarray  # (P, D) unit rows
    catalog_fingerprint: str = ""  # of the catalogue table it was built from


INT8_SCALE = 127.0  # unit vectors' components lie in [-1, 1]


def quantise_unit_rows(rows: np.ndarray) -> np.ndarray:
    """Unit rows (N, D) as int8 (component x 127, rounded): a quarter of float32's size, and
    cosine similarities within about 0.01 of the exact ones."""
    return np.round(np.asarray(rows, dtype=np.float32) * INT8_SCALE).astype(np.int8)


def dequantise_unit_rows(rows: np.ndarray) -> np.ndarray:
    return np.asarray(rows, dtype=np.float32) / INT8_SCALE


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


_DEPARTMENTS = {**config.CLASS_DEPARTMENT, **config.PHOTO_CLASS_DEPARTMENT}  # class names differ in case


def photo_tags(probabilities: np.ndarray, class_names: tuple[str, ...], colour: str,
               uncertain_below: float = UNCERTAIN_BELOW) -> tuple[str, ...]:
    """Tags for one photo from its class probabilities (C,) and dominant colour name."""
    best = int(np.argmax(probabilities))
    label = class_names[best]
    tags = [label, _DEPARTMENTS[label], colour]
    if probabilities[best] < uncertain_below:
        tags.append("uncertain")
    return tuple(tags)


def photo_model_batch(model: nn.Module, photos: list[DecodedPhoto]) -> torch.Tensor:
    """PhotoCNN's input (N, 3, S, S) for decoded photos, scaled as its backbone expects."""
    return model_inputs(np.stack([photo_model_input(photo, model.config.image_size) for photo in photos]))


def predict_with_photo_model(model: nn.Module, photos: list[DecodedPhoto], class_names: tuple[str, ...],
                             temperature: float, device: torch.device, reference: np.ndarray | None = None,
                             familiar_above: float = 0.0) -> list[PhotoPrediction]:
    """One calibrated prediction per decoded photo, in one forward pass of an eval-mode PhotoCNN.

    With ``reference`` embeddings (R, D) of the training photos, each prediction also says how
    familiar the photo looks (see the module docstring), and is unsure under ``familiar_above``.
    """
    with torch.inference_mode():
        features = model.features(photo_model_batch(model, photos).to(device))  # (N, 1280)
        probabilities = torch.softmax(model.head(features) / temperature, dim=1).cpu().numpy()  # (N, C)
    embeddings = _unit_rows(features.cpu())
    familiarity = (embeddings @ reference.T).max(1) if reference is not None else [None] * len(photos)  # (N,)
    predictions = []
    for photo, row, embedding, familiar in zip(photos, probabilities, embeddings, familiarity):
        unfamiliar = familiar is not None and bool(familiar < familiar_above)
        colour = product_colour(photo.rgb)
        predictions.append(PhotoPrediction(
            label=class_names[int(np.argmax(row))],
            probabilities={name: float(p) for name, p in zip(class_names, row)},
            tags=photo_tags(row, class_names, colour, UNSURE_BELOW),
            embedding=embedding,
            colour=colour,
            unsure=bool(row.max() < UNSURE_BELOW) or unfamiliar,
            familiarity=None if familiar is None else float(familiar),
            unfamiliar=unfamiliar,
        ))
    return predictions


def classify_photos(trained, photos: list[DecodedPhoto]) -> list[PhotoPrediction]:
    """PhotoCNN's predictions as the app makes them: calibrated, with the familiarity check.

    ``trained``: a loaded PhotoCNN (``vision.trained.TrainedVisionModel``).
    """
    return predict_with_photo_model(trained.model, photos, trained.class_names, trained.temperature,
                                    trained.device, trained.reference_embeddings, trained.familiar_above)


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
            colour=photo.dominant_colour,
        )
        for photo, row, embedding in zip(photos, probabilities, embeddings)
    ]


def catalog_fingerprint() -> str:
    """Identifies the catalogue's products and pictures (a changed catalogue needs a new index)."""
    frame = catalog.load_catalog()
    return fingerprint(frame["product_id"].str.cat(sep=","), frame["image"].str.cat(sep=","))


def build_catalog_index(model: nn.Module, device: torch.device, batch_size: int = 32) -> CatalogIndex:
    """Embed every catalogue product's photo with an eval-mode PhotoCNN."""
    product_ids = tuple(catalog.load_catalog().index)
    embeddings = []
    for start in range(0, len(product_ids), batch_size):
        photos = [decode_photo(catalog.product_picture_path(pid).read_bytes(), name=pid)
                  for pid in product_ids[start:start + batch_size]]
        with torch.inference_mode():
            embeddings.append(model.features(photo_model_batch(model, photos).to(device)).cpu())
    return CatalogIndex(product_ids, _unit_rows(torch.cat(embeddings)), catalog_fingerprint())


def similar_products(index: CatalogIndex, embedding: np.ndarray, k: int = SIMILAR_PRODUCTS) -> pd.DataFrame:
    """The k catalogue products nearest to ``embedding`` (D,) by cosine, most similar first.

    Columns: the catalogue's (product_id, name, category, price, ...) plus ``similarity``.
    """
    similarity = index.embeddings @ embedding  # (P,)
    order = np.argsort(-similarity, kind="stable")[:k]
    nearest = catalog.load_catalog().loc[[index.product_ids[i] for i in order]].copy()
    nearest["similarity"] = similarity[order].astype(float)
    return nearest.reset_index(drop=True)
