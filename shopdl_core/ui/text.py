"""Streamlit helpers for the review demo: cached model loaders, the word-attribution shading
(the multilingual model) and the attention highlight (the recurrent models).

Every token a user typed goes through ``html.escape`` before it is placed in HTML, so a
review containing ``<script>`` or ``<img onerror=...>`` is shown as text, never run.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from shopdl_core import registry
from shopdl_core.i18n import _, L_, N_
from shopdl_core.text.encoder import TextEncoder, load_text_encoder
from shopdl_core.text.encoder.sentiment import Attribution, load_multilingual_sentiment
from shopdl_core.text.predict import ReviewScore, SentimentModel, load_sentiment_model
from shopdl_core.ui.common import build_shared_model, mark_loaded, shared_device

LANGUAGE_NAMES = {"en": N_("English"), "zh": N_("Chinese")}
SENTIMENT_NAMES = {"positive": N_("positive"), "negative": N_("negative"), "": N_("not scored")}
# The scored CSV's result columns (text/batch.py), in the order shown, under the page's headers.
SCORED_HEADERS = {"sentiment": N_("Sentiment"), "prob_positive": N_("P(positive)"), "unknown_share": N_("Unknown words"),
                  "language": N_("Language"), "note": N_("Notes")}
NOT_SCORED = "–"  # a row without text has no language, verdict or numbers; its note says why

# Highlight colour (the theme's primary, #c2410c) as RGB; the alpha channel carries the weight.
_HIGHLIGHT_RGB = "194, 65, 12"


# Attribution colours: towards positive (green) and towards negative (the theme's orange-red).
_TOWARDS_RGB = {True: "21, 128, 61", False: "194, 65, 12"}


@st.cache_resource(show_spinner=L_("Loading the multilingual text encoder…"))
def load_shared_text_encoder() -> TextEncoder:
    """One copy of multilingual-e5-small per server process: the review model and the search by
    words both read it, and neither writes to it."""
    encoder = load_text_encoder(shared_device())
    mark_loaded("text encoder")
    return encoder


@st.cache_resource(show_spinner=L_("Loading the review model…"))
def load_text_model(name: str) -> SentimentModel:
    """One shared copy of each review model per server process, already in eval mode."""
    if registry.get_model_entry(name).pretrained_encoder:
        return build_shared_model(name, lambda _, device: load_multilingual_sentiment(
            device, encoder=load_shared_text_encoder()))
    return build_shared_model(name, load_sentiment_model)


@st.cache_resource(max_entries=512, show_spinner=False)
def score_texts(model_name: str, texts: tuple[str, ...]) -> tuple[ReviewScore, ...]:
    """The model's scores of ``texts``, cached by their content (a product's reviews, its
    sentences, the review typed on the reviews page). Shared, not copied (cache_data would
    unpickle a copy on every run of every product page: an eighth of its CPU, py-spy): the
    scores are frozen and no caller changes them."""
    return tuple(load_text_model(model_name).score_many(list(texts)))


@st.cache_resource(max_entries=64, show_spinner=False)
def word_attribution(model_name: str, text: str) -> Attribution:
    """The model's leave-one-word-out attribution of ``text`` (one forward pass per word),
    cached by the text: a rerun of the page, a language switch or a visit back reuses it."""
    return load_text_model(model_name).attribute(text)


def scored_table(scored: pd.DataFrame, *, unknown_words: bool) -> tuple[pd.DataFrame, dict]:
    """The scored CSV as the page shows it: the file's own columns, then the results under plain
    headers with words in the page's language. A row without text has a dash for its language and
    verdict and empty number cells (a bar column shows a missing number as an empty cell, a number
    column as "None"); its note says why. ``unknown_words``: show the share of unknown words (it
    means nothing for the multilingual model's word pieces, none of which is unknown)."""
    results = [column for column in SCORED_HEADERS if unknown_words or column != "unknown_share"]
    table = scored[[*(column for column in scored.columns if column not in SCORED_HEADERS), *results]].copy()
    table["language"] = [_(LANGUAGE_NAMES[code]) if code else NOT_SCORED for code in table["language"]]
    table["sentiment"] = [_(SENTIMENT_NAMES[label]) if label else NOT_SCORED for label in table["sentiment"]]
    headers = {column: _(header) for column, header in SCORED_HEADERS.items() if column in table}
    # The file's own columns keep their names, unless one reads like a result's header ("Sentiment").
    headers |= {column: _("{column} (in the file)").format(column=column) for column in table.columns
                if column not in SCORED_HEADERS and column in headers.values()}
    bars = {"prob_positive": ("%.3f", _("The model's calibrated probability that the review is positive.")),
            "unknown_share": ("percent", _("Share of the words and marks the model does not know."))}
    config = {headers[column]: st.column_config.ProgressColumn(headers[column], min_value=0.0, max_value=1.0,
                                                               format=number_format, help=help_text)
              for column, (number_format, help_text) in bars.items() if column in table}
    config[headers["note"]] = st.column_config.TextColumn(headers["note"], width="large")
    return table.rename(columns=headers), config


def attribution_html(attribution: Attribution) -> str:
    """The review's words as escaped spans, green where deleting the word makes the review read
    more negative (it pushed towards positive), orange-red the other way; stronger = more."""
    strongest = max((abs(s) for s in attribution.scores), default=0.0)
    spans = []
    for unit, score in zip(attribution.units, attribution.scores):
        alpha = round(0.85 * abs(score) / strongest, 3) if strongest > 0 else 0.0
        style = f"background: rgba({_TOWARDS_RGB[score > 0]}, {alpha}); padding: 1px 0; border-radius: 3px;"
        towards = (_("pushed towards positive: without it the logit margin moves by {change:+.2f}") if score > 0
                   else _("pushed towards negative: without it the logit margin moves by {change:+.2f}"))
        title = towards.format(change=-score)
        spans.append(f'<span style="{style}" title="{html.escape(title)}">{html.escape(unit)}</span>')
    return f'<div style="line-height: 2.1; font-size: 1.02rem; white-space: pre-wrap;">{"".join(spans)}</div>'


# A legend is a row of (swatch, words) pairs that wraps onto more lines on a narrow screen; a
# pair never breaks between its swatch and its words.
_LEGEND = '<div style="display: flex; flex-wrap: wrap; align-items: center; gap: 4px 18px; font-size: 0.85rem; color: #4b5563;">'
_LEGEND_ITEM = '<span style="display: inline-flex; flex-wrap: wrap; align-items: center; gap: 4px 8px;">'
_SWATCH = 'width: {width}px; height: 12px; border-radius: 3px; flex: none; background: {background};'


def _gradient(rgb: str) -> str:
    return f"linear-gradient(to right, rgba({rgb}, 0), rgba({rgb}, 0.85))"


def attribution_legend_html() -> str:
    items = [(_SWATCH.format(width=90, background=_gradient(_TOWARDS_RGB[towards])), words)
             for towards, words in ((True, _("pushed towards positive")), (False, _("pushed towards negative")))]
    return _LEGEND + "".join(f'{_LEGEND_ITEM}<span style="{swatch}"></span><span>{html.escape(words)}</span></span>'
                             for swatch, words in items) + "</div>"


def _alpha(weight: float, strongest: float) -> float:
    # Relative to the review's strongest weight: in a long review every weight is small, and
    # an absolute scale would leave the whole text pale.
    return round(0.85 * weight / strongest, 3) if strongest > 0 else 0.0


def _word_note(known: bool, seen: bool) -> tuple[str, str | None]:
    """CSS and tooltip text for a word the model knows from the reviews, from pretrained
    vectors only, or not at all."""
    if not known:
        return " text-decoration: underline dotted #6b7280;", _("unknown word")
    if not seen:
        return " text-decoration: underline dashed #2563eb;", _("not in the clothing reviews: read from its pretrained vector")
    return "", None


def highlight_html(score: ReviewScore) -> str:
    """The tokens as escaped spans, shaded by attention weight; unknown words are underlined
    (dotted), words known only from pretrained vectors too (dashed)."""
    weights = score.weights or [0.0] * len(score.tokens)
    strongest = max(weights, default=0.0)
    seen_flags = score.seen if score.seen is not None else score.known
    spans = []
    for token, weight, known, seen in zip(score.tokens, weights, score.known, seen_flags):
        style = f"background: rgba({_HIGHLIGHT_RGB}, {_alpha(weight, strongest)}); padding: 1px 3px; border-radius: 3px;"
        decoration, note = _word_note(known, seen)
        style += decoration
        label = _("attention {weight:.3f}").format(weight=weight) if score.weights else _("no attention in this model")
        title = _("; ").join([label, note] if note else [label])
        spans.append(f'<span style="{style}" title="{html.escape(title)}">{html.escape(token)}</span>')
    return f'<div style="line-height: 2.1; font-size: 1.02rem;">{" ".join(spans)}</div>'


def legend_html() -> str:
    """The colour scale of the highlight, and what the dotted and dashed underlines mean."""
    low, high, unknown, vector = (html.escape(words) for words in (
        _("low attention"), _("highest in this review"), _("unknown word"),
        _("not in the clothing reviews (pretrained vector)")))
    swatch = _SWATCH.format(width=90, background=_gradient(_HIGHLIGHT_RGB))
    return (f'{_LEGEND}{_LEGEND_ITEM}<span>{low}</span><span style="{swatch}"></span><span>{high}</span></span>'
            f'<span style="text-decoration: underline dotted #6b7280;">{unknown}</span>'
            f'<span style="text-decoration: underline dashed #2563eb;">{vector}</span></div>')
