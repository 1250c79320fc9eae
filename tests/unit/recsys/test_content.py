import numpy as np
import pytest

from shopdl_core.catalog import load_catalog
from shopdl_core.recsys.content import ContentFilter, catalog_item_features

FEATURES = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])


def test_content_prediction_follows_liked_features():
    # One shopper: product 0 rated 5, product 2 rated 1. Global mean 3, so baseline 3 and
    # likes +2 / -2. Product 1 is identical to product 0: 3 + 2 = 5. Product 3 is equally
    # like both: 3 + (0.707 * 2 - 0.707 * 2) / 1.414 = 3. Product 4 shares nothing: no evidence.
    values = np.array([[5.0, 0.0, 1.0, 0.0, 0.0]])
    model = ContentFilter().fit(values, FEATURES)
    prediction = model.predict_pairs(np.zeros(3, dtype=int), np.array([1, 3, 4]))
    np.testing.assert_allclose(prediction.rating, [5.0, 3.0, 3.0])
    np.testing.assert_array_equal(prediction.available, [True, True, False])


def test_liked_items_are_the_similar_products_rated_above_baseline_strongest_first():
    # Global mean 3.5, baseline (10.5 + 3 * 3.5) / 6 = 3.5: products 0 (5) and 1 (4.5) are liked,
    # product 2 (1) is not. For product 3 (like 0 and 1 at 0.707, like 2 at 0.707): 0 pulls most.
    model = ContentFilter().fit(np.array([[5.0, 4.5, 1.0, 0.0, 0.0]]), FEATURES)
    liked = model.liked_items(0, 3)
    assert liked.products.tolist() == [0, 1]
    np.testing.assert_allclose(liked.similarity, [1 / np.sqrt(2), 1 / np.sqrt(2)])
    np.testing.assert_array_equal(liked.ratings, [5.0, 4.5])
    assert model.liked_items(0, 4).products.tolist() == []  # nothing similar: no reason


def test_catalogue_features_weigh_each_block_equally():
    catalog = load_catalog()
    features = catalog_item_features(catalog, ["P181", "P184", "P123"])
    np.testing.assert_allclose(np.linalg.norm(features, axis=1), np.sqrt(5))  # five unit blocks
    unit = features / np.sqrt(5)
    # Yellow Everyday T-Shirt (premium for a tee) vs White Summer T-Shirt (budget): same
    # category and department, other colour and price band; tags {casual basic} vs
    # {summer casual} share one: 1 / sqrt(2 * 2). Average over the five blocks:
    same_category = unit[0] @ unit[1]
    assert same_category == pytest.approx((1 + 1 + 0 + 0 + 1 / np.sqrt(4)) / 5)
    assert unit[0] @ unit[2] < same_category  # a tee is less like shoes than like another tee
