"""Score reviews with a trained model: validation, batching, and the per-token explanation.

Everything here is safe to call from parallel Streamlit sessions on one shared model: inference
runs under ``torch.inference_mode()`` and nothing is written to the module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from shopdl_core import config, registry
from shopdl_core.checkpoints import load_checkpoint, restore_model
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.i18n import _
from shopdl_core.text.calibration import margin_to_probability
from shopdl_core.text.data import LABELS, pad_batch
from shopdl_core.text.tokenize import UNK_ID, Vocabulary, tokenize

MAX_TOKENS = 300  # longer reviews are cut here (the training reviews have at most ~150 tokens)
MOSTLY_UNKNOWN_SHARE = 0.5  # above this share of unknown tokens a score is flagged as unreliable
# A review looks far from the clothing reviews a recurrent model learnt from when at least this
# share of its words never occurred in them (no in-domain test review, 4 % of their titles read
# alone, a third of the written out-of-domain reviews). Apart from that, a score whose calibrated
# P(positive) is this close to 0.5 is unsure (4 % of the in-domain test reviews, 10-14 % of the
# 3-star ones: docs/i18n-reviews.md); that is not a sign of a review unlike the training ones.
UNSEEN_SHARE_FAR = 0.25
NEAR_HALF = 0.15
if TYPE_CHECKING:
    from shopdl_core.text.encoder.sentiment import MultilingualSentiment

TEXT_MODELS = registry.list_models("text")  # the baseline first


@dataclass(frozen=True)
class ReviewScore:
    tokens: list[str]  # the first MAX_TOKENS tokens, as the model read them
    known: list[bool]  # per token: in the vocabulary (its own row, or a pretrained vector)
    prob_positive: float
    weights: list[float] | None  # per token attention weight (AttentionRNN), summing to 1
    truncated_from: int | None  # the review's full token count when it was cut, else None
    seen: list[bool] | None = None  # per token: occurred in the clothing reviews it was trained on

    @property
    def label(self) -> str:
        return LABELS[int(self.prob_positive >= 0.5)]

    @property
    def known_count(self) -> int:
        return sum(self.known)

    @property
    def unknown_share(self) -> float:
        return 1.0 - self.known_count / len(self.tokens)

    @property
    def mostly_unknown(self) -> bool:
        return self.unknown_share > MOSTLY_UNKNOWN_SHARE

    @property
    def unseen_share(self) -> float:
        """Share of the words (not marks) that never occurred in the training reviews."""
        seen = self.known if self.seen is None else self.seen
        flags = [s for token, s in zip(self.tokens, seen) if token[0].isalnum()]
        return 1.0 - sum(flags) / len(flags) if flags else 1.0

    @property
    def far_from_training(self) -> str | None:
        """Why this review looks unlike the clothing reviews the model learnt from, or None.

        Only for the models that learnt a vocabulary from those reviews (``seen`` is set): the
        multilingual encoder reads any text in word pieces, so an unseen word means nothing there.
        """
        if self.seen is None or self.unseen_share < UNSEEN_SHARE_FAR:
            return None
        return _("{share:.0%} of its words never occurred in the clothing reviews the model learnt from").format(
            share=self.unseen_share)

    @property
    def unsure(self) -> bool:
        """P(positive) close to 0.5: the review may be mixed, or the model cannot tell."""
        return abs(self.prob_positive - 0.5) < NEAR_HALF

    def to_dict(self) -> dict:
        result = {
            "label": self.label,
            "prob_positive": round(self.prob_positive, 4),
            "unknown_share": round(self.unknown_share, 4),
            "unseen_share": round(self.unseen_share, 4),
            "far_from_training": self.far_from_training,
            "unsure": self.unsure,
            "tokens": self.tokens,
        }
        if self.weights is not None:
            result["attention"] = [round(w, 4) for w in self.weights]
        if self.truncated_from is not None:
            result["truncated_from_tokens"] = self.truncated_from
        return result


def review_tokens(text: object) -> list[str]:
    """The tokens of one review, or InputError saying why there is nothing to score."""
    if not isinstance(text, str):
        raise InputError(_("A review must be text, got {kind}.").format(kind=type(text).__name__))
    if not text.strip():
        raise InputError(_("The review is empty: type a sentence or two about a product."))
    tokens = tokenize(text)
    if not tokens:
        raise InputError(_("The review has no words or symbols to read (only invisible characters)."))
    return tokens


def forward_margins(model: nn.Module, id_lists: list[list[int]], device: torch.device | str,
                    batch_size: int = 256) -> tuple[np.ndarray, list[np.ndarray] | None]:
    """Logit margin (positive minus negative) per sequence, and per-token attention weights
    when the model returns them.

    Sequences are batched in order of length (less padding), results come back in input order.
    """
    order = np.argsort([len(ids) for ids in id_lists], kind="stable")
    margins = np.empty(len(id_lists), dtype=np.float64)
    weights: list[np.ndarray] = []
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            chosen = order[start:start + batch_size]
            ids, lengths = pad_batch([id_lists[i] for i in chosen])
            output = model(ids.to(device), lengths.to(device))
            logits, attention = output if isinstance(output, tuple) else (output, None)
            margins[chosen] = (logits[:, 1] - logits[:, 0]).double().cpu().numpy()
            if attention is not None:
                attention = attention.float().cpu().numpy()
                weights.extend(attention[row, : lengths[row]] for row in range(len(chosen)))
    if not weights:
        return margins, None
    in_input_order = [np.empty(0)] * len(id_lists)
    for position, index in enumerate(order):
        in_input_order[index] = weights[position]
    return margins, in_input_order


def forward_ids(model: nn.Module, id_lists: list[list[int]], device: torch.device | str,
                batch_size: int = 256, temperature: float = 1.0) -> tuple[np.ndarray, list[np.ndarray] | None]:
    """P(positive) per sequence at ``temperature``, and attention weights as ``forward_margins``."""
    margins, weights = forward_margins(model, id_lists, device, batch_size)
    return margin_to_probability(margins, temperature), weights


class SentimentModel:
    """A trained review model with its vocabulary, ready to score text on one device."""

    def __init__(self, name: str, model: nn.Module, vocab: Vocabulary, device: torch.device | str,
                 *, fingerprint: str = "", split_seed: int = config.SEED, temperature: float = 1.0):
        self.name = name
        self.model = model
        self.vocab = vocab
        self.device = torch.device(device)
        self.temperature = temperature  # fitted on the validation split (calibration.py)
        # Ids below this came from the training reviews; above it, from pretrained vectors.
        self.domain_size = model.embedding.domain_size
        self.fingerprint = fingerprint  # of the review data it was trained on
        self.split_seed = split_seed  # re-creates its train/validation/test split

    @property
    def members(self) -> int:
        """How many networks vote: 1 (ensembles were measured and not kept, experiments/README.md)."""
        return 1

    def score(self, text: str) -> ReviewScore:
        return self.score_many([text])[0]

    def score_many(self, texts: list[str], batch_size: int = 256,
                   on_progress: Callable[[int, int], None] | None = None) -> list[ReviewScore]:
        """Score each review; InputError (naming the review) if one of them is empty.

        ``on_progress(done, total)`` is called after each batch (the page's progress bar).
        """
        all_tokens = []
        for number, text in enumerate(texts, start=1):
            try:
                all_tokens.append(review_tokens(text))
            except InputError as exc:
                if len(texts) == 1:
                    raise
                raise InputError(_("Review {number}: {problem}").format(number=number, problem=exc)) from exc
        scores: list[ReviewScore] = []
        for start in range(0, len(all_tokens), batch_size):
            chunk = all_tokens[start:start + batch_size]
            id_lists = [self.vocab.encode(tokens[:MAX_TOKENS]) for tokens in chunk]
            probs, weights = forward_ids(self.model, id_lists, self.device, batch_size, self.temperature)
            for row, tokens in enumerate(chunk):
                ids = id_lists[row]
                scores.append(ReviewScore(
                    tokens=tokens[:MAX_TOKENS],
                    known=[i != UNK_ID for i in ids],
                    prob_positive=float(probs[row]),
                    weights=None if weights is None else weights[row].tolist(),
                    truncated_from=len(tokens) if len(tokens) > MAX_TOKENS else None,
                    seen=[i != UNK_ID and i < self.domain_size for i in ids],
                ))
            if on_progress is not None:
                on_progress(len(scores), len(all_tokens))
        return scores


def load_sentiment_model(name: str, device: torch.device | str = "cpu",
                         path: Path | None = None) -> SentimentModel | MultilingualSentiment:
    """Load a shipped (or given) checkpoint of ``name``: weights, config and vocabulary, eval mode.
    The multilingual model comes with the shared text encoder under it."""
    if name not in TEXT_MODELS:
        raise InputError(f"Unknown review model {name!r}: use one of {', '.join(TEXT_MODELS)}.")
    if registry.get_model_entry(name).pretrained_encoder:
        from shopdl_core.text.encoder.sentiment import load_multilingual_sentiment  # it imports this module

        return load_multilingual_sentiment(device, path)
    path = Path(path or config.checkpoint_path(name))
    checkpoint = load_checkpoint(path, kind="text")
    if checkpoint.model_name != name:
        raise CheckpointError(f"Checkpoint {path} holds {checkpoint.model_name!r}, not {name!r}.")
    try:
        vocab = Vocabulary(checkpoint.extras.get("vocab", []))
    except ValueError as exc:
        raise CheckpointError(f"Checkpoint {path} has no usable vocabulary ({exc}).") from exc
    if len(vocab) != checkpoint.config.get("vocab_size"):
        raise CheckpointError(
            f"Checkpoint {path}: its vocabulary has {len(vocab)} tokens but the model expects "
            f"{checkpoint.config.get('vocab_size')}. Retrain with `python -m shopdl_core train text`."
        )
    model = restore_model(checkpoint, lambda cfg: registry.build_model(name, cfg), device)
    return SentimentModel(name, model, vocab, device, fingerprint=checkpoint.fingerprint,
                          split_seed=int(checkpoint.extras.get("split_seed", config.SEED)),
                          temperature=float(checkpoint.extras.get("temperature", 1.0)))
