"""Matrix factorisation: gradient steps, the biases' closed form, seeding, and fold hygiene."""

import json

import numpy as np
import pytest

from shopdl_core.__main__ import main
from shopdl_core.catalog import load_catalog, load_demo_ratings
from shopdl_core.errors import InputError
from shopdl_core.recsys import factorisation
from shopdl_core.recsys.datasets import RatingTriples, kfold_splits
from shopdl_core.recsys.evaluation import evaluate_folds
from shopdl_core.recsys.content import catalog_item_features
from shopdl_core.recsys.factorisation import FactorisationConfig, train_factorisation
from shopdl_core.recsys.factorisation_recommender import MIN_NEAR
from shopdl_core.recsys.ratings import RatingMatrix, user_baselines
from shopdl_core.recsys.recommend import fit_recommender, page_settings, recommend_for_shopper


def random_ratings(n_shoppers=30, n_products=20, per_shopper=12, seed=0) -> RatingTriples:
    """Each shopper rates ``per_shopper`` distinct products; low-rank tastes plus noise, 1-5 stars."""
    rng = np.random.default_rng(seed)
    products = np.concatenate([rng.choice(n_products, per_shopper, replace=False) for _ in range(n_shoppers)])
    shoppers = np.repeat(np.arange(n_shoppers), per_shopper)
    taste = rng.normal(size=(n_shoppers, 2)) @ rng.normal(size=(2, n_products))
    stars = np.clip(np.round(3 + taste + rng.normal(scale=0.5, size=taste.shape)), 1, 5)
    return RatingTriples(shoppers, products, stars[shoppers, products], n_shoppers, n_products)


def test_gradient_steps_lower_the_training_loss():
    history = train_factorisation(random_ratings(), FactorisationConfig(factors=4, regularisation=1.0,
                                                                         learning_rate=0.05, epochs=30)).history
    assert history[1].loss < history[0].loss
    assert history[-1].loss < 0.7 * history[0].loss
    assert history[-1].train_rmse < history[0].train_rmse


def test_the_biases_alone_reproduce_the_closed_form_baseline():
    data, regularisation = random_ratings(), 2.0
    fitted = train_factorisation(data, FactorisationConfig(factors=0, regularisation=regularisation,
                                                           learning_rate=0.05, epochs=2000))
    # Ridge regression of (r - mean) on one-hot shopper and product indicators: (N, U + I).
    design = np.zeros((len(data.ratings), data.n_shoppers + data.n_products))
    design[np.arange(len(data.ratings)), data.shoppers] = 1.0
    design[np.arange(len(data.ratings)), data.n_shoppers + data.products] = 1.0
    mean = data.ratings.mean()
    biases = np.linalg.solve(design.T @ design + regularisation * np.eye(design.shape[1]),
                             design.T @ (data.ratings - mean))
    assert fitted.mean == pytest.approx(mean)
    np.testing.assert_allclose(fitted.shopper_bias, biases[: data.n_shoppers], atol=2e-3)
    np.testing.assert_allclose(fitted.product_bias, biases[data.n_shoppers:], atol=2e-3)
    expected = np.clip(mean + design @ biases, 1, 5)
    np.testing.assert_allclose(fitted.predict_pairs(data.shoppers, data.products), expected, atol=5e-3)


def test_the_same_seed_gives_identical_runs_and_another_seed_does_not():
    data, settings = random_ratings(), FactorisationConfig(factors=3, epochs=20)
    first, second = train_factorisation(data, settings), train_factorisation(data, settings)
    np.testing.assert_array_equal(first.product_factors, second.product_factors)
    np.testing.assert_array_equal(first.shopper_bias, second.shopper_bias)
    assert first.history == second.history
    other = train_factorisation(data, FactorisationConfig(factors=3, epochs=20, seed=1))
    assert not np.array_equal(first.product_factors, other.product_factors)


def test_a_folds_test_ratings_are_never_seen_in_tuning_or_training(monkeypatch):
    data = random_ratings(per_shopper=16)
    seen = []

    def spy(train, settings=FactorisationConfig(), **kwargs):
        validation = kwargs.get("validation")
        seen.append({*zip(train.shoppers, train.products)}
                    | ({*zip(validation.shoppers, validation.products)} if validation is not None else set()))
        return real(train, settings, **kwargs)

    real = factorisation.train_factorisation
    monkeypatch.setattr(factorisation, "train_factorisation", spy)
    folds = list(kfold_splits(data, 3))
    report = evaluate_folds(folds, method="mf")
    assert report.folds == 3 and np.isfinite(report.rmse)
    runs_per_fold = len(factorisation.FACTOR_GRID) * len(factorisation.REGULARISATION_GRID) + 1
    assert len(seen) == 3 * runs_per_fold
    for fold, (train, test) in enumerate(folds):
        training_pairs = {*zip(train.shoppers, train.products)}
        for pairs in seen[fold * runs_per_fold:(fold + 1) * runs_per_fold]:
            assert pairs <= training_pairs
            assert not pairs & {*zip(test.shoppers, test.products)}
        assert seen[(fold + 1) * runs_per_fold - 1] == training_pairs  # the refit uses all of training


@pytest.mark.parametrize("bad", [dict(epochs=0), dict(factors=-1), dict(regularisation=-0.1),
                                 dict(learning_rate=0.0), dict(epochs=2.5)])
def test_bad_settings_raise_input_error(bad):
    with pytest.raises(InputError):
        train_factorisation(random_ratings(), FactorisationConfig(**bad))


def test_stop_ends_training_between_epochs():
    stop = factorisation.threading.Event()
    fitted = train_factorisation(random_ratings(), FactorisationConfig(epochs=50),
                                 on_epoch=lambda m: stop.set() if m.epoch == 3 else None, stop=stop)
    assert len(fitted.history) == 3


def test_nearest_products_rank_by_cosine_of_the_learned_vectors():
    fitted = train_factorisation(random_ratings(), FactorisationConfig(factors=2, epochs=1))
    vectors = np.array([[1.0, 0.0], [-0.5, 1.0], [0.9, 0.1], [0.0, 0.0]])
    fitted = factorisation.replace(fitted, product_factors=vectors)
    order, similarity = fitted.nearest_products(0, np.array([1, 2, 3]))
    assert order.tolist() == [2, 3, 1]
    assert similarity[0] == pytest.approx(0.9 / np.hypot(0.9, 0.1)) and similarity[1] == 0.0


def test_cli_evaluates_mf_on_movielens_files_with_the_same_keys(tmp_path, capsys):
    data = random_ratings(per_shopper=16)
    folder = tmp_path / "ml"
    folder.mkdir()
    (folder / "u.data").write_text("".join(f"{u + 1}\t{i + 1}\t{r:g}\t881250949\n"
                                           for u, i, r in zip(data.shoppers, data.products, data.ratings)))
    assert main(["evaluate", "recsys", "--movielens", str(folder), "--method", "mf", "--folds", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"rmse", "mae", "precision_at_10", "recall_at_10", "ndcg_at_10", "seconds", "folds",
                           "ranked_folds"}
    assert report["folds"] == 2 and 0 < report["rmse"] < 1.5


def test_learned_recommendations_rank_unrated_products_and_name_only_liked_products_near_them():
    demo = load_demo_ratings()
    matrix = RatingMatrix(tuple(demo.index), tuple(demo.columns), demo.fillna(0.0).to_numpy())
    features = catalog_item_features(load_catalog(), matrix.product_ids)
    fitted = fit_recommender("mf", matrix.values, features, page_settings())
    liked = {pid for pid, value, baseline in zip(matrix.product_ids, matrix.values[0],
                                                 np.full(12, user_baselines(matrix.values)[0])) if value > baseline}
    result = recommend_for_shopper(matrix, features, matrix.shoppers[0], method="mf", top_n=4, fitted=fitted)
    assert result.signal == "learned" and len(result.items) == 4
    rated = {pid for pid, value in zip(matrix.product_ids, matrix.values[0]) if value > 0}
    assert not {item.product_id for item in result.items} & rated
    assert [item.score for item in result.items] == sorted((item.score for item in result.items), reverse=True)
    for item in result.items:
        assert item.parts == (("learned", item.score),)
        assert {near.name for near in item.reasons} <= liked  # never a product the shopper disliked
        assert all(near.kind == "near" and near.weight >= MIN_NEAR for near in item.reasons)
        assert [n.weight for n in item.reasons] == sorted((n.weight for n in item.reasons), reverse=True)
        assert item.rests_on.startswith("Learned from all the ratings")
    assert any(item.reasons for item in result.items)  # the rule leaves some reasons on the demo
    fitted_here = recommend_for_shopper(matrix, features, matrix.shoppers[0], method="mf", top_n=4)
    assert [item.product_id for item in fitted_here.items] == [item.product_id for item in result.items]
