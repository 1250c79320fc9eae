"""A small tokeniser of the project's own, and the vocabulary built on the training split.

Design choices, for reviews typed by shoppers about any product (not only clothes):
- lower-case words and numbers; "!" and "?" are kept as tokens because they carry sentiment;
  "." and "," are kept because they mark clause boundaries the recurrent layer can use;
- negations stay visible as a separate "not": "didn't" -> "did" "not", "can't" -> "can" "not",
  so "isn't good" and "is not good" read the same to the model;
- letters repeated three or more times are cut to two ("sooo" -> "soo", "!!!!" -> "!" "!"),
  so emphatic spellings share one token;
- emoji and other symbols become tokens of their own, so the page can show them as unknown
  rather than silently dropping what the user typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

PAD = "<pad>"
UNK = "<unk>"
PAD_ID = 0
UNK_ID = 1

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_IRREGULAR_NEGATIONS = {"won't": ("will", "not"), "can't": ("can", "not"), "cannot": ("can", "not"),
                        "ain't": ("is", "not"), "shan't": ("shall", "not")}
# Typed without the apostrophe ("didnt", "wasnt"): only after these, so "want" and "rant" stay.
_AUXILIARIES = {"do", "did", "does", "is", "was", "were", "are", "could", "would", "should",
                "have", "has", "had", "must", "need"}
_CLITICS = ("'s", "'m", "'re", "'ve", "'ll", "'d")
_ELONGATED = re.compile(r"(.)\1{2,}")
# A word (letters, digits, inner apostrophes), a kept punctuation mark, or any other
# non-space symbol (emoji, CJK punctuation) as a token of its own.
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[!?.,]|[^\w\s]", re.UNICODE)
_WORD_START = re.compile(r"[^\W_]")


def _split_word(word: str) -> list[str]:
    if word in _IRREGULAR_NEGATIONS:
        return list(_IRREGULAR_NEGATIONS[word])
    if word.endswith("n't") and len(word) > 3:
        return [word[:-3], "not"]
    if word.endswith("nt") and word[:-2] in _AUXILIARIES:
        return [word[:-2], "not"]
    for clitic in _CLITICS:
        if word.endswith(clitic) and len(word) > len(clitic):
            return [word[: -len(clitic)], clitic]
    return [word]


def tokenize(text: str) -> list[str]:
    """Split a review into lower-case tokens (see the module docstring for the rules)."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    text = _ELONGATED.sub(r"\1\1", text)
    tokens: list[str] = []
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if _WORD_START.match(piece):
            tokens.extend(_split_word(piece))
        elif unicodedata.category(piece[0]) not in ("Cc", "Cf", "Mn"):
            # Control and format characters (zero-width joiners, BOMs) are not words.
            tokens.append(piece)
    return tokens


# Negation scope, as in Pang, Lee and Vaithyanathan (2002): the words after a negator, up to the
# next clause mark or turn, have their polarity reversed ("not a single crash", "no complaints").
NEGATORS = frozenset({"not", "no", "never", "nothing", "nobody", "none", "nor", "neither", "without",
                      "hardly", "barely", "nowhere"})
SCOPE_ENDS = frozenset({".", ",", "!", "?", ";", ":", "but", "however", "yet", "although", "though"})
NEGATOR_ROLE, SCOPE_END_ROLE = 1, 2


class Vocabulary:
    """Token <-> id mapping with padding (id 0) and unknown (id 1)."""

    def __init__(self, tokens: Iterable[str]):
        tokens = list(tokens)
        if tokens[:2] != [PAD, UNK]:
            raise ValueError(f"a vocabulary starts with {PAD!r} and {UNK!r}, got {tokens[:2]}")
        self.itos = tokens
        self.stoi = {token: index for index, token in enumerate(tokens)}
        if len(self.stoi) != len(tokens):
            raise ValueError("a vocabulary lists each token once")

    @classmethod
    def build(cls, texts: Iterable[list[str]], *, min_freq: int, max_size: int | None = None) -> "Vocabulary":
        """Keep tokens seen at least ``min_freq`` times (rare, product-specific words become unknown).

        Ties in frequency are broken alphabetically so the same data always gives the same ids.
        """
        counts = Counter(token for tokens in texts for token in tokens)
        kept = sorted((t for t, n in counts.items() if n >= min_freq), key=lambda t: (-counts[t], t))
        if max_size is not None:
            kept = kept[: max_size - 2]
        return cls([PAD, UNK, *kept])

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, tokens: list[str]) -> list[int]:
        return [self.stoi.get(token, UNK_ID) for token in tokens]

    def negation_roles(self) -> list[int]:
        """Per id: NEGATOR_ROLE, SCOPE_END_ROLE or 0 (see NEGATORS)."""
        return [NEGATOR_ROLE if t in NEGATORS else SCOPE_END_ROLE if t in SCOPE_ENDS else 0 for t in self.itos]
