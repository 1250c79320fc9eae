"""The expected calibration error (ECE), shared by the text and image models.

Predictions are binned by confidence (the probability of the predicted class) into equal-width
bins; ECE is the share-weighted mean gap between each bin's accuracy and its mean confidence
(Guo et al. 2017, "On Calibration of Modern Neural Networks"). Each system's own calibration
module turns its outputs (a binary margin, or class probabilities) into confidences.
"""

from __future__ import annotations

import numpy as np

ECE_BINS = 15


def binned_calibration_error(confidence: np.ndarray, correct: np.ndarray, lowest: float = 0.0,
                             bins: int = ECE_BINS) -> float:
    """ECE of confidences (N,) against whether each prediction was right (N,), with ``bins``
    equal-width bins from ``lowest`` (0.5 for a binary classifier, whose confidence never goes
    below it) to 1."""
    if len(confidence) == 0:
        raise ValueError("ECE needs at least one prediction")
    edges = np.linspace(lowest, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    correct = np.asarray(correct, dtype=float)
    error = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            error += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(error)
