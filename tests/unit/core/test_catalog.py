import numpy as np
import pandas as pd

from shopdl_core import catalog, config


def test_shipped_catalog_matches_its_generator():
    with np.load(config.fashion_mnist_dir() / "fashion_mnist_test.npz") as data:
        labels = data["y"]
    rebuilt = catalog.build_catalog(labels)
    shipped = pd.read_csv(config.catalog_path(), dtype={"product_id": str})
    pd.testing.assert_frame_equal(rebuilt, shipped, check_dtype=False)
    pd.testing.assert_frame_equal(catalog.build_demo_ratings(), catalog.load_demo_ratings(), check_dtype=False)


def test_every_product_pictures_its_own_class():
    with np.load(config.fashion_mnist_dir() / "fashion_mnist_test.npz") as data:
        labels = data["y"]
    frame = catalog.load_catalog()
    assert len(frame) == 120 and frame["product_id"].is_unique
    assert (frame.groupby("category").size() == 12).all()
    for row in frame.itertuples():
        assert config.FASHION_CLASSES[labels[row.image_index]] == row.category
        assert row.department == config.CLASS_DEPARTMENT[row.category]
        assert row.colour in catalog.COLOURS
        assert row.price > 0


def test_demo_ratings_are_a_valid_matrix():
    ratings = catalog.load_demo_ratings()
    assert ratings.shape == (8, 12)
    assert set(ratings.columns) <= set(catalog.load_catalog().index)
    values = ratings.to_numpy().ravel()
    known = values[~np.isnan(values)]
    assert ((known >= 1) & (known <= 5)).all()
    assert (ratings.notna().sum(axis=1) >= 3).all()  # every shopper has a taste to explain


def test_product_picture_is_dark_object_on_white():
    picture = np.asarray(catalog.product_picture("P001", size=56))
    assert picture.shape == (56, 56, 3)
    assert picture[0, 0].min() > 240  # corner is background
