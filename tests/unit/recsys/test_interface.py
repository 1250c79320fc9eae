"""Every RECOMMENDERS entry keeps the one interface: shapes, rated products left out, cold start,
bad input, the diagonal, the reasons rule and the parts' colours."""

import numpy as np
import pytest

from shopdl_core.catalog import load_catalog
from shopdl_core.errors import InputError
from shopdl_core.recsys.base import SOURCES, RecommenderSettings
from shopdl_core.recsys.content import catalog_item_features
from shopdl_core.recsys.datasets import RatingTriples
from shopdl_core.recsys.ratings import RatingMatrix, item_popularity, user_baselines
from shopdl_core.recsys.recommend import recommend_for_shopper
from shopdl_core.recsys.recommenders import RECOMMENDERS, recommender_class, settings_for
from shopdl_core.ui import charts

N_SHOPPERS, N_PRODUCTS = 24, 12
COLD_SHOPPER, COLD_PRODUCT = N_SHOPPERS - 1, N_PRODUCTS - 1
REASON_KINDS = {"neighbour", "alike", "near", "rater"}


def ratings() -> RatingTriples:
    """Low-rank tastes, 6 ratings per shopper; the last shopper and the last product have none."""
    rng = np.random.default_rng(3)
    taste = rng.normal(size=(N_SHOPPERS, 2)) @ rng.normal(size=(2, N_PRODUCTS))
    stars = np.clip(np.round(3 + taste), 1, 5)
    shoppers = np.repeat(np.arange(N_SHOPPERS - 1), 6)
    products = np.concatenate([rng.choice(N_PRODUCTS - 1, 6, replace=False) for _ in range(N_SHOPPERS - 1)])
    return RatingTriples(shoppers, products, stars[shoppers, products], N_SHOPPERS, N_PRODUCTS)


@pytest.fixture(scope="module")
def features():
    return catalog_item_features(load_catalog(), tuple(load_catalog()["product_id"][:N_PRODUCTS]))


@pytest.fixture(scope="module", params=sorted(RECOMMENDERS))
def fitted(request, features):
    settings = settings_for(request.param, RecommenderSettings(k=5, few_ratings=True))
    return RECOMMENDERS[request.param](settings, features).fit(ratings())


def test_every_entry_has_its_display_strings():
    for name, entry in RECOMMENDERS.items():
        assert entry.name == name and entry.label and entry.help and "\n" not in entry.help
        assert entry.uses <= {"k", "similarity", "shrinkage", "alpha"}


def test_predict_pairs_gives_one_rating_per_pair_on_the_star_scale(fitted):
    users, items = np.repeat(np.arange(N_SHOPPERS), N_PRODUCTS), np.tile(np.arange(N_PRODUCTS), N_SHOPPERS)
    predicted = fitted.predict_pairs(users, items)
    assert predicted.shape == (N_SHOPPERS * N_PRODUCTS,)
    assert np.isfinite(predicted).all() and (predicted >= 1).all() and (predicted <= 5).all()
    assert fitted.predict_pairs(np.array([], dtype=int), np.array([], dtype=int)).shape == (0,)


def test_recommend_leaves_out_rated_products_best_first(fitted):
    for user in (0, 5):
        items, scores = fitted.recommend(user, 4)
        assert len(items) == 4 and not set(items) & set(np.flatnonzero(fitted.values[user]))
        assert list(scores) == sorted(scores, reverse=True)
        np.testing.assert_allclose(scores, fitted.predict_pairs(np.full(4, user), items))
    everything, _ = fitted.recommend(0, 100)
    assert len(everything) == N_PRODUCTS - 6  # all unrated products, no more


def test_explain_splits_the_score_into_known_sources_and_names_valid_evidence(fitted):
    items, scores = fitted.recommend(2, 3)
    for item, score in zip(items, scores):
        explanation = fitted.explain(2, int(item))
        assert explanation.score == pytest.approx(score)
        assert sum(stars for _, stars in explanation.parts) == pytest.approx(score)
        assert {source for source, _ in explanation.parts} <= set(SOURCES)
        assert {reason.kind for reason in explanation.reasons} <= REASON_KINDS and explanation.rests_on


def test_cold_shopper_gets_popular_products_and_a_cold_product_still_gets_a_rating(fitted):
    items, scores = fitted.recommend(COLD_SHOPPER, 3)
    popularity = item_popularity(ratings().to_matrix())
    np.testing.assert_allclose(scores, np.sort(popularity)[::-1][:3])
    assert fitted.explain(COLD_SHOPPER, int(items[0])).parts == (("popularity", scores[0]),)
    assert fitted.summary(COLD_SHOPPER, "Zoe").signal == "popular"
    cold = fitted.predict_pairs(np.arange(N_SHOPPERS - 1), np.full(N_SHOPPERS - 1, COLD_PRODUCT))
    assert np.isfinite(cold).all() and (cold >= 1).all() and (cold <= 5).all()


def test_shopper_similarity_is_square_with_a_diagonal_of_one(fitted):
    similarity = fitted.shopper_similarity()
    assert similarity.shape == (N_SHOPPERS, N_SHOPPERS)
    np.testing.assert_array_equal(np.diag(similarity), 1.0)  # the cold shopper too


@pytest.mark.parametrize("call, message", [
    (lambda model: model.predict_pairs(np.array([0]), np.array([N_PRODUCTS])), "product index"),
    (lambda model: model.predict_pairs(np.array([-1]), np.array([0])), "shopper index"),
    (lambda model: model.predict_pairs(np.array([0, 1]), np.array([0])), "same length"),
    (lambda model: model.recommend(0, 0), "at least 1"),
    (lambda model: model.explain(N_SHOPPERS, 0), "shopper index"),
])
def test_bad_requests_raise_input_error(fitted, call, message):
    with pytest.raises(InputError, match=message):
        call(fitted)


@pytest.mark.parametrize("name", sorted(RECOMMENDERS))
def test_fitting_nothing_or_asking_before_fitting_raises_input_error(name, features):
    model = RECOMMENDERS[name](RecommenderSettings(few_ratings=True), features)
    with pytest.raises(InputError, match="not been fitted"):
        model.recommend(0, 3)
    empty = RatingTriples(np.array([], dtype=int), np.array([], dtype=int), np.array([]), 2, N_PRODUCTS)
    with pytest.raises(InputError, match="no ratings"):
        model.fit(empty)


def test_unknown_method_raises_input_error():
    with pytest.raises(InputError, match="Unknown method 'magic': use one of cf, content, hybrid, mf"):
        recommender_class("magic")


# Ana and Ben agree on P001 and P002; only Ben rated P003; nobody rated P004, a tee like P001.
PRODUCTS = ("P001", "P002", "P003", "P004")
MATRIX = RatingMatrix(("Ana", "Ben"), PRODUCTS, np.array([[5.0, 2.0, 0.0, 0.0], [5.0, 2.0, 4.0, 0.0]]))


def test_at_alpha_one_a_content_stand_in_is_content_in_the_parts_and_its_colour():
    features = catalog_item_features(load_catalog(), PRODUCTS)
    result = recommend_for_shopper(MATRIX, features, "Ana", method="cf", k=1, top_n=2)
    parts = {item.product_id: item.parts for item in result.items}
    assert parts["P003"] == (("collaborative", pytest.approx(parts["P003"][0][1])),)  # Ben rated it
    assert [source for source, _ in parts["P004"]] == ["content"]  # no neighbour did: content stood in
    stand_in = next(item for item in result.items if item.product_id == "P004")
    assert stand_in.rests_on.startswith("No similar shopper rated it")
    assert {reason.kind for reason in stand_in.reasons} == {"alike"}  # what the score really rests on
    spec = charts.score_parts([(item.product_id, item.parts) for item in result.items])
    colour_of = dict(zip(spec["encoding"]["color"]["scale"]["domain"], spec["encoding"]["color"]["scale"]["range"]))
    row = next(row for row in spec["data"]["values"] if row["product"] == "P004")
    assert colour_of[row["from"]] == charts.BLUE and charts.SOURCE_COLOURS["content"] == charts.BLUE


def test_reasons_are_only_evidence_that_pulled_the_score_up(features):
    values = ratings().to_matrix()
    baselines = user_baselines(values)
    for name in ("hybrid", "mf", "autorec"):
        model = RECOMMENDERS[name](settings_for(name, RecommenderSettings(k=5, few_ratings=True)), features)
        model.fit(ratings())
        for user in range(N_SHOPPERS - 1):
            for item in model.recommend(user, 3)[0]:
                for reason in model.explain(user, int(item)).reasons:
                    assert reason.weight > 0  # similarity, likeness or stars added: never negative
                    if reason.kind == "neighbour":  # they rated it above their own average
                        assert reason.rating > baselines[reason.index]
                    if reason.kind in ("alike", "near"):  # a product the shopper liked
                        assert reason.rating > baselines[user]
