import numpy as np
import pandas as pd
from PIL import Image

from shopdl_core import catalog, catalog_build, config
from shopdl_core.vision.colour import PALETTE


def _shipped_picture_rows(frame: pd.DataFrame) -> dict[str, list[tuple[str, str, str]]]:
    return {category: [(row.image, row.source, row.colour, catalog_build.line_of_tags(row.tags))
                       for row in group.itertuples()]
            for category, group in frame.groupby("category", sort=False)}


def test_shipped_catalog_matches_its_generator():
    shipped = pd.read_csv(config.catalog_path(), dtype={"product_id": str})
    rebuilt = catalog_build.build_catalog(_shipped_picture_rows(shipped))
    pd.testing.assert_frame_equal(rebuilt, shipped, check_dtype=False)
    pd.testing.assert_frame_equal(catalog_build.build_demo_ratings(shipped), catalog.load_demo_ratings(), check_dtype=False)


def test_every_product_has_a_real_photo_of_its_class():
    frame = catalog.load_catalog()
    assert len(frame) >= 150 and frame["product_id"].is_unique and frame["name"].is_unique
    assert set(frame["category"]) == set(config.PHOTO_CLASSES)
    assert (frame.groupby("category").size() == catalog.PRODUCTS_PER_CLASS).all()
    for row in frame.itertuples():
        assert row.department == config.PHOTO_CLASS_DEPARTMENT[row.category]
        assert row.colour in PALETTE
        assert row.price > 0
        assert row.source.startswith(row.category + "/")  # drawn from its own class folder
        with Image.open(catalog.catalog_pictures_dir() / row.image) as picture:
            assert max(picture.size) <= catalog_build.PICTURE_SIDE and min(picture.size) >= 64


def test_colour_column_is_read_from_the_shipped_picture_unless_people_named_another():
    frame = catalog.load_catalog()
    named = catalog_build.named_by_eye()
    for row in frame.iloc[::17].itertuples():
        assert catalog_build.catalogue_colour(catalog.catalog_pictures_dir() / row.image, row.source, named) == row.colour


def test_every_product_named_by_eye_carries_a_colour_people_gave_it():
    named = catalog_build.named_by_eye()
    frame = catalog.load_catalog()
    assert set(frame["source"]) == set(named)  # all 200 of the catalogue's photos were named
    for row in frame.itertuples():
        assert row.colour in named[row.source], (row.Index, row.name, row.colour, named[row.source])


def test_the_readers_colour_stands_unless_people_named_another():
    assert catalog_build.shop_colour("navy", ("black", "navy")) == "navy"  # an acceptable reading is kept
    assert catalog_build.shop_colour("grey", ("brown", "")) == "brown"  # a wrong one gives way to the label
    assert catalog_build.shop_colour("grey", None) == "grey"  # a photo nobody named keeps the reading


def test_demo_ratings_are_a_valid_matrix():
    ratings = catalog.load_demo_ratings()
    assert ratings.shape == (8, 12)
    assert set(ratings.columns) <= set(catalog.load_catalog().index)
    values = ratings.to_numpy().ravel()
    known = values[~np.isnan(values)]
    assert ((known >= 1) & (known <= 5)).all()
    assert (ratings.notna().sum(axis=1) >= 3).all()  # every shopper has a taste to explain


def test_demo_products_carry_the_tastes_the_shoppers_have():
    frame = catalog.load_catalog()
    ids = catalog.load_demo_ratings().columns
    assert all("sport" in frame.loc[i, "tags"] for i in ids[:4])
    assert all("formal" in frame.loc[i, "tags"] for i in ids[4:8])
    assert all("summer" in frame.loc[i, "tags"] for i in ids[8:])


def test_product_picture_is_a_padded_square():
    picture = np.asarray(catalog.product_picture("P001", size=56))
    assert picture.shape == (56, 56, 3)
    assert picture.std() > 10  # a photo, not a blank square


def test_the_runtime_catalogue_imports_no_vision_code():
    import subprocess
    import sys

    code = "import sys, shopdl_core.catalog; print(any(m.startswith('shopdl_core.vision') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_a_second_product_of_one_colour_and_line_is_numbered():
    rows = {category: [] for category in config.PHOTO_CLASSES}
    rows["hat"] = [("a.jpg", "hat/a.jpg", "red", "Sport"), ("b.jpg", "hat/b.jpg", "red", "Sport"),
                   ("c.jpg", "hat/c.jpg", "multicolour", "Sport")]
    names = catalog_build.build_catalog(rows)["name"].tolist()
    assert names == ["Red Sport Hat", "Red Sport Hat II", "Multicolour Sport Hat"]
