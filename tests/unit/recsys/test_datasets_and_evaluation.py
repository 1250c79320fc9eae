import numpy as np
import pytest

from shopdl_core.errors import InputError

from shopdl_core.catalog import load_catalog
from shopdl_core.recsys.datasets import RatingTriples, holdout_split, kfold_splits, movielens_shaped, synthetic_shop
from shopdl_core.recsys.evaluation import alpha_sweep, evaluate_folds


def small_triples():
    shoppers = np.repeat([0, 1, 2], [4, 5, 1])
    products = np.r_[0:4, 0:5, 2]
    return RatingTriples(shoppers, products, np.arange(1, 11) % 5 + 1.0, 3, 5)


def test_holdout_takes_the_fraction_of_each_shopper_rounded_down():
    train, test = holdout_split(small_triples(), 0.5)
    assert np.bincount(test.shoppers, minlength=3).tolist() == [2, 2, 0]
    assert len(train.ratings) + len(test.ratings) == 10
    pairs = set(zip(train.shoppers, train.products)) | set(zip(test.shoppers, test.products))
    assert len(pairs) == 10


def test_kfold_tests_partition_the_ratings():
    data = small_triples()
    tests = [test for _, test in kfold_splits(data, 5)]
    assert sorted(np.concatenate([t.ratings for t in tests]).tolist()) == sorted(data.ratings.tolist())
    assert [len(t.ratings) for t in tests] == [2, 2, 2, 2, 2]


def test_movielens_shaped_has_movielens_100k_shape():
    data = movielens_shaped()
    assert (data.n_shoppers, data.n_products, len(data.ratings)) == (943, 1682, 100_000)
    assert np.bincount(data.shoppers).min() >= 20
    assert len(set(zip(data.shoppers.tolist(), data.products.tolist()))) == 100_000
    assert set(np.unique(data.ratings)) <= {1.0, 2.0, 3.0, 4.0, 5.0}


def test_on_the_synthetic_shop_a_blend_beats_both_signals_alone():
    sweep = alpha_sweep(synthetic_shop(load_catalog())).set_index("alpha")
    best_alpha = sweep["ndcg"].idxmax()
    assert 0.0 < best_alpha < 1.0
    assert sweep.loc[best_alpha, "ndcg"] > max(sweep.loc[0.0, "ndcg"], sweep.loc[1.0, "ndcg"]) + 0.01


def test_evaluate_folds_reports_every_metric_and_needs_features_for_content():
    shop = synthetic_shop(load_catalog(), n_shoppers=120)
    folds = list(kfold_splits(shop.ratings, 3))
    report = evaluate_folds(folds, method="hybrid", k=20, item_features=shop.item_features)
    assert report.folds == 3 and report.seconds > 0
    assert 0.5 < report.rmse < 1.5 and report.mae < report.rmse
    assert all(0 <= value <= 1 for value in (report.precision_at_10, report.recall_at_10, report.ndcg_at_10))
    with pytest.raises(InputError, match="needs item features"):
        evaluate_folds(folds, method="content")
