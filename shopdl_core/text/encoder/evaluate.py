"""Figures of the multilingual review model: the clothing test split, the Chinese held-out
writers (per domain and kind of sentence) and, when asked, the English out-of-domain check."""

from __future__ import annotations

import numpy as np
import pandas as pd

from shopdl_core.text.calibration import expected_calibration_error, margin_to_probability
from shopdl_core.text.data import load_splits
from shopdl_core.text.metrics import binary_metrics
from shopdl_core.text.ood import evaluate_ood, load_ood_reviews
from shopdl_core.text.written import load_written_reviews, written_dir


def grouped_report(frame: pd.DataFrame, probs: np.ndarray) -> dict:
    """Accuracy and balanced accuracy overall, and accuracy per source, domain and kind of sentence
    (each column the frame has with more than one value)."""
    labels = frame["label"].to_numpy()
    overall = binary_metrics(labels, probs)
    result = {"n": len(frame), "accuracy": overall["accuracy"], "balanced_accuracy": overall["balanced_accuracy"]}
    for column in ("source", "domain", "kind"):
        if column not in frame:
            continue
        groups = {str(v): frame[column].to_numpy() == v for v in sorted(frame[column].unique()) if v != ""}
        if len(groups) > 1:
            result[f"by_{column}"] = {k: float(np.mean((probs[m] >= 0.5) == labels[m])) for k, m in groups.items()}
    return result


def evaluate_multilingual(scorer, ood_split: str | None = None) -> dict:
    test = load_splits(scorer.split_seed).test
    probs = margin_to_probability(scorer.margins(list(test["text"])), scorer.temperature)
    labels = test["label"].to_numpy()
    zh = load_written_reviews(written_dir("zh-heldout"))
    zh_probs = margin_to_probability(scorer.margins(list(zh["text"])), scorer.temperature)
    result = {
        "test": binary_metrics(labels, probs) | {"ece": expected_calibration_error(probs, labels)},
        "chinese_heldout": grouped_report(zh, zh_probs),
    }
    if ood_split:
        result["out_of_domain"] = evaluate_ood(scorer, load_ood_reviews(ood_split))
    return result


def print_multilingual(name: str, result: dict) -> None:
    test, zh = result["test"], result["chinese_heldout"]
    print(f"{name}: accuracy {test['accuracy']:.4f}  balanced accuracy {test['balanced_accuracy']:.4f}  "
          f"macro-F1 {test['macro_f1']:.4f}  confusion [[TN FP] [FN TP]] {test['confusion_matrix']}  "
          f"test ECE {test['ece']:.4f}")
    groups = "; ".join(", ".join(f"{k} {v:.3f}" for k, v in zh[g].items()) for g in ("by_domain", "by_kind") if g in zh)
    print(f"  Chinese held-out writers (n={zh['n']}): accuracy {zh['accuracy']:.4f}; {groups}")
    if "out_of_domain" in result:
        ood = result["out_of_domain"]
        kinds = ", ".join(f"{k} {a:.2f}" for k, a in ood["by_kind"].items())
        print(f"  out of domain (n={ood['n']}): accuracy {ood['accuracy']:.4f}, "
              f"{ood['accuracy_without_sarcasm']:.4f} without sarcasm; by kind: {kinds}")


def evaluate_registered(name: str, device, ood: str | None = None, **_options) -> dict:
    """The registry's evaluator: the shipped checkpoint of ``name`` on every held-out set."""
    from shopdl_core.text.predict import load_sentiment_model  # predict imports this package

    return evaluate_multilingual(load_sentiment_model(name, device), ood)
