"""What reviews praise and complain about, by aspect, from sentence-level sentiment.

Each review is cut into sentences; a sentence is about an aspect when it holds one of the
aspect's keywords (English words are matched whole, lower-case; Chinese ones as substrings,
since Chinese has no spaces). Its sentiment, scored by the review model, counts as praise
(P(positive) >= 0.5) or a complaint for every aspect it names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Aspect -> (English keywords, Chinese keywords). One table: add a word here and both the
# summary and its tests see it.
ASPECT_KEYWORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fit": (("fit", "fits", "fitted", "fitting", "size", "sizes", "sizing", "small", "large", "big", "tight",
             "loose", "long", "short", "length", "petite", "runs", "waist", "snug", "baggy"),
            ("尺码", "合身", "大小", "偏大", "偏小", "太紧", "宽松", "长度", "腰", "码数")),
    "quality": (("fabric", "material", "quality", "thin", "thick", "soft", "cheap", "seams", "seam",
                 "stitching", "sturdy", "flimsy", "cotton", "linen", "wash", "washed", "pilling", "sheer", "itchy"),
                ("面料", "质量", "做工", "材质", "布料", "薄", "厚", "起球", "线头", "质感")),
    "colour": (("color", "colors", "colour", "colours", "shade", "print", "pattern", "bright", "faded", "dye"),
               ("颜色", "配色", "色彩", "图案", "印花", "褪色")),
    "comfort": (("comfortable", "comfy", "comfort", "uncomfortable", "cozy", "cosy", "breathable", "stretchy",
                 "stretch", "warm", "scratchy"),
                ("舒服", "舒适", "透气", "暖和", "弹性", "不舒服")),
    "price": (("price", "priced", "expensive", "cheaper", "worth", "value", "sale", "money", "overpriced",
               "pricey", "cost"),
              ("价格", "价钱", "贵", "便宜", "值", "性价比", "划算")),
}
ASPECTS = tuple(ASPECT_KEYWORDS)
POSITIVE_FROM = 0.5

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*|\n+")
_WORD = re.compile(r"[a-z']+")


def split_sentences(text: str) -> list[str]:
    """The sentences of a review (English or Chinese), stripped, empty ones dropped."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def sentence_aspects(sentence: str) -> tuple[str, ...]:
    """The aspects a sentence names, in ASPECTS order."""
    lowered = sentence.lower()
    words = set(_WORD.findall(lowered))
    return tuple(aspect for aspect, (english, chinese) in ASPECT_KEYWORDS.items()
                 if words.intersection(english) or any(word in lowered for word in chinese))


@dataclass(frozen=True)
class AspectCount:
    aspect: str
    praise: int
    complaints: int
    example_praise: str | None  # the most positive sentence about it
    example_complaint: str | None  # the most negative one


def aspect_summary(sentences: Sequence[str], prob_positive: Sequence[float]) -> list[AspectCount]:
    """Praise and complaints per aspect over scored sentences, every aspect listed (zeros too)."""
    if len(sentences) != len(prob_positive):
        raise ValueError("one probability per sentence")
    found: dict[str, list[tuple[float, str]]] = {aspect: [] for aspect in ASPECTS}
    for sentence, prob in zip(sentences, prob_positive):
        for aspect in sentence_aspects(sentence):
            found[aspect].append((float(prob), sentence))
    counts = []
    for aspect, scored in found.items():
        good = sorted((s for s in scored if s[0] >= POSITIVE_FROM), reverse=True)
        bad = sorted(s for s in scored if s[0] < POSITIVE_FROM)
        counts.append(AspectCount(aspect, len(good), len(bad), good[0][1] if good else None,
                                  bad[0][1] if bad else None))
    return counts


def star_distribution(ratings: Sequence[int | None]) -> dict[int, int]:
    """How many reviews gave each number of stars, 5 down to 1 (reviews without stars left out)."""
    return {stars: sum(1 for r in ratings if r == stars) for stars in range(5, 0, -1)}


def needs_reply_order(prob_positive: Sequence[float]) -> list[int]:
    """Indices of the negative reviews (P(positive) < 0.5), most negative first."""
    negative = [i for i, p in enumerate(prob_positive) if p < POSITIVE_FROM]
    return sorted(negative, key=lambda i: (prob_positive[i], i))
