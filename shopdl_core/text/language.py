"""Which language a review is written in, as far as the models care: Chinese or English.

A review is Chinese when at least ``CJK_SHARE`` of its letters (characters that are letters
or CJK ideographs; digits, marks and spaces do not count) are CJK ideographs. Japanese kana
and Korean hangul are not counted as CJK: the models were not trained on those languages.
"""

from __future__ import annotations

CJK_SHARE = 0.3
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))


def is_cjk(char: str) -> bool:
    """A CJK ideograph (Han character)."""
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def cjk_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(is_cjk(c) for c in letters) / len(letters) if letters else 0.0


def detect_language(text: str) -> str:
    """"zh" or "en" (the default, also for text without letters)."""
    return "zh" if cjk_share(text) >= CJK_SHARE else "en"
