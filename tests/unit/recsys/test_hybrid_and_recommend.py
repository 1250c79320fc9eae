import numpy as np
import pytest

from shopdl_core.catalog import load_catalog, load_demo_ratings
from shopdl_core.errors import InputError
from shopdl_core.recsys.collaborative import SignalPrediction
from shopdl_core.recsys.content import catalog_item_features
from shopdl_core.recsys.base import RecommenderSettings
from shopdl_core.recsys.hybrid import Collaborative, ContentBased, Hybrid, blend_parts
from shopdl_core.recsys.ratings import RatingMatrix
from shopdl_core.recsys.recommend import recommend_for_shopper


@pytest.fixture(scope="module")
def demo():
    frame = load_demo_ratings()
    matrix = RatingMatrix(tuple(frame.index), tuple(frame.columns), frame.fillna(0.0).to_numpy())
    return matrix, catalog_item_features(load_catalog(), matrix.product_ids)


def test_blend_fills_each_signal_from_the_other_and_mixes_on_the_star_scale():
    cf = SignalPrediction(np.array([4.0, 3.0, 2.0]), np.array([True, False, True]))
    content = SignalPrediction(np.array([2.0, 5.0, 3.0]), np.array([True, True, False]))
    parts = blend_parts(cf, content)
    np.testing.assert_array_equal(parts.cf, [4.0, 5.0, 2.0])
    np.testing.assert_array_equal(parts.content, [2.0, 5.0, 2.0])
    np.testing.assert_allclose(parts.blend(0.25), [0.25 * 4 + 0.75 * 2, 5.0, 2.0])


@pytest.mark.parametrize("shopper", ["Ana", "Chloe", "Farid", "Hugo"])
def test_alpha_one_ranks_as_collaborative_and_alpha_zero_as_content(demo, shopper):
    matrix, features = demo
    def ranking(method, alpha):
        result = recommend_for_shopper(matrix, features, shopper, method=method, alpha=alpha, k=3, top_n=12)
        return [(item.product_id, item.score) for item in result.items]
    assert ranking("hybrid", 1.0) == ranking("cf", 0.3)
    assert ranking("hybrid", 0.0) == ranking("content", 0.9)
    assert ranking("hybrid", 0.5) != ranking("cf", 0.5)


def test_recommendations_skip_rated_products_and_give_reasons(demo):
    matrix, features = demo
    result = recommend_for_shopper(matrix, features, "Ana", method="hybrid", alpha=0.5, k=3, top_n=8)
    rated = {pid for pid, value in zip(matrix.product_ids, matrix.values[0]) if value > 0}
    assert len(result.items) == 6  # Ana rated 6 of the 12
    assert not rated & {item.product_id for item in result.items}
    scores = [item.score for item in result.items]
    assert scores == sorted(scores, reverse=True)
    sport_shorts = next(item for item in result.items if item.product_id == "P143")
    # Ben (Ana's sport twin) rated the sport shorts 5; Ana's best content match is a sport item she rated 5.
    neighbours = [r for r in sport_shorts.reasons if r.kind == "neighbour"]
    alike = [r for r in sport_shorts.reasons if r.kind == "alike"]
    assert neighbours[0].name == "Ben" and neighbours[0].rating == 5.0
    assert alike[0].rating == 5.0
    assert [source for source, _ in sport_shorts.parts] == ["collaborative", "content"]
    assert sport_shorts.score == pytest.approx(sum(stars for _, stars in sport_shorts.parts))


def test_shopper_without_ratings_gets_popular_products():
    matrix = RatingMatrix(("Ana", "Ben", "Zoe"), ("P001", "P002", "P003"),
                          np.array([[5.0, 2.0, 0.0], [5.0, 0.0, 4.0], [0.0, 0.0, 0.0]]))
    features = catalog_item_features(load_catalog(), matrix.product_ids)
    result = recommend_for_shopper(matrix, features, "Zoe", top_n=3)
    assert result.signal == "popular" and "has not rated anything" in result.note
    # damped means (damping 5, global mean 4): P001 (10 + 20) / 7, P002 22 / 6, P003 24 / 6
    assert [item.product_id for item in result.items] == ["P001", "P003", "P002"]
    assert result.items[0].score == pytest.approx(30 / 7)


def test_neighbours_who_rated_nothing_new_fall_back_to_content():
    # Ben agrees with Ana but rated only what Ana rated: collaborative filtering has no evidence.
    matrix = RatingMatrix(("Ana", "Ben"), ("P001", "P002", "P086"),
                          np.array([[5.0, 0.0, 0.0], [5.0, 0.0, 0.0]]))
    features = catalog_item_features(load_catalog(), matrix.product_ids)
    result = recommend_for_shopper(matrix, features, "Ana", method="cf", top_n=2)
    assert result.signal == "content" and "falls back to similar products" in result.note
    assert [item.product_id for item in result.items] == ["P002", "P086"]  # another dress before trousers


@pytest.mark.parametrize("kwargs, message", [
    ({"shopper": "Nobody"}, "no shopper called 'Nobody'"),
    ({"method": "magic"}, "Unknown method"),
    ({"alpha": 1.5}, "alpha must be between 0"),
    ({"top_n": 0}, "at least 1"),
    ({"k": 0}, "at least 1"),
])
def test_bad_requests_raise_input_error(demo, kwargs, message):
    matrix, features = demo
    with pytest.raises(InputError, match=message):
        recommend_for_shopper(matrix, features, **{"shopper": "Ana", **kwargs})


def test_only_the_hybrid_reads_alpha():
    features = np.ones((3, 2))
    assert Collaborative(RecommenderSettings(alpha=0.2), features).alpha == 1.0
    assert ContentBased(RecommenderSettings(alpha=0.7), features).alpha == 0.0
    assert Hybrid(RecommenderSettings(alpha=0.25), features).alpha == 0.25
