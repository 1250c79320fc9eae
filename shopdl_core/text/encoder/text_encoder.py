"""Sentence vectors from multilingual-e5-small: ``load_text_encoder().encode(texts, kind)``.

e5 was trained with a prefix on every input: ``query: `` for a search query or a short text to
classify, ``passage: `` for a document to be found. The vector is the mean of the last layer over
all tokens, L2-normalised: compare two with a dot product. Only the ranking of e5's cosines means
anything (unrelated texts still score about 0.75).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from shopdl_core.device import pick_device
from shopdl_core.errors import InputError
from shopdl_core.text.encoder.bert import E5Bert, mean_pool
from shopdl_core.text.encoder.checkpoint import build_encoder, read_encoder_checkpoint
from shopdl_core.text.encoder.unigram import PAD_ID, UnigramTokenizer

PREFIXES = {"query": "query: ", "passage": "passage: "}
MAX_TOKENS = 512  # the position table's length


@dataclass
class TokenBatch:
    ids: torch.Tensor  # (B, T) long, padded with PAD_ID
    mask: torch.Tensor  # (B, T) bool, True at real tokens


class TextEncoder:
    """A tokeniser and a network, shared read-only between threads (no state per call)."""

    def __init__(self, tokenizer: UnigramTokenizer, model: E5Bert, device: torch.device):
        self.tokenizer = tokenizer
        self.model = model.to(device).eval()
        self.device = device
        self.dim = model.cfg.hidden

    def batch(self, texts: list[str], kind: str = "query", max_tokens: int = MAX_TOKENS) -> TokenBatch:
        """Prefix, tokenise (the first ``max_tokens`` tokens of each) and pad."""
        _check_texts(texts, kind)
        rows = [self.tokenizer.encode(PREFIXES[kind] + t, max_tokens) for t in texts]
        width = max((len(r) for r in rows), default=0)
        ids = torch.full((len(rows), width), PAD_ID, dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row)
        return TokenBatch(ids.to(self.device), (ids != PAD_ID).to(self.device))

    def order_by_tokens(self, texts: list[str], kind: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        """Indices of ``texts`` from the fewest tokens to the most: batches of similar length pad
        less (characters are no guide: a Chinese character is about one token, an English word
        about one or two)."""
        lengths = [min(max_tokens, len(self.tokenizer.tokenize(PREFIXES[kind] + t)) + 2) for t in texts]
        return sorted(range(len(texts)), key=lengths.__getitem__)

    @torch.inference_mode()
    def encode(self, texts: list[str], kind: str = "query", batch_size: int = 32,
               max_tokens: int = MAX_TOKENS) -> torch.Tensor:
        """(N, 384) float32 on the CPU, each row L2-normalised."""
        _check_texts(texts, kind)
        out = []
        order = self.order_by_tokens(texts, kind, max_tokens)
        for start in range(0, len(order), batch_size):
            chunk = [texts[i] for i in order[start : start + batch_size]]
            tokens = self.batch(chunk, kind, max_tokens)
            pooled = mean_pool(self.model(tokens.ids, tokens.mask), tokens.mask)
            out.append(F.normalize(pooled, dim=-1).float().cpu())
        if not out:
            return torch.zeros(0, self.dim)
        vectors = torch.cat(out)
        result = torch.empty_like(vectors)
        result[torch.tensor(order)] = vectors
        return result


def _check_texts(texts: list[str], kind: str) -> None:
    if kind not in PREFIXES:
        raise InputError(f"Unknown text kind {kind!r}: use 'query' or 'passage'.")
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise InputError("Texts to encode must be a list of strings.")


def load_text_encoder(device: str | torch.device | None = None, path: Path | None = None) -> TextEncoder:
    """The shipped encoder (``assets/models/text_e5_small.pt``) on ``device`` (default: pick_device())."""
    tokenizer, model = build_encoder(read_encoder_checkpoint(path))
    target = device if isinstance(device, torch.device) else pick_device(device)
    return TextEncoder(tokenizer, model, target)
