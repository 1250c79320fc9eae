"""Classification counts every model shares: the confusion matrix, accuracy, per-class accuracy.

One definition for the reviews (two classes), the Fashion-MNIST CNNs and PhotoCNN (ten), and
the Model lab's head (the classes a visitor chose). ``calibration.py`` beside it holds ECE.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """Counts (classes, classes): rows the true class, columns the predicted one."""
    labels = np.asarray(labels, dtype=np.int64)
    predicted = np.asarray(predicted, dtype=np.int64)
    counts = np.bincount(labels * classes + predicted, minlength=classes * classes)
    return counts.reshape(classes, classes)


def accuracy(confusion: np.ndarray) -> float:
    """Share of the predictions on the diagonal; 0 for an empty matrix."""
    total = confusion.sum()
    return float(confusion.trace() / total) if total else 0.0


def per_class_accuracy(confusion: np.ndarray, class_names: Sequence[str]) -> dict[str, float]:
    """Recall of each class (a class with no examples counts 0, not a division by zero)."""
    recall = confusion.diagonal() / np.maximum(confusion.sum(1), 1)
    return {name: float(value) for name, value in zip(class_names, recall)}
