"""Classification metrics for the imbalanced review labels (about 88% positive)."""

from __future__ import annotations

import numpy as np

from shopdl_core.metrics import confusion_matrix

MIXED_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def binary_metrics(labels: np.ndarray, prob_positive: np.ndarray, threshold: float = 0.5) -> dict:
    """Accuracy, balanced accuracy (mean recall of the two classes), macro-F1 and the confusion
    matrix. A class absent from ``labels`` counts as recall 0 rather than dividing by zero."""
    predicted = (prob_positive >= threshold).astype(int)
    matrix = confusion_matrix(labels, predicted, 2)
    true_counts = matrix.sum(axis=1)
    predicted_counts = matrix.sum(axis=0)
    hits = np.diag(matrix)
    recall = np.divide(hits, true_counts, out=np.zeros(2), where=true_counts > 0)
    precision = np.divide(hits, predicted_counts, out=np.zeros(2), where=predicted_counts > 0)
    f1 = np.divide(2 * precision * recall, precision + recall, out=np.zeros(2), where=precision + recall > 0)
    return {
        "accuracy": float(hits.sum() / max(matrix.sum(), 1)),
        "balanced_accuracy": float(recall.mean()),
        "macro_f1": float(f1.mean()),
        "recall": {"negative": float(recall[0]), "positive": float(recall[1])},
        "confusion_matrix": matrix.tolist(),
        "n": int(matrix.sum()),
    }


def score_distribution(prob_positive: np.ndarray) -> dict:
    """How a set of (3-star) reviews spreads over P(positive): share per bin, mean, share positive."""
    counts, _ = np.histogram(prob_positive, bins=MIXED_BINS)
    share = counts / max(len(prob_positive), 1)
    return {
        "bins": [f"{lo:.1f}-{hi:.1f}" for lo, hi in zip(MIXED_BINS[:-1], MIXED_BINS[1:])],
        "share": [round(float(s), 4) for s in share],
        "mean_prob_positive": float(np.mean(prob_positive)) if len(prob_positive) else float("nan"),
        "share_predicted_positive": float(np.mean(prob_positive >= 0.5)) if len(prob_positive) else float("nan"),
        "n": int(len(prob_positive)),
    }
