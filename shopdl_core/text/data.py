"""The clothing-review data: loading, labelling and a stratified, seeded split.

Rating >= 4 is positive (1), rating <= 2 negative (0). Three-star reviews are "mixed": they are
kept out of training and the headline metrics and scored separately.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from shopdl_core import config
from shopdl_core.checkpoints import fingerprint
from shopdl_core.errors import InputError
from shopdl_core.text.tokenize import PAD_ID, UNK_ID, Vocabulary, tokenize

LABELS = ("negative", "positive")
SPLIT_FRACTIONS = (0.8, 0.1, 0.1)  # train, validation, test
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_MIN_SENTENCE_WORDS = 3


@dataclass(frozen=True)
class ReviewSplits:
    """Each frame has columns text, title, rating, label (label is -1 in ``mixed``)."""

    train: pd.DataFrame
    val: pd.DataFrame
    test: pd.DataFrame
    mixed: pd.DataFrame
    seed: int
    fingerprint: str


def review_text(title: object, body: object) -> str:
    """Title and review as one text; the title is a sentence of its own when it has no final mark."""
    parts = [str(part).strip() for part in (title, body) if isinstance(part, str) and part.strip()]
    if len(parts) == 2 and parts[0][-1] not in ".!?":
        parts[0] += "."
    return " ".join(parts)


def load_reviews(path: Path | None = None) -> pd.DataFrame:
    """Reviews with text, rating and label columns; rows without any text are dropped."""
    path = Path(path or config.reviews_path())
    if not path.is_file():
        raise InputError(f"The review data {path} is missing (it ships in assets/data/reviews).")
    raw = pd.read_csv(path)
    text = [review_text(t, b) for t, b in zip(raw["Title"], raw["Review Text"])]
    title = raw["Title"].fillna("").astype(str).str.strip()
    frame = pd.DataFrame({"text": text, "title": title, "rating": raw["Rating"].astype(int)})
    if "Recommended IND" in raw.columns:  # the shopper's own yes/no, beside the stars
        frame["recommended"] = pd.to_numeric(raw["Recommended IND"], errors="coerce").fillna(-1).astype(int)
    frame = frame[frame["text"] != ""].reset_index(drop=True)
    frame["label"] = np.where(frame["rating"] >= 4, 1, np.where(frame["rating"] <= 2, 0, -1))
    return frame


def data_fingerprint(path: Path | None = None) -> str:
    """Identifies the review file a model was trained on (checked when a checkpoint loads)."""
    return fingerprint(Path(path or config.reviews_path()).read_bytes())


def split_reviews(frame: pd.DataFrame, seed: int = config.SEED, fingerprint_: str = "") -> ReviewSplits:
    """Stratified train/validation/test split of the labelled rows, 80/10/10 within each class."""
    rng = np.random.default_rng(seed)
    parts: dict[str, list[pd.DataFrame]] = {"train": [], "val": [], "test": []}
    labelled = frame[frame["label"] >= 0]
    for label in (0, 1):
        rows = labelled[labelled["label"] == label]
        order = rng.permutation(len(rows))
        n_train = round(SPLIT_FRACTIONS[0] * len(rows))
        n_val = round(SPLIT_FRACTIONS[1] * len(rows))
        parts["train"].append(rows.iloc[order[:n_train]])
        parts["val"].append(rows.iloc[order[n_train:n_train + n_val]])
        parts["test"].append(rows.iloc[order[n_train + n_val:]])
    shuffled = {
        name: pd.concat(chunks).sample(frac=1.0, random_state=seed).reset_index(drop=True)
        for name, chunks in parts.items()
    }
    mixed = frame[frame["label"] < 0].reset_index(drop=True)
    return ReviewSplits(**shuffled, mixed=mixed, seed=seed, fingerprint=fingerprint_)


def load_splits(seed: int = config.SEED, path: Path | None = None) -> ReviewSplits:
    return split_reviews(load_reviews(path), seed, data_fingerprint(path))


def training_examples(train: pd.DataFrame, *, with_titles: bool = True, with_sentences: bool = True,
                      seed: int = config.SEED) -> tuple[list[str], np.ndarray]:
    """Texts and labels to train on: each review, plus short examples cut from it.

    Shoppers type one-line reviews of any product, so the model also learns from one-liners:
    each title again on its own ("Love it!", "Poor quality"), and one sentence drawn (seeded)
    from each review of several sentences, labelled like its review. The sentence labels are
    noisy (a happy review may have a "the hem is long" sentence); that noise is what teaches
    the model not to be sure of a short, plain sentence.
    """
    texts, labels = list(train["text"]), list(train["label"])
    if with_titles:
        titled = train[train["title"] != ""]
        texts += list(titled["title"])
        labels += list(titled["label"])
    if with_sentences:
        rng = np.random.default_rng(seed)
        for text, label in zip(train["text"], train["label"]):
            sentences = [s for s in _SENTENCE_END.split(text) if len(s.split()) >= _MIN_SENTENCE_WORDS]
            if len(sentences) >= 2:
                texts.append(sentences[rng.integers(len(sentences))])
                labels.append(label)
    return texts, np.asarray(labels, dtype=np.int64)


_CONTRAST_WORDS = ("but", "but", "however", "yet")


def _short_pieces(frame: pd.DataFrame) -> list[str]:
    """Each review's title and sentences, without their final mark."""
    pieces = []
    for title, text in zip(frame["title"], frame["text"]):
        sentences = [s for s in _SENTENCE_END.split(text) if len(s.split()) >= _MIN_SENTENCE_WORDS]
        pieces.append([p.rstrip(" .!?") for p in [title, *sentences] if p.strip(" .!?")])
    return pieces


def contrast_examples(train: pd.DataFrame, share: float, *, seed: int = config.SEED) -> tuple[list[str], np.ndarray]:
    """Made-up contrasts, labelled by the clause after the turn: "<a piece of a review of the
    opposite label>, but <a piece of this review>" ("Lovely colour, but it tore after one
    wash" is negative). ``share`` of the training reviews (drawn, seeded) each give one.

    Shoppers write "X but Y" where Y decides; the reviews alone hold too few such turns for a
    model to learn that the words after "but" weigh more.
    """
    rng = np.random.default_rng(seed + 1)
    pieces = _short_pieces(train)
    labels = train["label"].to_numpy()
    by_label = {label: np.flatnonzero(labels == label) for label in (0, 1)}
    texts, out_labels = [], []
    for row in rng.choice(len(train), size=round(share * len(train)), replace=False):
        own, label = pieces[row], int(labels[row])
        other = pieces[rng.choice(by_label[1 - label])]
        if not own or not other:
            continue
        first, second = other[rng.integers(len(other))], own[rng.integers(len(own))]
        turn = _CONTRAST_WORDS[rng.integers(len(_CONTRAST_WORDS))]
        texts.append(f"{first}, {turn} {second[0].lower()}{second[1:]}.")
        out_labels.append(label)
    return texts, np.asarray(out_labels, dtype=np.int64)


def encode_texts(texts: list[str], vocab: Vocabulary, max_tokens: int) -> list[list[int]]:
    """Token ids of each text, cut to its first ``max_tokens`` tokens.

    A text with no token at all (only control characters) becomes one unknown token: the
    recurrent layers need at least one step. Pages reject such text before it gets here.
    """
    return [vocab.encode(tokenize(text)[:max_tokens]) or [UNK_ID] for text in texts]


def pad_batch(id_lists: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Ids (B, T) padded with PAD_ID to the longest sequence, and lengths (B,)."""
    lengths = torch.tensor([len(ids) for ids in id_lists], dtype=torch.int64)
    ids = torch.full((len(id_lists), int(lengths.max())), PAD_ID, dtype=torch.int64)
    for row, sequence in enumerate(id_lists):
        ids[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.int64)
    return ids, lengths
