"""Measuring the image models on real photos: PhotoCNN's accuracy and calibration, its
similar-product search, and the Fashion-MNIST CNNs on the same photos through their silhouettes.

The Fashion-MNIST classes map onto the photo classes only where the meaning is clear
(``FASHION_TO_PHOTO``): a "T-shirt/top" may be a t-shirt or a long-sleeve, any of the three
footwear classes is "shoes", and "Bag" is none of them. Hats, shorts and skirts have no
Fashion-MNIST class, so the silhouette models are measured on the other seven kinds only.
"""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image

from shopdl_core import catalog, config
from shopdl_core.errors import InputError
from shopdl_core.vision.photos import PhotoSet
from shopdl_core.vision.preprocess import decode_photo, prepare_product_photo
from shopdl_core.vision.search import (SIMILAR_PRODUCTS, UNSURE_BELOW, CatalogIndex, photo_model_batch,
                                       predict_photos, predict_with_photo_model)

# Photo class -> the Fashion-MNIST classes that count as naming it. Long-sleeves may be read
# as any top; shoes as any footwear.
FASHION_TO_PHOTO: dict[str, tuple[str, ...]] = {
    "dress": ("Dress",),
    "longsleeve": ("Pullover", "T-shirt/top", "Shirt"),
    "outwear": ("Coat",),
    "pants": ("Trouser",),
    "shirt": ("Shirt",),
    "shoes": ("Sandal", "Sneaker", "Ankle boot"),
    "t-shirt": ("T-shirt/top",),
}
RECOMPRESS_QUALITY = 70
RESIZE_FACTOR = 0.6
CROP_SHARE = 0.10


def photo_logits(model: torch.nn.Module, photos: PhotoSet, device: torch.device, batch_size: int = 64) -> torch.Tensor:
    """Uncalibrated logits (N, C) of an eval-mode PhotoCNN on a photo set."""
    outputs = []
    with torch.inference_mode():
        for start in range(0, len(photos), batch_size):
            batch = photo_model_batch(model, list(photos.photos[start:start + batch_size]))
            outputs.append(model(batch.to(device)).cpu())
    return torch.cat(outputs)


FAMILIAR_PERCENTILE = 2.5  # of the dev photos' nearest-neighbour similarity to the training photos


def photo_embeddings(model: torch.nn.Module, photos: PhotoSet, device: torch.device) -> np.ndarray:
    """Unit embeddings (N, 1280) of a photo set by an eval-mode PhotoCNN."""
    embeddings = []
    with torch.inference_mode():
        for start in range(0, len(photos), 64):
            features = model.features(photo_model_batch(model, list(photos.photos[start:start + 64])).to(device))
            embeddings.append(torch.nn.functional.normalize(features.cpu(), dim=1).numpy())
    return np.concatenate(embeddings)


def familiarity(embeddings: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Each embedding's cosine similarity to its nearest reference embedding, (N,)."""
    return (embeddings @ reference.T).max(1)


def unsure_share(logits: torch.Tensor, labels: np.ndarray, temperature: float,
                 unfamiliar: np.ndarray | None = None) -> dict[str, float]:
    """How many calibrated predictions are unsure (under UNSURE_BELOW, or unfamiliar), and how
    often those were right."""
    probabilities = torch.softmax(logits / temperature, 1)
    unsure = (probabilities.max(1).values < UNSURE_BELOW).numpy()
    if unfamiliar is not None:
        unsure = unsure | unfamiliar
    correct = probabilities.argmax(1).numpy() == labels
    return {"unsure_share": float(unsure.mean()),
            "unsure_accuracy": float(correct[unsure].mean()) if unsure.any() else None,
            "sure_accuracy": float(correct[~unsure].mean()) if (~unsure).any() else None}


def precision_at_k(index: CatalogIndex, embeddings: np.ndarray, labels: np.ndarray, k: int = SIMILAR_PRODUCTS) -> float:
    """Mean share of each query's k nearest catalogue products that are of the query's class."""
    categories = catalog.load_catalog().loc[list(index.product_ids), "category"].to_numpy()
    class_index = {name: i for i, name in enumerate(config.PHOTO_CLASSES)}
    product_classes = np.array([class_index[c] for c in categories])
    nearest = np.argsort(-(embeddings @ index.embeddings.T), axis=1, kind="stable")[:, :k]  # (N, k)
    return float((product_classes[nearest] == labels[:, None]).mean())


def altered_copy(data: bytes, rng: np.random.Generator) -> bytes:
    """A product photo as a shopper might upload it again: cropped by 10 % (a random window of
    90 % of each side), resized to 60 % and recompressed as JPEG at quality 70."""
    with Image.open(io.BytesIO(data)) as picture:
        picture = picture.convert("RGB")
    width, height = picture.size
    left = rng.uniform(0, CROP_SHARE * width)
    top = rng.uniform(0, CROP_SHARE * height)
    box = (left, top, left + (1 - CROP_SHARE) * width, top + (1 - CROP_SHARE) * height)
    size = (max(16, round(width * RESIZE_FACTOR)), max(16, round(height * RESIZE_FACTOR)))
    altered = picture.resize(size, Image.Resampling.BILINEAR, box=box)
    buffer = io.BytesIO()
    altered.save(buffer, "JPEG", quality=RECOMPRESS_QUALITY)
    return buffer.getvalue()


def rank1_hit_rate(model: torch.nn.Module, index: CatalogIndex, class_names: tuple[str, ...],
                   device: torch.device, seed: int = config.SEED) -> float:
    """Share of catalogue photos whose altered copy finds the same product first."""
    rng = np.random.default_rng(seed)
    hits = 0
    for position, product_id in enumerate(index.product_ids):
        data = altered_copy(catalog.product_picture_path(product_id).read_bytes(), rng)
        prediction = predict_with_photo_model(model, [decode_photo(data)], class_names, 1.0, device)[0]
        hits += int(np.argmax(index.embeddings @ prediction.embedding) == position)
    return hits / len(index.product_ids)


def search_metrics(model: torch.nn.Module, index: CatalogIndex, class_names: tuple[str, ...],
                   photos: PhotoSet, device: torch.device) -> dict[str, float]:
    return {"precision_at_6": precision_at_k(index, photo_embeddings(model, photos, device), photos.labels),
            "rank1_hit_rate": rank1_hit_rate(model, index, class_names, device)}


def silhouette_accuracy(model: torch.nn.Module, class_names: tuple[str, ...], photos: PhotoSet,
                        device: torch.device) -> dict[str, float | int]:
    """A Fashion-MNIST CNN on real photos of the seven kinds it has a class for, through the
    28 x 28 silhouette, counted right when its class maps to the photo's (FASHION_TO_PHOTO).
    A photo whose silhouette cannot be made (no contrast) counts as wrong."""
    right = total = refused = 0
    for photo, label in zip(photos.photos, photos.labels):
        kind = config.PHOTO_CLASSES[label]
        if kind not in FASHION_TO_PHOTO:
            continue
        total += 1
        try:
            prepared = prepare_product_photo(photo)
        except InputError:
            refused += 1
            continue
        predicted = predict_photos(model, [prepared], class_names, device)[0].label
        right += int(predicted in FASHION_TO_PHOTO[kind])
    return {"real_photo_accuracy": right / max(total, 1), "real_photos": total, "no_silhouette": refused}
