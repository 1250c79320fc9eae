"""Do the shaded words explain the verdict? ERASER comprehensiveness (DeYoung et al. 2020).

For a review the model calls positive (or negative), remove the k words an explanation ranks
highest and score the review again: comprehensiveness is the drop in P(that verdict). A faithful
explanation names words the verdict rests on, so removing them lowers it most. Compared here, on
the same reviews and the same k (1, 3, 5):

- occlusion (leave-one-word-out): a word's score is the margin with it minus the margin without
  it, signed towards the verdict; the page's default shading;
- attention (AttentionRNN only): the attention weight of each token;
- random: k words drawn with a fixed seed (the floor any explanation must clear).

MultilingualE5's words are its attribution units (``sentiment.word_units``); the RNNs' are their
tokens. ``shopdl evaluate explanations`` prints the table.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from shopdl_core import config
from shopdl_core.errors import InputError
from shopdl_core.text.calibration import margin_to_probability
from shopdl_core.text.predict import MAX_TOKENS, forward_margins, load_sentiment_model, review_tokens

KS = (1, 3, 5)
MIN_WORDS = 6  # shorter reviews have too few words left to remove


def _verdict_probability(margins: np.ndarray, temperature: float, positive: bool) -> np.ndarray:
    p = margin_to_probability(margins, temperature)
    return p if positive else 1 - p


def _drops(full_margin: float, removed_margins: np.ndarray, temperature: float) -> np.ndarray:
    positive = full_margin >= 0
    before = _verdict_probability(np.array([full_margin]), temperature, positive)[0]
    return before - _verdict_probability(removed_margins, temperature, positive)


class _E5Words:
    """MultilingualE5 over its attribution units."""

    def __init__(self, scorer):
        from shopdl_core.text.encoder.sentiment import word_units

        self.scorer, self.word_units = scorer, word_units

    def rankings(self, text: str, rng: np.random.Generator):
        spans = self.word_units(self.scorer.encoder, text, self.scorer.pieces_read)
        if len(spans) < MIN_WORDS:
            return None
        margins = self.scorer.margins([text, *(text[:a] + text[b:] for a, b in spans)])
        sign = 1.0 if margins[0] >= 0 else -1.0
        occlusion = np.argsort(-sign * (margins[0] - margins[1:]), kind="stable")
        return margins[0], spans, {"occlusion": occlusion, "random": rng.permutation(len(spans))}

    def removed_margins(self, text: str, spans, chosen_sets) -> np.ndarray:
        texts = []
        for chosen in chosen_sets:
            keep = sorted(set(range(len(spans))) - set(chosen))
            texts.append(" ".join(text[spans[i][0]:spans[i][1]] for i in keep))
        return self.scorer.margins(texts)


class _RnnTokens:
    """A recurrent model over its tokens; attention where the model has it."""

    def __init__(self, scorer):
        self.scorer = scorer

    def rankings(self, text: str, rng: np.random.Generator):
        tokens = review_tokens(text)[:MAX_TOKENS]
        if len(tokens) < MIN_WORDS:
            return None
        ids = self.scorer.vocab.encode(tokens)
        variants = [ids, *(ids[:i] + ids[i + 1:] for i in range(len(ids)))]
        margins, attention = forward_margins(self.scorer.model, variants, self.scorer.device)
        sign = 1.0 if margins[0] >= 0 else -1.0
        found = {"occlusion": np.argsort(-sign * (margins[0] - margins[1:]), kind="stable"),
                 "random": rng.permutation(len(ids))}
        if attention is not None:
            found["attention"] = np.argsort(-attention[0], kind="stable")
        return margins[0], ids, found

    def removed_margins(self, text: str, ids, chosen_sets) -> np.ndarray:
        variants = [[token for i, token in enumerate(ids) if i not in set(chosen)] for chosen in chosen_sets]
        return forward_margins(self.scorer.model, variants, self.scorer.device)[0]


def comprehensiveness(scorer, texts: list[str], ks: tuple[int, ...] = KS, seed: int = config.SEED) -> dict:
    """{"reviews": n, explanation: {k: mean drop in P(verdict)}} over the texts long enough."""
    reader = _E5Words(scorer) if hasattr(scorer, "encoder") else _RnnTokens(scorer)
    rng = np.random.default_rng(seed)
    drops: dict[str, dict[int, list[float]]] = {}
    used = 0
    for text in texts:
        found = reader.rankings(text, rng)
        if found is None:
            continue
        full_margin, units, rankings = found
        used += 1
        for name, order in rankings.items():
            chosen_sets = [order[:k].tolist() for k in ks]
            removed = reader.removed_margins(text, units, chosen_sets)
            for k, drop in zip(ks, _drops(full_margin, removed, scorer.temperature)):
                drops.setdefault(name, {}).setdefault(k, []).append(float(drop))
    if not used:
        raise InputError(f"No review has the {MIN_WORDS} words comprehensiveness needs.")
    return {"reviews": used, **{name: {k: float(np.mean(v)) for k, v in by_k.items()} for name, by_k in drops.items()}}


def review_sets(n: int) -> dict[str, list[str]]:
    """Seeded samples of n held-out reviews: the clothing test split, and the Chinese held-out writers."""
    from shopdl_core.text.data import load_splits
    from shopdl_core.text.written import load_written_reviews, written_dir

    rng = np.random.default_rng(config.SEED)
    texts = list(load_splits(config.SEED).test["text"])
    chinese = list(load_written_reviews(written_dir("zh-heldout"))["text"])
    pick = lambda pool: [pool[i] for i in rng.permutation(len(pool))[:n]]  # noqa: E731
    return {"clothing test split (English)": pick(texts), "held-out Chinese writers": pick(chinese)}


def add_commands(targets: dict[str, argparse._SubParsersAction]) -> None:
    parser = targets["evaluate"].add_parser(
        "explanations", help="ERASER comprehensiveness of the word shading: occlusion, attention, random",
        description="Remove the k words each explanation ranks highest and report the mean drop in "
                    "P(verdict), k = 1, 3, 5, on seeded samples of held-out reviews.")
    parser.add_argument("--model", choices=("e5", "attention", "rnn"), default="e5")
    parser.add_argument("--reviews", type=int, default=100, help="reviews per set (default 100)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run_explanations)


def run_explanations(args: argparse.Namespace) -> int:
    from shopdl_core import registry
    from shopdl_core.text.language import detect_language

    if args.reviews < 1:
        raise InputError("--reviews must be at least 1")
    name = registry.cli_choices("text")[args.model]
    scorer = load_sentiment_model(name)
    report = {}
    for set_name, texts in review_sets(args.reviews).items():
        if args.model != "e5" and detect_language(texts[0]) == "zh":
            continue  # the RNNs read English only
        report[set_name] = comprehensiveness(scorer, texts)
    if args.json:
        print(json.dumps({name: report}))
        return 0
    for set_name, result in report.items():
        print(f"{name}, {set_name} ({result['reviews']} reviews): drop in P(verdict) after removing the top k words")
        for explanation in ("occlusion", "attention", "random"):
            if explanation in result:
                row = "  ".join(f"k={k} {result[explanation][k]:.3f}" for k in KS)
                print(f"  {explanation:<10} {row}")
    return 0
