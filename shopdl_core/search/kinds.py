"""The kind a query asks for, read from its words, and added to the projection's ranking.

The projection ranks photos by the cosine of the query and each photo's projected vector. A
query in words the captions rarely hold can land nearer another kind's captions ("loafers"
near jackets), so search also reads the query's kind on the text side alone:

- a kind word of the table (search/vocabulary.py) in the query names its kind: the one that ends
  last (the head noun in English and Chinese: "shirt dress" is a dress, "白色板鞋" shoes), the
  longest of those;
- otherwise P(kind | query) is a softmax over the query's best e5 similarity to each kind's
  words (QUERY_TEMPERATURE).

A photo's kind is read in the same text space: a softmax over its projected vector's cosine to
each kind's mean word vector (PHOTO_TEMPERATURE). A photo's score is then its cosine plus
KIND_WEIGHT x the probability that query and photo are of the same kind. The word vectors are the
text encoder's, stored in the projection's checkpoint, so no word is embedded when search loads.
The constants were chosen on the dev queries (docs/search-by-words.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import torch

from shopdl_core import config
from shopdl_core.search.vocabulary import KIND_WORDS

QUERY_TEMPERATURE = 0.02
PHOTO_TEMPERATURE = 0.02
KIND_WEIGHT = 0.5  # the weight of P(same kind) beside the cosine


def kind_words() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Every kind word of the table (both languages) and its photo class's index."""
    pairs = [(word, config.PHOTO_CLASSES.index(kind)) for kind, (english, chinese) in KIND_WORDS.items()
             for word in (*english, *chinese)]
    return tuple(w for w, _ in pairs), tuple(k for _, k in pairs)


def _softmax(x: np.ndarray, temperature: float) -> np.ndarray:
    x = x / temperature
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class KindReader:
    words: tuple[str, ...]
    word_kinds: np.ndarray  # (W,) photo class index of each word
    word_vectors: np.ndarray  # (W, D) the text encoder's unit vectors of the words

    def __post_init__(self):
        patterns = [re.compile(rf"(?<![\w-]){re.escape(w.lower())}(?![\w-])" if w.isascii() else re.escape(w.lower()))
                    for w in self.words]
        object.__setattr__(self, "_patterns", patterns)
        centroids = np.stack([self.word_vectors[self.word_kinds == k].mean(0) for k in range(len(config.PHOTO_CLASSES))])
        object.__setattr__(self, "_centroids", centroids / np.linalg.norm(centroids, axis=1, keepdims=True))

    def named_kind(self, query: str) -> int | None:
        """The class index of the table word in ``query`` that ends last (the longest of those)."""
        text, best = query.lower(), None
        for pattern, kind in zip(self._patterns, self.word_kinds):
            for match in pattern.finditer(text):
                key = (match.end(), match.end() - match.start())
                if best is None or key > best[0]:
                    best = (key, int(kind))
        return None if best is None else best[1]

    def query_kinds(self, queries: list[str], vectors: np.ndarray) -> np.ndarray:
        """(Q, K) P(kind | query): one-hot where a table word names it, else from e5 similarity."""
        similarity = vectors @ self.word_vectors.T  # (Q, W)
        best = np.stack([similarity[:, self.word_kinds == k].max(1) for k in range(len(config.PHOTO_CLASSES))], 1)
        probabilities = _softmax(best, QUERY_TEMPERATURE)
        for row, query in enumerate(queries):
            kind = self.named_kind(query)
            if kind is not None:
                probabilities[row] = np.eye(len(config.PHOTO_CLASSES))[kind]
        return probabilities

    def photo_kinds(self, photo_vectors: np.ndarray) -> np.ndarray:
        """(N, K) P(kind | photo) from its projected vector's cosine to each kind's mean word vector."""
        return _softmax(photo_vectors @ self._centroids.T, PHOTO_TEMPERATURE)

    @classmethod
    def from_captions(cls, captions, caption_vectors: np.ndarray) -> KindReader:
        """The reader of the table's kind words, their vectors taken from the captions' (every
        kind word is a caption by itself)."""
        row_of = {caption.text: row for row, caption in enumerate(captions)}
        words, kinds = kind_words()
        return cls(words, np.array(kinds), caption_vectors[[row_of[w] for w in words]])

    def to_extras(self) -> dict:
        """For the checkpoint: the words, their classes and vectors (float16)."""
        return {"words": list(self.words), "kinds": torch.from_numpy(self.word_kinds.astype(np.int64)),
                "vectors": torch.from_numpy(self.word_vectors).half()}

    @classmethod
    def from_extras(cls, extras: dict) -> KindReader:
        return cls(tuple(extras["words"]), extras["kinds"].numpy(), extras["vectors"].float().numpy())
