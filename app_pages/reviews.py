"""Review sentiment: type a review in English or Chinese, see each model's verdict and the words
that decided it; or score a whole CSV of reviews."""

import pandas as pd
import streamlit as st

from shopdl_core import registry
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.text.batch import read_review_csv, score_frame, text_columns
from shopdl_core.text.language import detect_language
from shopdl_core.text.predict import MAX_TOKENS, ReviewScore
from shopdl_core.ui import charts
from shopdl_core.ui.text import (attribution_html, attribution_legend_html, highlight_html, legend_html,
                                 load_text_model)

MODELS = registry.list_models("text", default_first=True)  # the multilingual model first
MULTILINGUAL, RNN_MODELS = MODELS[0], MODELS[1:]
LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}
EXAMPLES = {
    "😀 Positive": "Love this sweater! Soft, warm and it fits perfectly. I get compliments every time I wear it.",
    "😞 Negative": "Very disappointed. The fabric is thin and cheap, the seams came apart after one wash. Returning it.",
    "😐 Mixed": "Beautiful colour and the fabric is soft, but it runs small and the zipper feels flimsy.",
    "🙃 Sarcastic": "Oh great, another dress that falls apart the first time I wear it. Just what I needed.",
    "😀 好评": "质量很好，物流也快，穿着很舒服，非常满意！",
    "😞 差评": "太差了，穿了一次就破了，客服也不理人。",
    "😐 转折": "颜色很好看，但是尺码偏小，穿着有点紧。",
}
MODEL_NOTES = {
    "MultilingualE5": "multilingual-e5-small, pretrained on about 100 languages, its top two layers "
                      "fine-tuned on English and Chinese reviews; reads both",
    "ReviewRNN": "one-directional {cell}, reads to the last word; the simpler baseline, right less often "
                 "on reviews of things other than clothes",
    "AttentionRNN": "bidirectional {cell} + attention over the words",
}


def use_example(text: str) -> None:
    st.session_state["review_text"] = text


def render_verdict(score: ReviewScore) -> None:
    verdict = "👍 positive" if score.label == "positive" else "👎 negative"
    st.markdown(f"**{verdict}**")
    st.progress(score.prob_positive, text=f"P(positive) = {score.prob_positive:.3f}")


def render_multilingual(text: str) -> None:
    """The first card: the multilingual model's verdict and its word attribution."""
    scorer = load_text_model(MULTILINGUAL)
    score = scorer.score(text)
    st.markdown(f"#### {MULTILINGUAL}")
    st.caption(MODEL_NOTES[MULTILINGUAL])
    render_verdict(score)
    if score.truncated_from:
        st.caption(f"Read the first {len(score.tokens)} of the review's {score.truncated_from} pieces.")
    with st.spinner("Deleting each word in turn to see what it changes…"):
        attribution = scorer.attribute(text)
    st.markdown(attribution_html(attribution), unsafe_allow_html=True)
    st.markdown(attribution_legend_html(), unsafe_allow_html=True)
    st.caption("Word attribution: each word (for Chinese, each word piece or character) was left out "
               "in turn and the review scored again; the shade is how far that moved the score.")


def render_rnn(name: str, score: ReviewScore | None, cell: str, members: int) -> None:
    st.markdown(f"#### {name}")
    note = MODEL_NOTES[name].format(cell=cell.upper())
    st.caption(f"the mean of {members} networks from different seeds, each {note}" if members > 1 else note)
    if score is None:
        st.info(f"{name} reads English only: it gives no verdict on a Chinese review.")
        return
    render_verdict(score)
    if score.far_from_training:
        st.markdown(f"⚠️ **Far from the training reviews**: {score.far_from_training}. "
                    "Trust this score less than the test figures.")
    st.markdown("Attention (where the model looked):")
    st.markdown(highlight_html(score), unsafe_allow_html=True)
    st.caption(f"Knew {score.known_count} of {len(score.tokens)} words and marks; "
               f"{score.unseen_share:.0%} of the words never occurred in the clothing reviews.")


def render_single_review() -> None:
    st.markdown("**Try an example**, or type your own review below, in English or Chinese.")
    examples = list(EXAMPLES.items())
    for row in (examples[:4], examples[4:]):  # English, then Chinese
        for column, (title, text) in zip(st.columns(4), row):
            column.button(title, key=f"example_{title.split()[-1].lower()}", on_click=use_example,
                          args=(text,), width="stretch")
    st.session_state.setdefault("review_text", EXAMPLES["😀 Positive"])
    text = st.text_area("Your review", key="review_text", height=110,
                        help=f"Reviews of any product in English or Chinese; the recurrent models read "
                             f"English only, the first {MAX_TOKENS} words and marks.")
    language = detect_language(text)
    scores, cells, members = {}, {}, {}
    try:
        for name in RNN_MODELS:
            scorer = load_text_model(name)
            scores[name] = scorer.score(text) if language == "en" else None
            cells[name], members[name] = scorer.model.config.cell, scorer.members
        columns = st.columns(len(MODELS))
        with columns[0].container(border=True):
            render_multilingual(text)
    except InputError as exc:
        st.error(str(exc))
        return
    except CheckpointError as exc:
        st.error(f"A review model could not be loaded: {exc}")
        return
    st.caption(f"Language read: {LANGUAGE_NAMES[language]}.")
    first = scores[RNN_MODELS[0]]
    if first is not None and first.truncated_from:
        st.info(f"This review has {first.truncated_from:,} words and marks; the recurrent models read the "
                f"first {MAX_TOKENS} of them.")
    if first is not None and first.mostly_unknown:
        st.warning(f"The recurrent models understand English shop reviews, and knew only {first.known_count} "
                   f"of the {len(first.tokens)} words and marks here: treat their scores as a guess.")
    for column, name in zip(columns[1:], RNN_MODELS):
        with column.container(border=True):
            render_rnn(name, scores[name], cells[name], members[name])
    if language == "en":
        st.markdown(legend_html(), unsafe_allow_html=True)
        st.caption("ReviewRNN has no attention, so its words are not shaded. Attention shows where the "
                   "model looked, not a proof of why it decided; sarcasm usually fools the recurrent models.")


SENTIMENT_COLOURS = {"positive": "#15803d", "negative": "#c2410c", "not scored": "#9ca3af"}


def summary_chart(scored: pd.DataFrame) -> charts.Spec:
    counts = scored["sentiment"].replace("", "not scored").value_counts()
    return charts.count_bars(counts.to_dict(), SENTIMENT_COLOURS, category="sentiment", value="reviews")


def render_batch() -> None:
    st.header("Score a CSV of reviews")
    upload = st.file_uploader("CSV file, one review per row", type=["csv", "txt"], key="review_csv",
                              help="UTF-8, UTF-16 or Latin-1; up to 5,000 rows.")
    if upload is None:
        st.caption("Upload a CSV to score every row; the scored file can be downloaded.")
        return
    try:
        frame, encoding = read_review_csv(upload.getvalue())
        columns = text_columns(frame)
    except InputError as exc:
        st.error(f"{upload.name}: {exc}")
        return
    st.caption(f"{upload.name}: {len(frame):,} rows, read as {encoding}.")
    left, right = st.columns(2)
    column = left.selectbox("Text column", columns, key="review_column")
    model_name = right.radio("Model", MODELS, index=0, horizontal=True, key="review_batch_model",
                             help="Only MultilingualE5 reads Chinese rows.")
    request = (upload.file_id, column, model_name)
    if st.button("Score all rows", key="score_csv", type="primary"):
        progress = st.progress(0.0, text="Scoring…")
        try:
            scored = score_frame(load_text_model(model_name), frame, column,
                                 on_progress=lambda done, total: progress.progress(
                                     done / total, text=f"Scored {done:,} of {total:,} reviews"))
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
        st.warning(f"{empty:,} row(s) had no text in '{column}' and were not scored.")
    st.vega_lite_chart(summary_chart(scored), width="stretch")
    st.dataframe(scored, width="stretch", hide_index=True,
                 column_config={"prob_positive": st.column_config.ProgressColumn(
                     "P(positive)", min_value=0.0, max_value=1.0, format="%.3f")})
    st.download_button("Download scored CSV", scored.to_csv(index=False).encode("utf-8"),
                       file_name=f"scored_{upload.name.rsplit('.', 1)[0]}.csv", mime="text/csv",
                       key="download_scored")


st.title("💬 Review sentiment")
st.markdown("A pretrained multilingual encoder (multilingual-e5-small), fine-tuned on English and "
            "Chinese reviews, reads what you type in either language and shows which words decided. "
            "Beside it, the seed's two recurrent networks, trained on real clothing-shop reviews with "
            "GloVe vectors, the VADER lexicon and 3,260 written reviews of other things, read English.")
render_single_review()
render_batch()
