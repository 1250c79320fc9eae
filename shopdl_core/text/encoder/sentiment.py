"""Score reviews in English or Chinese with the multilingual model, and say which words decided.

The explanation is leave-one-out occlusion: each word (English: a space-separated word; Chinese:
a piece of the tokeniser, which are mostly words such as 质量 or 满意, or a single character) is
deleted from the review in turn and the review scored again; the change in the logit margin is
the word's attribution (positive: it pushed towards positive). It is what the model does
without the word, not a gradient's guess. Long reviews are occluded in phrases of a few words,
so a review costs at most ``MAX_UNITS + 1`` forward passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from shopdl_core import config
from shopdl_core.checkpoints import load_checkpoint, restore_model
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.text.calibration import margin_to_probability
from shopdl_core.text.encoder.sentiment_model import MODEL_NAME, SentimentConfig, SentimentTop
from shopdl_core.text.encoder.text_encoder import PREFIXES, TextEncoder, load_text_encoder
from shopdl_core.text.encoder.unigram import UNK_ID, METASPACE
from shopdl_core.text.language import is_cjk
from shopdl_core.text.predict import ReviewScore

MAX_UNITS = 40


@dataclass(frozen=True)
class Attribution:
    units: list[str]  # the review cut into words (or phrases), spaces kept, joining back to the text
    scores: list[float]  # per unit: margin with it minus margin without it


def word_units(encoder: TextEncoder, text: str, max_pieces: int) -> list[tuple[int, int]]:
    """Spans of the words among the review's first ``max_pieces`` pieces (those the model reads):
    a ``▁``-led run of pieces, or one CJK piece on its own."""
    spans: list[list[int]] = []
    for piece in encoder.tokenizer.tokenize(text)[:max_pieces]:
        if piece.end <= piece.start:
            continue
        body = piece.piece.lstrip(METASPACE)
        starts_word = piece.piece.startswith(METASPACE) or any(is_cjk(c) for c in body[:1])
        after_cjk = spans and is_cjk(text[spans[-1][1] - 1])
        if spans and not starts_word and not after_cjk:
            spans[-1][1] = piece.end
        else:
            spans.append([piece.start, piece.end])
    return [(start, end) for start, end in spans]


class MultilingualSentiment:
    """The shared encoder plus this model's tuned top; safe to share between threads."""

    name = MODEL_NAME
    members = 1

    def __init__(self, encoder: TextEncoder, top: SentimentTop, temperature: float, fingerprint: str = ""):
        self.encoder = encoder
        self.top = top.to(encoder.device).eval()
        self.cfg: SentimentConfig = top.cfg
        self.temperature = temperature
        self.fingerprint = fingerprint
        self.device = encoder.device
        self.split_seed = config.SEED

    @torch.inference_mode()
    def margins(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        out = np.empty(len(texts))
        order = self.encoder.order_by_tokens(texts, "query", self.cfg.max_tokens)
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            tokens = self.encoder.batch([texts[i] for i in chosen], "query", self.cfg.max_tokens)
            model = self.encoder.model
            hidden = model.run_layers(model.embed(tokens.ids), tokens.mask, 0, self.cfg.base_layers)
            logits = self.top(hidden, tokens.mask)
            out[chosen] = (logits[:, 1] - logits[:, 0]).double().cpu().numpy()
        return out

    @property
    def pieces_read(self) -> int:
        """How many of a review's own pieces fit in ``max_tokens`` beside the prefix, <s> and </s>."""
        return self.cfg.max_tokens - 2 - len(self.encoder.tokenizer.tokenize(PREFIXES["query"]))

    def _score(self, text: str, margin: float) -> ReviewScore:
        pieces = self.encoder.tokenizer.tokenize(text)
        read = self.pieces_read
        return ReviewScore(tokens=[p.piece for p in pieces[:read]], known=[p.id != UNK_ID for p in pieces[:read]],
                           prob_positive=float(margin_to_probability(np.array([margin]), self.temperature)[0]),
                           weights=None, truncated_from=len(pieces) if len(pieces) > read else None)

    def score(self, text: str) -> ReviewScore:
        return self.score_many([text])[0]

    def score_many(self, texts: list[str], batch_size: int = 32,
                   on_progress: Callable[[int, int], None] | None = None) -> list[ReviewScore]:
        for number, text in enumerate(texts, start=1):
            try:
                check_review(text)
            except InputError as exc:
                raise exc if len(texts) == 1 else InputError(f"Review {number}: {exc}") from exc
        scores: list[ReviewScore] = []
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            scores += [self._score(t, m) for t, m in zip(chunk, self.margins(chunk, batch_size))]
            if on_progress is not None:
                on_progress(len(scores), len(texts))
        return scores

    def attribute(self, text: str) -> Attribution:
        """Leave-one-out occlusion over the review's words (phrases when it has many)."""
        check_review(text)
        spans = word_units(self.encoder, text, self.pieces_read)
        group = max(1, -(-len(spans) // MAX_UNITS))
        spans = [(spans[i][0], spans[min(i + group, len(spans)) - 1][1]) for i in range(0, len(spans), group)]
        variants = [text[:start] + text[end:] for start, end in spans]
        margins = self.margins([text, *variants])
        # Each unit runs to the next unit's start, so the units join back into the text.
        starts = [0, *[start for start, _ in spans[1:]]]
        units = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)])]
        return Attribution(units=units, scores=[float(margins[0] - m) for m in margins[1:]])


def check_review(text: object) -> None:
    if not isinstance(text, str):
        raise InputError(f"A review must be text, got {type(text).__name__}.")
    if not text.strip():
        raise InputError("The review is empty: type a sentence or two about a product.")
    if not any(c.isprintable() and not c.isspace() for c in text):
        raise InputError("The review has no words or symbols to read (only invisible characters).")


def load_multilingual_sentiment(device: torch.device | str = "cpu", path: Path | None = None,
                                encoder: TextEncoder | None = None) -> MultilingualSentiment:
    """The shipped review model on the shared encoder (loaded here unless one is passed)."""
    path = Path(path or config.checkpoint_path(MODEL_NAME))
    checkpoint = load_checkpoint(path, kind="text")
    if checkpoint.model_name != MODEL_NAME:
        raise CheckpointError(f"Checkpoint {path} holds {checkpoint.model_name!r}, not {MODEL_NAME!r}.")
    encoder = encoder or load_text_encoder(device)
    if checkpoint.extras.get("encoder_vocab") != encoder.tokenizer.vocab_size:
        raise CheckpointError(f"{path} was trained on another build of the text encoder: retrain it with "
                              "`python -m shopdl_core.text.encoder.sentiment_train`.")
    cfg = SentimentConfig(**checkpoint.config)
    top = restore_model(checkpoint, lambda _: SentimentTop(cfg, encoder.model.cfg), encoder.device).float()
    return MultilingualSentiment(encoder, top, float(checkpoint.extras["temperature"]), checkpoint.fingerprint)
