import numpy as np
import pytest

from shopdl_core.recsys.metrics import mae, ranking_metrics, rmse


def test_rmse_and_mae():
    true, predicted = np.array([4.0, 2.0, 5.0]), np.array([3.0, 2.0, 3.0])
    assert rmse(true, predicted) == pytest.approx(np.sqrt(5 / 3))
    assert mae(true, predicted) == pytest.approx(1.0)


def test_ranking_metrics_by_hand():
    # Shopper 0 holds out four products; relevant (>= 4): products 0 and 2. Ranked by prediction:
    # 1, 0, 2, 3, so the top 2 hold one hit at rank 2. Shopper 1 has no relevant product: skipped.
    shoppers = np.array([0, 0, 0, 0, 1, 1])
    products = np.array([0, 1, 2, 3, 0, 1])
    true = np.array([5.0, 1.0, 4.0, 2.0, 2.0, 3.0])
    predicted = np.array([4.5, 4.8, 3.0, 1.0, 5.0, 1.0])
    metrics = ranking_metrics(shoppers, products, true, predicted, k=2)
    assert metrics["precision"] == pytest.approx(1 / 2)
    assert metrics["recall"] == pytest.approx(1 / 2)
    assert metrics["ndcg"] == pytest.approx((1 / np.log2(3)) / (1 + 1 / np.log2(3)))


def test_ranking_ties_go_to_the_lower_product_and_short_lists_are_not_penalised():
    # Two held-out products, both predicted 3: product 4 (relevant) ranks first. k = 10 > 2 held out.
    metrics = ranking_metrics(np.array([0, 0]), np.array([4, 7]), np.array([5.0, 1.0]), np.array([3.0, 3.0]), k=10)
    assert metrics == {"precision": pytest.approx(0.5), "recall": pytest.approx(1.0), "ndcg": pytest.approx(1.0)}
