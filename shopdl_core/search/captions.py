"""Captions for the training photos, built from each photo's kind, colour, department and style.

A photo of kind k and colour c is described by every caption of k without a colour ("jeans",
"运动裤", "casual jeans") and by the captions of k in colour c ("black jeans", "黑色的牛仔裤",
"a sport pants in black"); every word comes from search/vocabulary.py. The coloured captions are
many (colour words x nouns x templates), so a seeded sample of ``per_colour`` of them per kind,
colour and language is kept: the text encoder embeds each caption once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from shopdl_core import config
from shopdl_core.search.vocabulary import COLOUR_WORDS, DEPARTMENT_WORDS, KIND_WORDS, STYLE_WORDS

LANGUAGES = ("en", "zh")
_PLAIN = {"en": ("{noun}", "{style} {noun}", "{department}: {noun}"),
          "zh": ("{noun}", "{style}{noun}", "{department}：{noun}")}
_COLOURED = {"en": ("{colour} {noun}", "a {colour} {noun}", "{colour} {style} {noun}", "a {style} {noun} in {colour}"),
             "zh": ("{colour}{noun}", "{colour}的{noun}", "{colour}{style}{noun}", "{style}{noun}，{colour}")}
PER_COLOUR = 16


@dataclass(frozen=True)
class Caption:
    text: str
    kind: str  # a photo class
    colour: str | None  # a catalogue colour; None: the caption fits the kind in any colour
    language: str  # "en" or "zh"


def _fill(templates: tuple[str, ...], nouns: tuple[str, ...], styles: tuple[str, ...], department: str,
          colours: tuple[str, ...] = ("",)) -> list[str]:
    texts = []
    for template in templates:
        for noun in nouns:
            for colour in colours:
                for style in (styles if "{style}" in template else ("",)):
                    texts.append(template.format(noun=noun, style=style, colour=colour, department=department))
    return list(dict.fromkeys(texts))  # unique, in order


def kind_captions(kind: str, per_colour: int = PER_COLOUR, seed: int = config.SEED) -> list[Caption]:
    """Every caption of one photo class: the colourless ones, then a sample per colour and language."""
    department = config.PHOTO_CLASS_DEPARTMENT[kind]
    captions = []
    for index, language in enumerate(LANGUAGES):
        nouns, styles = KIND_WORDS[kind][index], STYLE_WORDS[kind][index]
        department_word = DEPARTMENT_WORDS[department][index]
        captions += [Caption(text, kind, None, language)
                     for text in _fill(_PLAIN[language], nouns, styles, department_word)]
        for colour, words in COLOUR_WORDS.items():
            texts = _fill(_COLOURED[language], nouns, styles, department_word, words[index])
            rng = random.Random(f"{seed}-{kind}-{colour}-{language}")
            captions += [Caption(text, kind, colour, language)
                         for text in rng.sample(texts, min(per_colour, len(texts)))]
    return captions


def all_captions(per_colour: int = PER_COLOUR, seed: int = config.SEED) -> list[Caption]:
    return [caption for kind in config.PHOTO_CLASSES for caption in kind_captions(kind, per_colour, seed)]
