import numpy as np
import pytest

from shopdl_core.text.metrics import binary_metrics, score_distribution
from shopdl_core.text.train import class_weights


def test_binary_metrics_against_hand_computed_values():
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1])
    probs = np.array([0.1, 0.2, 0.3, 0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.2])
    m = binary_metrics(labels, probs)
    # TN 3, FP 1, FN 2, TP 4
    assert m["confusion_matrix"] == [[3, 1], [2, 4]]
    assert m["accuracy"] == pytest.approx(0.7)
    assert m["balanced_accuracy"] == pytest.approx((3 / 4 + 4 / 6) / 2)
    f1_neg = 2 * (3 / 5) * (3 / 4) / (3 / 5 + 3 / 4)
    f1_pos = 2 * (4 / 5) * (4 / 6) / (4 / 5 + 4 / 6)
    assert m["macro_f1"] == pytest.approx((f1_neg + f1_pos) / 2)


def test_binary_metrics_with_a_class_missing_does_not_divide_by_zero():
    m = binary_metrics(np.array([1, 1]), np.array([0.9, 0.2]))
    assert m["balanced_accuracy"] == pytest.approx(0.25)  # recall 0 (absent) and 0.5
    assert m["confusion_matrix"] == [[0, 0], [1, 1]]


def test_score_distribution_bins_and_shares():
    d = score_distribution(np.array([0.05, 0.15, 0.5, 0.95]))
    assert d["share"] == [0.5, 0.0, 0.25, 0.0, 0.25]
    assert d["share_predicted_positive"] == pytest.approx(0.5)
    assert d["mean_prob_positive"] == pytest.approx(0.4125)


def test_class_weights_make_both_classes_count_equally():
    weights = class_weights(np.array([1] * 9 + [0]))
    assert weights.tolist() == pytest.approx([5.0, 10 / 18])
    assert (weights.numpy() * np.array([1, 9])).tolist() == pytest.approx([5.0, 5.0])
