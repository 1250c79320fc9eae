"""Measuring a review model: test-split metrics, the 3-star spread, calibration, out-of-domain.

``evaluate_text_model`` is the registry's evaluator: what ``evaluate text`` prints.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from shopdl_core.errors import CheckpointError
from shopdl_core.text.calibration import expected_calibration_error, fit_temperature, margin_to_probability
from shopdl_core.text.data import ReviewSplits, data_fingerprint, encode_texts, load_splits
from shopdl_core.text.metrics import binary_metrics, score_distribution
from shopdl_core.text.ood import evaluate_ood, load_ood_reviews
from shopdl_core.text.predict import MAX_TOKENS, forward_margins, load_sentiment_model
from shopdl_core.text.tokenize import Vocabulary


def evaluate(model: nn.Module, id_lists: list[list[int]], labels: np.ndarray,
             device: torch.device | str, weights: torch.Tensor | None = None,
             temperature: float = 1.0) -> dict:
    """Accuracy, balanced accuracy, macro-F1, confusion matrix, (class-weighted) loss and ECE."""
    margins, _ = forward_margins(model, id_lists, device)
    probs = margin_to_probability(margins, temperature)
    metrics = binary_metrics(labels, probs)
    metrics["ece"] = expected_calibration_error(probs, labels)
    chosen = np.clip(np.where(labels == 1, probs, 1.0 - probs), 1e-7, 1.0)
    sample_weights = np.ones(len(labels)) if weights is None else weights.numpy()[labels]
    metrics["loss"] = float(np.sum(-np.log(chosen) * sample_weights) / np.sum(sample_weights))
    return metrics


def evaluate_splits(model: nn.Module, vocab: Vocabulary, splits: ReviewSplits,
                    device: torch.device | str, temperature: float = 1.0) -> dict:
    """Test-split metrics, and how the held-out 3-star reviews spread over P(positive)."""
    test_ids = encode_texts(list(splits.test["text"]), vocab, MAX_TOKENS)
    mixed_margins, _ = forward_margins(model, encode_texts(list(splits.mixed["text"]), vocab, MAX_TOKENS), device)
    return {
        "test": evaluate(model, test_ids, splits.test["label"].to_numpy(), device, temperature=temperature),
        "mixed_3_star": score_distribution(margin_to_probability(mixed_margins, temperature)),
    }


def calibrate(model: nn.Module, vocab: Vocabulary, splits: ReviewSplits,
              device: torch.device | str) -> tuple[float, dict]:
    """The temperature fitted on the validation split, and ECE on the test split before/after."""
    val_margins, _ = forward_margins(model, encode_texts(list(splits.val["text"]), vocab, MAX_TOKENS), device)
    temperature = fit_temperature(val_margins, splits.val["label"].to_numpy())
    test_margins, _ = forward_margins(model, encode_texts(list(splits.test["text"]), vocab, MAX_TOKENS), device)
    labels = splits.test["label"].to_numpy()
    return temperature, {
        "temperature": temperature,
        "test_ece_before": expected_calibration_error(margin_to_probability(test_margins), labels),
        "test_ece_after": expected_calibration_error(margin_to_probability(test_margins, temperature), labels),
    }


def evaluate_text_model(name: str, device: torch.device | str, ood: str | None = None) -> dict:
    """The shipped checkpoint of ``name`` on its own test split (and the out-of-domain reviews)."""
    scorer = load_sentiment_model(name, device)
    current = data_fingerprint()
    # Test metrics only mean something on the data and split the model was trained with.
    if scorer.fingerprint != current:
        raise CheckpointError(f"{name} was trained on review data {scorer.fingerprint}, the data "
                              f"in assets is {current}: retrain it with `train text`.")
    report = evaluate_splits(scorer.model, scorer.vocab, load_splits(scorer.split_seed), device, scorer.temperature)
    if ood:
        report["out_of_domain"] = evaluate_ood(scorer, load_ood_reviews(ood))
    return report
