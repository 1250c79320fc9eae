"""Review sentiment: type a review in English or Chinese, see each model's verdict and the words
that decided it; or score a whole CSV of reviews."""

import pandas as pd
import streamlit as st

from shopdl_core import registry
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.i18n import N_, _, current_language
from shopdl_core.text.batch import ENCODING_NAMES, read_review_csv, score_frame, text_columns
from shopdl_core.text.language import detect_language
from shopdl_core.text.predict import MAX_TOKENS, ReviewScore
from shopdl_core.ui import charts
from shopdl_core.ui.text import (LANGUAGE_NAMES, SENTIMENT_NAMES, attribution_html, attribution_legend_html,
                                 highlight_html, legend_html, load_text_model, score_texts,
                                 scored_table, word_attribution)
from shopdl_core.ui.widgets import file_uploader, plain

MODELS = registry.list_models("text", default_first=True)  # the multilingual model first
MULTILINGUAL, RNN_MODELS = MODELS[0], MODELS[1:]
# (button key, label, review): the reviews keep their own language, the labels follow the page's.
EXAMPLES = {
    "en": [
        ("example_positive", N_("😀 Positive"),
         "Love this sweater! Soft, warm and it fits perfectly. I get compliments every time I wear it."),
        ("example_negative", N_("😞 Negative"),
         "Very disappointed. The fabric is thin and cheap, the seams came apart after one wash. Returning it."),
        ("example_mixed", N_("😐 Mixed"),
         "Beautiful colour and the fabric is soft, but it runs small and the zipper feels flimsy."),
        ("example_sarcastic", N_("🙃 Sarcastic"),
         "Oh great, another dress that falls apart the first time I wear it. Just what I needed."),
    ],
    "zh": [
        ("example_好评", N_("😀 Positive, in Chinese"), "质量很好，物流也快，穿着很舒服，非常满意！"),
        ("example_差评", N_("😞 Negative, in Chinese"), "太差了，穿了一次就破了，客服也不理人。"),
        ("example_转折", N_("😐 Mixed, in Chinese"), "颜色很好看，但是尺码偏小，穿着有点紧。"),
    ],
}
MODEL_NOTES = {
    "MultilingualE5": N_("multilingual-e5-small, pretrained on about 100 languages, its top two layers "
                         "fine-tuned on English and Chinese reviews; reads both"),
    "ReviewRNN": N_("one-directional {cell}, reads to the last word; the simpler baseline, right less often "
                    "on reviews of things other than clothes"),
    "AttentionRNN": N_("bidirectional {cell} + attention over the words"),
}
SENTIMENT_COLOURS = {"positive": "#15803d", "negative": "#c2410c", "": "#9ca3af"}  # "": not scored


def use_example(text: str) -> None:
    st.session_state["review_text"] = text


def render_verdict(score: ReviewScore) -> None:
    verdict = _("👍 positive") if score.label == "positive" else _("👎 negative")
    st.markdown(f"**{verdict}**")
    st.progress(score.prob_positive, text=_("P(positive) = {probability:.3f}").format(probability=score.prob_positive))
    if score.unsure:
        st.caption(_("Close to 50/50: the review may be mixed, or the model cannot tell."))


def render_multilingual(text: str) -> None:
    """The first card: the multilingual model's verdict and its word attribution."""
    score = score_texts(MULTILINGUAL, (text,))[0]
    st.markdown(f"#### {MULTILINGUAL}")
    st.caption(_(MODEL_NOTES[MULTILINGUAL]))
    render_verdict(score)
    if score.truncated_from:
        st.caption(_("Read the first {read} of the review's {total} pieces.").format(
            read=len(score.tokens), total=score.truncated_from))
    with st.spinner(_("Leaving out each word in turn to see what it changes…")):
        attribution = word_attribution(MULTILINGUAL, text)
    st.markdown(attribution_html(attribution), unsafe_allow_html=True)
    st.markdown(attribution_legend_html(), unsafe_allow_html=True)
    st.caption(_("Word attribution: each word (for Chinese, each word piece or character) was left out "
                 "in turn and the review scored again; the shade is how far that moved the score."))


def render_rnn(name: str, score: ReviewScore | None, cell: str) -> None:
    st.markdown(f"#### {name}")
    st.caption(_(MODEL_NOTES[name]).format(cell=cell.upper()))
    if score is None:
        st.info(_("{model} reads English only: it gives no verdict on a Chinese review.").format(model=name))
        return
    render_verdict(score)
    if score.far_from_training:
        st.markdown(_("⚠️ **Unlike the reviews it learnt from**: {reason}. Trust this score less.").format(
            reason=score.far_from_training))
    st.markdown(_("Attention (where the model looked):"),
                help=_("Knew {known} of the {total} words and marks; {unseen:.0%} of the words never occurred "
                       "in the clothing reviews.").format(known=score.known_count, total=len(score.tokens),
                                                          unseen=score.unseen_share))
    st.markdown(highlight_html(score), unsafe_allow_html=True)


def render_examples() -> None:
    st.markdown(_("**Try an example**, or type your own review below, in English or Chinese."))
    for examples in EXAMPLES.values():  # English, then Chinese; a row wraps on a narrow screen
        with st.container(horizontal=True):
            for key, label, text in examples:
                st.button(_(label), key=key, on_click=use_example, args=(text,))


def render_single_review() -> None:
    render_examples()
    first_example = EXAMPLES["zh" if current_language() == "zh" else "en"][0][2]
    st.session_state.setdefault("review_text", first_example)
    text = st.text_area(_("Your review"), key="review_text", height=110,
                        help=_("Reviews of any product in English or Chinese; the recurrent models read "
                               "English only, the first {most} words and marks.").format(most=MAX_TOKENS))
    language = detect_language(text)
    scores, cells = {}, {}
    try:
        for name in RNN_MODELS:
            scores[name] = score_texts(name, (text,))[0] if language == "en" else None
            cells[name] = load_text_model(name).model.config.cell
        columns = st.columns(len(MODELS))
        with columns[0].container(border=True):
            render_multilingual(text)
    except InputError as exc:
        st.error(str(exc))
        return
    except CheckpointError as exc:
        st.error(_("A review model could not be loaded: {problem}").format(problem=exc))
        return
    st.caption(_("Language read: {language}.").format(language=_(LANGUAGE_NAMES[language])))
    first = scores[RNN_MODELS[0]]
    if first is not None and first.truncated_from:
        st.info(_("This review has {count:,} words and marks; the recurrent models read the first {most} "
                  "of them.").format(count=first.truncated_from, most=MAX_TOKENS))
    if first is not None and first.mostly_unknown:
        st.warning(_("The recurrent models understand English shop reviews, and knew only {known} of the "
                     "{total} words and marks here: treat their scores as a guess.").format(
            known=first.known_count, total=len(first.tokens)))
    for column, name in zip(columns[1:], RNN_MODELS):
        with column.container(border=True):
            render_rnn(name, scores[name], cells[name])
    if language == "en":
        st.markdown(legend_html(), unsafe_allow_html=True)
        st.caption(_("ReviewRNN has no attention, so its words are not shaded. Attention shows where the "
                     "model looked, not a proof of why it decided; sarcasm usually fools the recurrent models."))


def summary_chart(scored: pd.DataFrame) -> charts.Spec:
    """How many rows came out positive, negative or not scored, in the page's language."""
    names = {value: _(SENTIMENT_NAMES[value]) for value in SENTIMENT_COLOURS}
    counts = scored["sentiment"].map(names).value_counts()
    return charts.count_bars(counts.to_dict(), {names[value]: colour for value, colour in SENTIMENT_COLOURS.items()},
                             category=_("sentiment"), value=_("reviews"))


def render_batch() -> None:
    st.header(_("Score a CSV of reviews"))
    upload = file_uploader(st, _("CSV file, one review per row"), types=["csv", "txt"], key="review_csv",
                           help=_("UTF-8, UTF-16 or Latin-1; up to 5,000 rows."))
    if upload is None:
        st.caption(_("Upload a CSV to score every row; the scored file can be downloaded."))
        return
    try:
        # The uploaded file's name is not echoed: messages render as Markdown.
        frame, encoding = read_review_csv(upload.getvalue())
        columns = text_columns(frame)
    except InputError as exc:
        st.error(plain(str(exc)))  # it may quote the file's header cells
        return
    st.caption(_("{rows:,} row(s), read as {encoding}.").format(rows=len(frame), encoding=ENCODING_NAMES[encoding]))
    left, right = st.columns(2)
    column = left.selectbox(_("Text column"), columns, key="review_column")
    model_name = right.radio(_("Model"), MODELS, index=0, horizontal=True, key="review_batch_model",
                             help=_("Only {model} reads Chinese rows.").format(model=MULTILINGUAL))
    request = (upload.file_id, column, model_name, current_language())  # the notes are in the page's language
    if st.button(_("Score all rows"), key="score_csv", type="primary"):
        progress = st.progress(0.0, text=_("Scoring…"))
        try:
            scored = score_frame(load_text_model(model_name), frame, column,
                                 on_progress=lambda done, total: progress.progress(
                                     done / total, text=_("Scored {done:,} of {total:,} reviews").format(
                                         done=done, total=total)))
        except (InputError, CheckpointError) as exc:
            st.error(str(exc))
            return
        progress.empty()
        st.session_state["review_scored"] = (request, scored)
    stored = st.session_state.get("review_scored")
    if stored is None or stored[0] != request:
        return
    scored = stored[1]
    empty = int((scored["sentiment"] == "").sum())
    if empty:
        st.warning(_("{count:,} row(s) had no text in “{column}” and were not scored.").format(
            count=empty, column=plain(column)))
    st.vega_lite_chart(summary_chart(scored), width="stretch")
    table, column_config = scored_table(scored, unknown_words=model_name != MULTILINGUAL)
    st.dataframe(table, width="stretch", hide_index=True, column_config=column_config)
    st.download_button(_("Download scored CSV"), scored.to_csv(index=False).encode("utf-8"),
                       file_name=f"scored_{upload.name.rsplit('.', 1)[0]}.csv", mime="text/csv",
                       key="download_scored",
                       help=_("The file's own columns, then language (en, zh), sentiment, prob_positive, "
                              "unknown_share and note."))


st.title(_("💬 Review sentiment"), help=_(
    "The recurrent networks were trained on real clothing-shop reviews with GloVe vectors, the VADER "
    "lexicon and 3,260 written reviews of other things; the multilingual encoder's top two layers were "
    "fine-tuned on English and Chinese reviews (docs/multilingual-encoder.md)."))
st.markdown(_("A pretrained multilingual encoder, {model}, reads a review in English or Chinese and shows "
              "which words decided. Beside it, two recurrent networks trained on clothing-shop reviews read "
              "English.").format(model=MULTILINGUAL))
render_single_review()
render_batch()
