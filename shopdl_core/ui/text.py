"""Streamlit helpers for the review demo: cached model loaders, the word-attribution shading
(the multilingual model) and the attention highlight (the recurrent models).

Every token a user typed goes through ``html.escape`` before it is placed in HTML, so a
review containing ``<script>`` or ``<img onerror=...>`` is shown as text, never run.
"""

from __future__ import annotations

import html

import streamlit as st

from shopdl_core import registry
from shopdl_core.text.encoder import TextEncoder, load_text_encoder
from shopdl_core.text.encoder.sentiment import Attribution, load_multilingual_sentiment
from shopdl_core.text.predict import ReviewScore, SentimentModel, load_sentiment_model
from shopdl_core.ui.common import build_shared_model, mark_loaded, shared_device

# Highlight colour (the theme's primary, #c2410c) as RGB; the alpha channel carries the weight.
_HIGHLIGHT_RGB = "194, 65, 12"


# Attribution colours: towards positive (green) and towards negative (the theme's orange-red).
_TOWARDS_RGB = {True: "21, 128, 61", False: "194, 65, 12"}


@st.cache_resource(show_spinner="Loading the multilingual text encoder…")
def load_shared_text_encoder() -> TextEncoder:
    """One copy of multilingual-e5-small per server process: the review model and the search by
    words both read it, and neither writes to it."""
    encoder = load_text_encoder(shared_device())
    mark_loaded("text encoder")
    return encoder


@st.cache_resource(show_spinner="Loading the review model…")
def load_text_model(name: str) -> SentimentModel:
    """One shared copy of each review model per server process, already in eval mode."""
    if registry.get_model_entry(name).pretrained_encoder:
        return build_shared_model(name, lambda _, device: load_multilingual_sentiment(
            device, encoder=load_shared_text_encoder()))
    return build_shared_model(name, load_sentiment_model)


def attribution_html(attribution: Attribution) -> str:
    """The review's words as escaped spans, green where deleting the word makes the review read
    more negative (it pushed towards positive), orange-red the other way; stronger = more."""
    strongest = max((abs(s) for s in attribution.scores), default=0.0)
    spans = []
    for unit, score in zip(attribution.units, attribution.scores):
        alpha = round(0.85 * abs(score) / strongest, 3) if strongest > 0 else 0.0
        towards = "positive" if score > 0 else "negative"
        style = f"background: rgba({_TOWARDS_RGB[score > 0]}, {alpha}); padding: 1px 0; border-radius: 3px;"
        title = f"towards {towards}: without it the logit margin moves by {-score:+.2f}"
        spans.append(f'<span style="{style}" title="{html.escape(title)}">{html.escape(unit)}</span>')
    return f'<div style="line-height: 2.1; font-size: 1.02rem; white-space: pre-wrap;">{"".join(spans)}</div>'


def attribution_legend_html() -> str:
    gradient = lambda rgb: f"linear-gradient(to right, rgba({rgb}, 0), rgba({rgb}, 0.85))"
    return (
        '<div style="display: flex; align-items: center; gap: 8px; font-size: 0.85rem; color: #4b5563;">'
        f'<span style="width: 90px; height: 12px; border-radius: 3px; background: {gradient(_TOWARDS_RGB[True])};"></span>'
        "<span>pushed towards positive</span>"
        f'<span style="margin-left: 16px; width: 90px; height: 12px; border-radius: 3px; '
        f'background: {gradient(_TOWARDS_RGB[False])};"></span>'
        "<span>pushed towards negative</span>"
        "</div>"
    )


def _alpha(weight: float, strongest: float) -> float:
    # Relative to the review's strongest weight: in a long review every weight is small, and
    # an absolute scale would leave the whole text pale.
    return round(0.85 * weight / strongest, 3) if strongest > 0 else 0.0


def _word_note(known: bool, seen: bool) -> tuple[str, str]:
    """CSS and tooltip text for a word the model knows from the reviews, from pretrained
    vectors only, or not at all."""
    if not known:
        return " text-decoration: underline dotted #6b7280;", ", unknown word"
    if not seen:
        return " text-decoration: underline dashed #2563eb;", ", not in the clothing reviews: read from its pretrained vector"
    return "", ""


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
        label = f"weight {weight:.3f}" if score.weights else "no attention in this model"
        title = f"{label}{note}"
        spans.append(f'<span style="{style}" title="{html.escape(title)}">{html.escape(token)}</span>')
    return f'<div style="line-height: 2.1; font-size: 1.02rem;">{" ".join(spans)}</div>'


def legend_html() -> str:
    """The colour scale of the highlight, and what the dotted underline means."""
    return (
        '<div style="display: flex; align-items: center; gap: 8px; font-size: 0.85rem; color: #4b5563;">'
        "<span>low attention</span>"
        f'<span style="width: 140px; height: 12px; border-radius: 3px; background: linear-gradient('
        f'to right, rgba({_HIGHLIGHT_RGB}, 0), rgba({_HIGHLIGHT_RGB}, 0.85));"></span>'
        "<span>the review's highest weight</span>"
        '<span style="margin-left: 16px; text-decoration: underline dotted #6b7280;">unknown word</span>'
        '<span style="margin-left: 16px; text-decoration: underline dashed #2563eb;">'
        "not in the clothing reviews (pretrained vector)</span>"
        "</div>"
    )
