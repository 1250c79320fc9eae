"""What the recommender's words promise: collaborative filtering means one thing everywhere,
undefined ranking metrics are said to be undefined, and bad input at each entry is an InputError."""

import json

import numpy as np
import pytest

from shopdl_core.__main__ import main
from shopdl_core.catalog import load_catalog
from shopdl_core.errors import InputError
from shopdl_core.recsys.content import ContentFilter, catalog_item_features
from shopdl_core.recsys.datasets import RatingTriples
from shopdl_core.recsys.evaluation import evaluate_folds
from shopdl_core.recsys.metrics import ranking_metrics
from shopdl_core.recsys.ratings import RatingMatrix
from shopdl_core.recsys.recommend import recommend_for_shopper
from shopdl_core.recsys.similarity import user_similarity

# Ana and Ben agree on P001 and P002; only Ben rated P003; nobody rated P004, a tee like P001.
PRODUCTS = ("P001", "P002", "P003", "P004")
VALUES = np.array([[5.0, 2.0, 0.0, 0.0], [5.0, 2.0, 4.0, 0.0]])


@pytest.fixture(scope="module")
def features():
    return catalog_item_features(load_catalog(), PRODUCTS)


def test_collaborative_on_the_page_and_in_the_cli_evaluation_predict_the_same(features):
    # The page's "Collaborative": P003 from Ben; P004, which no neighbour rated, from its content.
    page = recommend_for_shopper(RatingMatrix(("Ana", "Ben"), PRODUCTS, VALUES), features, "Ana",
                                 method="cf", k=1, top_n=2)
    scores = {item.product_id: item.score for item in page.items}
    assert "No similar shopper rated one of the 2 products Ana has not rated" in page.note
    assert "the prediction from similar products stands in" in page.note
    # `evaluate recsys --method cf` runs evaluate_folds(method="cf"): same predictions.
    train = RatingTriples(*map(np.array, ([0, 0, 1, 1, 1], [0, 1, 0, 1, 2], [5.0, 2.0, 5.0, 2.0, 4.0])), 2, 4)
    for product, rating in scores.items():
        test = RatingTriples(np.array([0]), np.array([PRODUCTS.index(product)]), np.array([rating]), 2, 4)
        report = evaluate_folds([(train, test)], method="cf", k=1, item_features=features)
        assert report.rmse == pytest.approx(0.0, abs=1e-9), product


def test_ranking_metrics_are_undefined_not_nan_without_a_relevant_held_out_product():
    shoppers, products = np.array([0, 0, 1]), np.array([0, 1, 0])
    assert ranking_metrics(shoppers, products, np.array([3.0, 2.0, 1.0]), np.array([3.0, 1.0, 2.0])) is None
    train = RatingTriples(np.array([0, 1]), np.array([1, 1]), np.array([3.0, 3.0]), 2, 2)
    test = RatingTriples(np.array([0, 1]), np.array([0, 0]), np.array([2.0, 3.0]), 2, 2)
    report = evaluate_folds([(train, test)], method="cf", k=1)
    assert report.ranked_folds == 0 and report.precision_at_10 is None and report.ndcg_at_10 is None
    assert np.isfinite(report.rmse)


def test_cli_says_when_ranking_metrics_are_undefined(tmp_path, capsys):
    folder = tmp_path / "ml"
    folder.mkdir()
    (folder / "u.data").write_text("".join(f"{u}\t{i}\t{2 + (u + i) % 2}\t0\n" for u in (1, 2, 3) for i in (1, 2, 3)))
    assert main(["evaluate", "recsys", "--movielens", str(folder), "--folds", "2", "--k", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ranked_folds"] == 0 and report["ndcg_at_10"] is None  # null, never NaN
    assert main(["evaluate", "recsys", "--movielens", str(folder), "--folds", "2", "--k", "2"]) == 0
    assert "ndcg_at_10       undefined: no held-out product rated 4 or more" in capsys.readouterr().out


def test_unknown_product_ids_raise_input_error():
    with pytest.raises(InputError, match="Unknown product ids 'P999', 'X1': the catalogue has no such product"):
        catalog_item_features(load_catalog(), ["P001", "P999", "X1"])


def test_recommendations_without_item_features_raise_input_error():
    with pytest.raises(InputError, match="need the products' features"):
        recommend_for_shopper(RatingMatrix(("Ana", "Ben"), PRODUCTS, VALUES), None, "Ana")


def test_item_features_of_the_wrong_shape_raise_input_error(features):
    with pytest.raises(InputError, match="one row per product \\(4 rows\\)"):
        ContentFilter().fit(VALUES, features[:3])


def test_unknown_similarity_raises_input_error_instead_of_meaning_pearson():
    with pytest.raises(InputError, match="Unknown similarity 'jaccard': use one of pearson, cosine"):
        user_similarity(VALUES, VALUES.mean(axis=1), "jaccard")
