"""Temperature scaling (Guo et al. 2017, "On Calibration of Modern Neural Networks").

One scalar T > 0 divides the logits before the softmax: it changes how confident the
probabilities are, never which class ranks first. T is fitted on held-out data by minimising
the negative log-likelihood. The expected calibration error (ECE) is the gap between the
confidence and the accuracy, averaged over equal-width confidence bins, weighted by their size.
"""

from __future__ import annotations

import numpy as np
import torch

from shopdl_core.calibration import ECE_BINS, binned_calibration_error

_TEMPERATURES = np.exp(np.linspace(np.log(0.25), np.log(8.0), 400))  # the search grid


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The T (0.25 to 8) minimising the mean NLL of softmax(logits / T) on (N, C) logits.

    A grid search in log space: one parameter, no step size to tune, and the same answer on
    every run.
    """
    if len(labels) == 0:
        raise ValueError("temperature scaling needs at least one labelled example")
    logits = logits.double()
    losses = [float(torch.nn.functional.cross_entropy(logits / t, labels)) for t in _TEMPERATURES]
    return float(_TEMPERATURES[int(np.argmin(losses))])


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE of probabilities (N, C) against labels (N,), with ``bins`` equal-width bins over [0, 1]."""
    return binned_calibration_error(probabilities.max(1), probabilities.argmax(1) == labels, bins=bins)
