"""Temperature scaling (Guo et al. 2017) and the expected calibration error.

A network trained with a class-weighted loss and early stopping says "0.97" more often than it
is right 97 % of the time. Dividing its logits by one temperature T, fitted on the validation
split by minimising the negative log-likelihood, fixes most of that without changing a single
label (the sign of each logit difference stays):

    P(positive) = softmax(logits / T)[1] = sigmoid(margin / T),  margin = logit_1 - logit_0

ECE: the predictions are binned by confidence (the probability of the predicted class); ECE is
the share-weighted mean gap between each bin's accuracy and its mean confidence.
"""

from __future__ import annotations

import numpy as np

from shopdl_core.calibration import binned_calibration_error

_LOG_T_RANGE = (np.log(0.05), np.log(20.0))


def margin_to_probability(margins: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """P(class 1) from logit margins (N,) at ``temperature``."""
    return 0.5 * (1.0 + np.tanh(np.asarray(margins, dtype=np.float64) / (2.0 * temperature)))  # sigmoid, no overflow


def negative_log_likelihood(margins: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    signed = np.where(labels == 1, margins, -margins) / temperature
    return float(np.mean(np.logaddexp(0.0, -signed)))  # -log sigmoid, stable for large margins


def fit_temperature(margins: np.ndarray, labels: np.ndarray, iterations: int = 60) -> float:
    """The T in [0.05, 20] minimising the validation NLL (golden-section search on log T;
    the NLL is convex in 1/T for fixed margins, so it has one minimum)."""
    if len(margins) == 0 or len(np.unique(labels)) < 2:
        raise ValueError("fitting a temperature needs margins of both classes")
    margins = np.asarray(margins, dtype=np.float64)
    low, high = _LOG_T_RANGE
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = (negative_log_likelihood(margins, labels, np.exp(x)) for x in (a, b))
    for _ in range(iterations):
        if fa < fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = negative_log_likelihood(margins, labels, np.exp(a))
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = negative_log_likelihood(margins, labels, np.exp(b))
    return float(np.exp((low + high) / 2.0))


def expected_calibration_error(prob_positive: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """ECE over ``bins`` equal-width confidence bins from 0.5 to 1."""
    if len(labels) == 0:
        raise ValueError("ECE needs at least one prediction")
    predicted = (prob_positive >= 0.5).astype(int)
    confidence = np.where(predicted == 1, prob_positive, 1.0 - prob_positive)
    return binned_calibration_error(confidence, predicted == labels, lowest=0.5, bins=bins)
