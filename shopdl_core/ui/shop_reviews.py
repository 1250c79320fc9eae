"""The product page's reviews: where they come from, the summary (stars beside the model's
positive share, praise and complaints by aspect, "Needs a reply"), each review with its verdict
and the words behind it, and "Write a review".

Scores come from the registry's default review model through the shared loader, cached per
text content (st.cache_data keyed by the texts) and bounded: a product shows at most
``reviews.REVIEWS_PER_PRODUCT`` real reviews and ``MAX_WRITTEN`` of the visitor's own.
"""

from __future__ import annotations

import streamlit as st

from shopdl_core import registry
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.i18n import N_, _
from shopdl_core.shop import aspects
from shopdl_core.shop.reviews import SOURCE, Review, garment_of, reviews_for
from shopdl_core.text.predict import ReviewScore, review_tokens
from shopdl_core.ui.text import highlight_html, score_texts
from shopdl_core.ui.widgets import plain

REVIEW_MODEL = registry.list_models("text", default_first=True)[0]
WRITTEN_KEY = "shop_written_reviews"  # session state: {product_id: [Review, ...]}
MAX_WRITTEN = 10  # per product and session
MAX_REVIEW_CHARS = 2000
NEEDS_REPLY_SHOWN = 3
REVIEWS_SHOWN = 5  # the rest of the list waits in an expander
ASPECT_NAMES = {"fit": N_("Fit and size"), "quality": N_("Fabric and quality"), "colour": N_("Colour"),
                "comfort": N_("Comfort"), "price": N_("Price")}


def written_reviews(product_id: str) -> list[Review]:
    return st.session_state.setdefault(WRITTEN_KEY, {}).get(product_id, [])


def _stars(rating: int | None) -> str:
    return "★" * rating + "☆" * (5 - rating) if rating else _("no stars")


def verdict(score: ReviewScore) -> str:
    label = _("👍 positive") if score.label == "positive" else _("👎 negative")
    return _("{verdict} (P(positive) = {probability:.2f})").format(verdict=label, probability=score.prob_positive)


def _review_card(review: Review, score: ReviewScore, key: str) -> None:
    with st.container(border=True):
        mine = f" · {_('written by you in this session')}" if review.written_here else ""
        st.markdown(f"{_stars(review.rating)}{mine}  \n**{plain(review.title)}**" if review.title
                    else f"{_stars(review.rating)}{mine}")
        st.markdown(plain(review.body))
        st.caption(_("The model's verdict: {verdict}").format(verdict=verdict(score)))
        if st.toggle(_("Show the words behind the verdict"), key=f"words_{key}"):
            st.markdown(highlight_html(score), unsafe_allow_html=True)


def _summary(reviews: list[Review], scores: list[ReviewScore]) -> None:
    stars = aspects.star_distribution([review.rating for review in reviews])
    rated = sum(stars.values())
    star_column, model_column = st.columns(2)
    with star_column:
        st.subheader(_("Stars"))
        for count_stars, count in stars.items():
            st.progress(count / rated if rated else 0.0, text=f"{'★' * count_stars} · {count}")
    with model_column:
        st.subheader(_("The model"))
        positive = sum(score.label == "positive" for score in scores) / len(scores)
        high = sum(stars[s] for s in (4, 5)) / rated if rated else 0.0
        st.metric(_("Positive by the model"), f"{positive:.0%}")
        st.metric(_("4 or 5 stars"), f"{high:.0%}")
        st.caption(_("Model: {name}. Shoppers' stars beside the model's reading of their words.").format(
            name=REVIEW_MODEL))


def _aspects(reviews: list[Review]) -> None:
    sentences = [sentence for review in reviews for sentence in aspects.split_sentences(review.text)]
    scores = score_texts(REVIEW_MODEL, tuple(sentences))
    counts = aspects.aspect_summary(sentences, [score.prob_positive for score in scores])
    st.subheader(_("What people praise and what they complain about"))
    st.caption(_("Each sentence is scored on its own and counted for the aspects its words name."))
    with st.container(horizontal=True, gap="small"):
        for count in counts:
            _aspect_card(count)


def _aspect_card(count: aspects.AspectCount) -> None:
    """One aspect: praise and complaints counted, the strongest sentence of each."""
    with st.container(border=True, width=330):
        st.markdown(_("**{aspect}**: 👍 {praise} · 👎 {complaints}").format(
            aspect=_(ASPECT_NAMES[count.aspect]), praise=count.praise, complaints=count.complaints))
        if count.example_complaint:
            st.caption(f"👎 {plain(count.example_complaint)}")
        if count.example_praise:
            st.caption(f"👍 {plain(count.example_praise)}")


def _write_review(product_id: str) -> None:
    st.subheader(_("Write a review"))
    if len(written_reviews(product_id)) >= MAX_WRITTEN:
        st.info(_("You have written {count} reviews of this product in this session: that is the most.").format(
            count=MAX_WRITTEN))
        return
    with st.form(f"write_{product_id}", clear_on_submit=True):
        title = st.text_input(_("Title (optional)"), max_chars=120, key="shop_review_title")
        body = st.text_area(_("Your review (any language)"), max_chars=MAX_REVIEW_CHARS, key="shop_review_body")
        rating = st.select_slider(_("Stars"), options=[0, 1, 2, 3, 4, 5], value=0, key="shop_review_stars",
                                  format_func=lambda n: _stars(n) if n else _("no stars"))
        sent = st.form_submit_button(_("Post the review"))
    if not sent:
        return
    review = Review(title.strip(), body.strip(), rating or None, written_here=True)
    if not review.body:
        st.error(_("The review is empty: write a sentence or two about the product."))
        return
    try:
        review_tokens(review.text)
        score = score_texts(REVIEW_MODEL, (review.text,))[0]
    except InputError as exc:
        st.error(_("The review could not be read: {reason}").format(reason=str(exc)))
        return
    st.session_state[WRITTEN_KEY].setdefault(product_id, []).append(review)
    st.success(_("Thank you: your review joins this product's reviews for this session. {verdict}").format(
        verdict=verdict(score)))


def reviews_section(product_id: str) -> None:
    st.header(_("Reviews"))
    real = list(reviews_for(product_id))
    garment = garment_of(product_id)
    if garment is not None:
        st.caption(_("These are real reviews of one garment (Clothing ID {garment}, class “{review_class}”) "
                     "from the {source} (CC0): a garment of the same kind as this photo, not the garment "
                     "in it.").format(garment=garment[0], review_class=_(garment[1]), source=_(SOURCE)))
    listed = st.container()  # filled after the form has run, so a review posted now is listed now
    _write_review(product_id)
    with listed:
        _listed_reviews(product_id, real)


def _listed_reviews(product_id: str, real: list[Review]) -> None:
    reviews = real + written_reviews(product_id)
    if not reviews:
        st.info(_("No reviews yet: the reviews data set has no garments of this kind. Be the first to write one."))
        return
    try:
        scores = score_texts(REVIEW_MODEL, tuple(review.text for review in real))
        scores = list(scores) + [score_texts(REVIEW_MODEL, (r.text,))[0] for r in written_reviews(product_id)]
        _summary(reviews, scores)
        _aspects(reviews)
    except CheckpointError as exc:
        st.error(str(exc))
        return
    order = aspects.needs_reply_order([score.prob_positive for score in scores])
    st.subheader(_("Needs a reply"))
    if not order:
        st.caption(_("The model reads no review as negative."))
    st.caption(_("The reviews the model reads as most negative, first: the ones customer service should answer."))
    for index in order[:NEEDS_REPLY_SHOWN]:
        _review_card(reviews[index], scores[index], f"reply_{index}")
    st.subheader(_("All reviews ({count})").format(count=len(reviews)))
    newest_first = list(range(len(reviews)))[::-1] if written_reviews(product_id) else list(range(len(reviews)))
    for index in newest_first[:REVIEWS_SHOWN]:
        _review_card(reviews[index], scores[index], f"all_{index}")
    if len(reviews) > REVIEWS_SHOWN:
        with st.expander(_("The other {count} reviews").format(count=len(reviews) - REVIEWS_SHOWN)):
            for index in newest_first[REVIEWS_SHOWN:]:
                _review_card(reviews[index], scores[index], f"all_{index}")
