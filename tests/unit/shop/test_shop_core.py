"""The shop's core: products and their names, reviews matched to products, the aspect summary,
the visitor's signals as a ratings row, and the recommendations they feed."""

import numpy as np
import pandas as pd
import pytest

from shopdl_core import config
from shopdl_core.errors import InputError
from shopdl_core.i18n import set_language
from shopdl_core.shop import aspects, catalogue, reviews, signals
from shopdl_core.shop.recommend import also_liked, recommended_for_visitor


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def test_names_are_composed_from_their_parts_in_each_language():
    dress = catalogue.find_product("P001")
    assert dress.name() == "Black Everyday Dress"  # the catalogue's own English name
    set_language("zh")
    assert dress.name() == "黑色日常连衣裙"
    names = [product.name() for product in catalogue.shop_products()]
    assert len(set(names)) == len(names) == 200  # the numbering keeps them apart in Chinese too


@pytest.mark.parametrize("bad", ["P999", "p001", "P01", "<script>", "", None, 5, "P001; drop", "x" * 5000])
def test_unknown_or_malformed_ids_are_input_errors(bad):
    with pytest.raises(InputError):
        catalogue.find_product(bad)


def test_filters_and_storefront_order():
    first = catalogue.filter_products()[:10]
    assert sorted(p.kind for p in first) == sorted(config.PHOTO_CLASSES)  # one of each kind first
    cheap_red = catalogue.filter_products(["dress", "skirt"], ["red"], (0.0, 80.0))
    assert cheap_red and all(p.kind in ("dress", "skirt") and p.colour == "red" and p.price <= 80 for p in cheap_red)
    with pytest.raises(InputError):
        catalogue.filter_products(price=(90.0, 10.0))


def test_each_product_of_a_matching_kind_has_one_garments_reviews():
    shipped = pd.read_csv(reviews.product_reviews_path(), dtype={"product_id": str})
    kinds = {p.product_id: p.kind for p in catalogue.shop_products()}
    with_reviews = set(shipped["product_id"])
    assert {kinds[pid] for pid in with_reviews} == {k for k, classes in reviews.REVIEW_CLASSES.items() if classes}
    assert reviews.products_with_reviews() == len(with_reviews) == 160
    per_product = shipped.groupby("product_id")
    assert (per_product["clothing_id"].nunique() == 1).all()
    assert per_product.size().between(reviews.MIN_REVIEWS, reviews.REVIEWS_PER_PRODUCT).all()
    for pid, rows in per_product:
        assert set(rows["review_class"]) <= set(reviews.REVIEW_CLASSES[kinds[pid]])
    assert reviews.reviews_for("P021") == ()  # a hat
    assert reviews.garment_of("P021") is None


def test_assignment_is_seeded_and_uses_distinct_garments_where_there_are_enough():
    raw = pd.read_csv(config.reviews_path())
    first, again = reviews.assign_garments(raw), reviews.assign_garments(raw)
    assert first == again and reviews.assign_garments(raw, seed=1) != first
    kinds = {p.product_id: p.kind for p in catalogue.shop_products()}
    for kind in ("dress", "pants", "skirt", "outwear"):
        garments = [g for pid, g in first.items() if kinds[pid] == kind]
        assert len(set(garments)) == len(garments) == 20


def test_sentences_and_aspects_in_both_languages():
    assert aspects.split_sentences("Runs small. Love the colour!  尺码偏小。颜色很好看！") == [
        "Runs small.", "Love the colour!", "尺码偏小。", "颜色很好看！"]
    assert aspects.sentence_aspects("The fabric is thin but it fits and the price is right") == ("fit", "quality", "price")
    assert aspects.sentence_aspects("面料很舒服") == ("quality", "comfort")
    assert aspects.sentence_aspects("Lovely!") == ()
    assert aspects.sentence_aspects("outfit") == ()  # whole English words only


def test_aspect_summary_counts_praise_and_complaints():
    sentences = ["The fabric is soft.", "The fabric pills.", "It fits.", "Cheap fabric, too tight."]
    counts = {c.aspect: c for c in aspects.aspect_summary(sentences, [0.9, 0.2, 0.7, 0.1])}
    assert (counts["quality"].praise, counts["quality"].complaints) == (1, 2)
    assert counts["quality"].example_complaint == "Cheap fabric, too tight."  # the most negative
    assert (counts["fit"].praise, counts["fit"].complaints) == (1, 1)
    assert (counts["price"].praise, counts["price"].complaints) == (0, 0)
    assert counts["colour"].example_praise is None


def test_stars_and_needs_reply():
    assert aspects.star_distribution([5, 5, 1, None, 3]) == {5: 2, 4: 0, 3: 1, 2: 0, 1: 1}
    assert aspects.needs_reply_order([0.9, 0.1, 0.4, 0.05, 0.5]) == [3, 1, 2]


def test_signals_become_a_ratings_row_of_stated_strengths():
    given = signals.with_signal({}, "P002", "view")
    given = signals.with_signal(given, "P002", "like")
    given = signals.with_signal(given, "P003", "view")
    given = signals.with_signal(given, "P004", "bag")
    row = signals.visitor_ratings_row(given, ["P001", "P002", "P003", "P004"])
    np.testing.assert_array_equal(row, [0.0, 4.5, 3.5, 5.0])
    assert signals.visitor_ratings_row(given, ["P003"]).tolist() == [3.5]  # a matrix over fewer products
    unliked = signals.without_signal(given, "P002", "like")
    assert unliked["P002"] == {"view"} and given["P002"] == {"view", "like"}  # copies, not edits
    assert "P004" not in signals.without_signal(given, "P004", "bag")
    with pytest.raises(InputError):
        signals.with_signal({}, "P001", "purchase")


def test_cold_visitor_gets_popular_products_and_a_warm_one_follows_taste():
    cold = recommended_for_visitor({})
    assert len(cold) == 10 and {pick.system for pick in cold} == {"popular"}
    liked = {pid: frozenset({"view", "like"}) for pid in ("P001", "P005", "P009")}
    warm = recommended_for_visitor(liked)
    assert not {pick.product_id for pick in warm} & set(liked)
    kinds = [catalogue.find_product(pick.product_id).kind for pick in warm]
    # Measured: 8 of 10 are dresses (content filtering's places); floor 7, one below.
    assert kinds.count("dress") >= 7
    assert {pick.system for pick in warm} == {"content", "collaborative"}
    # A content pick names the liked product behind it when one pulled its score up (the
    # recommenders give only such reasons); most do.
    content = [pick for pick in warm if pick.system == "content"]
    assert all(pick.because_of in liked for pick in content if pick.because_of is not None)
    assert sum(pick.because_of is not None for pick in content) >= len(content) - 2


def test_also_liked_comes_from_shoppers_who_rated_the_product():
    picks = also_liked("P001")
    assert len(picks) == 5 and "P001" not in {pick.product_id for pick in picks}
    assert any(pick.system == "collaborative" and pick.neighbours > 0 for pick in picks)
    with pytest.raises(InputError):
        also_liked("P1000")


def test_the_visitor_joins_a_matrix_only_with_signals_on_its_products():
    import numpy as np
    import pytest

    from shopdl_core.errors import InputError
    from shopdl_core.recsys.ratings import RatingMatrix
    from shopdl_core.shop.signals import with_visitor_row

    matrix = RatingMatrix(("Ana",), ("P1", "P2"), np.array([[5.0, 0.0]]))
    assert with_visitor_row(matrix, {"P9": frozenset({"like"})}, "you") is matrix
    joined = with_visitor_row(matrix, {"P2": frozenset({"view", "bag"})}, "you")
    assert joined.shoppers == ("Ana", "you") and joined.values[1].tolist() == [0.0, 5.0]
    with pytest.raises(InputError, match="already called"):
        with_visitor_row(matrix, {"P2": frozenset({"like"})}, "Ana")
