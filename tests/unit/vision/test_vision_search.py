"""Tags, embeddings and similar-product search, with hand-checked values."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from shopdl_core import catalog, config
from shopdl_core.registry import build_model
from shopdl_core.vision.search import (
    UNCERTAIN_BELOW,
    CatalogIndex,
    embed_and_classify,
    photo_tags,
    similar_products,
)


def test_tags_name_category_department_colour():
    probabilities = np.zeros(10)
    probabilities[7] = 0.9  # Sneaker
    probabilities[5] = 0.1
    assert photo_tags(probabilities, config.FASHION_CLASSES, "red") == ("Sneaker", "Footwear", "red")


def test_low_confidence_is_tagged_uncertain():
    probabilities = np.full(10, (1 - (UNCERTAIN_BELOW - 0.01)) / 9)
    probabilities[8] = UNCERTAIN_BELOW - 0.01  # Bag, but not sure
    assert photo_tags(probabilities, config.FASHION_CLASSES, "black") == ("Bag", "Bags", "black", "uncertain")


def test_embed_and_classify_gives_unit_embeddings_and_probabilities():
    torch.manual_seed(0)
    model = build_model("ProductCNN").eval()
    pixels = np.random.default_rng(0).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    embeddings, probabilities = embed_and_classify(model, pixels, torch.device("cpu"))
    assert embeddings.shape == (3, 128) and probabilities.shape == (3, 10)
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(probabilities.sum(1), 1.0, rtol=1e-5)


def test_similar_products_are_ranked_by_cosine():
    ids = tuple(catalog.load_catalog().index[:4])
    embeddings = np.array([[1, 0], [0, 1], [0.6, 0.8], [-1, 0]], dtype=np.float32)
    query = np.array([0.8, 0.6], dtype=np.float32)
    nearest = similar_products(CatalogIndex(ids, embeddings), query, k=3)
    # cosines with (0.8, 0.6): 0.8, 0.6, 0.96, -0.8
    assert list(nearest["product_id"]) == [ids[2], ids[0], ids[1]]
    np.testing.assert_allclose(nearest["similarity"], [0.96, 0.8, 0.6], rtol=1e-6)
    assert {"name", "price", "category"} <= set(nearest.columns)
