"""Temperature scaling and the expected calibration error, against hand-computed cases."""

import numpy as np
import pytest

from shopdl_core.text.calibration import (expected_calibration_error, fit_temperature,
                                          margin_to_probability, negative_log_likelihood)


def test_probability_is_the_sigmoid_of_the_margin_over_the_temperature():
    margins = np.array([0.0, 2.0, -2.0, 800.0, -800.0])
    # 1 / (1 + e^-m); huge margins saturate to 1 and 0 without overflow warnings or NaN.
    np.testing.assert_allclose(margin_to_probability(margins), [0.5, 0.8807971, 0.1192029, 1.0, 0.0], atol=1e-7)
    np.testing.assert_allclose(margin_to_probability(margins, 2.0)[1], 1 / (1 + np.exp(-1.0)))


def test_a_perfectly_calibrated_bin_has_zero_error_and_an_overconfident_one_its_gap():
    probs = np.array([0.8] * 5 + [0.2] * 5)
    labels = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 1])  # 80 % right at confidence 0.8
    assert expected_calibration_error(probs, labels) == pytest.approx(0.0)
    labels_half = np.array([1, 1, 0, 0, 0, 0, 0, 0, 1, 1])  # 50 % right at confidence 0.8
    assert expected_calibration_error(probs, labels_half) == pytest.approx(0.3)


def test_fitted_temperature_recovers_the_one_that_made_the_data():
    rng = np.random.default_rng(0)
    true_margins = rng.normal(0.0, 3.0, 20_000)
    labels = (rng.random(20_000) < margin_to_probability(true_margins)).astype(int)
    overconfident = 2.5 * true_margins  # a network that is 2.5 times too sure
    temperature = fit_temperature(overconfident, labels)
    assert temperature == pytest.approx(2.5, rel=0.05)
    assert (negative_log_likelihood(overconfident, labels, temperature)
            < negative_log_likelihood(overconfident, labels, 1.0))
    before = expected_calibration_error(margin_to_probability(overconfident), labels)
    after = expected_calibration_error(margin_to_probability(overconfident, temperature), labels)
    assert after < before / 3


def test_temperature_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        fit_temperature(np.array([1.0, 2.0]), np.array([1, 1]))
