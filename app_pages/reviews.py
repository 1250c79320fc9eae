"""Review sentiment: type a review, see both models' verdicts and the words the attention
model looked at; or score a whole CSV of reviews."""

import pandas as pd
import streamlit as st

from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.text.batch import read_review_csv, score_frame, text_columns
from shopdl_core.text.predict import MAX_TOKENS, TEXT_MODELS, ReviewScore
from shopdl_core.ui import charts
from shopdl_core.ui.text import highlight_html, legend_html, load_text_model

EXAMPLES = {
    "😀 Positive": "Love this sweater! Soft, warm and it fits perfectly. I get compliments every time I wear it.",
    "😞 Negative": "Very disappointed. The fabric is thin and cheap, the seams came apart after one wash. Returning it.",
    "😐 Mixed": "Beautiful colour and the fabric is soft, but it runs small and the zipper feels flimsy.",
    "🙃 Sarcastic": "Oh great, another dress that falls apart the first time I wear it. Just what I needed.",
}
MODEL_NOTES = {
    "ReviewRNN": "one-directional {cell}, reads to the last word; the simpler baseline, right less often "
                 "on reviews of things other than clothes",
    "AttentionRNN": "bidirectional {cell} + attention over the words",
}


def use_example(text: str) -> None:
    st.session_state["review_text"] = text


def render_score(name: str, cell: str, members: int, score: ReviewScore) -> None:
    verdict = "👍 positive" if score.label == "positive" else "👎 negative"
    st.markdown(f"#### {name}")
    note = MODEL_NOTES[name].format(cell=cell.upper())
    st.caption(f"the mean of {members} networks from different seeds, each {note}" if members > 1 else note)
    st.markdown(f"**{verdict}**")
    st.progress(score.prob_positive, text=f"P(positive) = {score.prob_positive:.3f}")
    if score.far_from_training:
        st.markdown(f"⚠️ **Far from the training reviews**: {score.far_from_training}. "
                    "Trust this score less than the test figures.")
    st.markdown(highlight_html(score), unsafe_allow_html=True)
    st.caption(f"Knew {score.known_count} of {len(score.tokens)} words and marks; "
               f"{score.unseen_share:.0%} of the words never occurred in the clothing reviews.")


def render_single_review() -> None:
    st.markdown("**Try an example**, or type your own review below.")
    for column, (title, text) in zip(st.columns(len(EXAMPLES)), EXAMPLES.items()):
        column.button(title, key=f"example_{title.split()[-1].lower()}", on_click=use_example,
                      args=(text,), width="stretch")
    st.session_state.setdefault("review_text", EXAMPLES["😀 Positive"])
    text = st.text_area("Your review", key="review_text", height=110,
                        help=f"English reviews of any product; the first {MAX_TOKENS} words and marks are read.")
    scores, cells, members = {}, {}, {}
    try:
        for name in TEXT_MODELS:
            scorer = load_text_model(name)
            scores[name], cells[name], members[name] = scorer.score(text), scorer.model.config.cell, scorer.members
    except InputError as exc:
        st.error(str(exc))
        return
    except CheckpointError as exc:
        st.error(f"A review model could not be loaded: {exc}")
        return
    first = scores[TEXT_MODELS[0]]
    if first.truncated_from:
        st.info(f"This review has {first.truncated_from:,} words and marks; the models read the first "
                f"{MAX_TOKENS} of them.")
    if first.mostly_unknown:
        st.warning(f"The models understand English shop reviews, and knew only {first.known_count} of the "
                   f"{len(first.tokens)} words and marks here: treat these scores as a guess.")
    for column, (name, score) in zip(st.columns(len(scores)), scores.items()):
        with column.container(border=True):
            render_score(name, cells[name], members[name], score)
    st.markdown(legend_html(), unsafe_allow_html=True)
    st.caption("ReviewRNN has no attention, so its words are not shaded. Attention shows where the "
               "model looked, not a proof of why it decided; sarcasm usually fools both models.")


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
    model_name = right.radio("Model", TEXT_MODELS, index=1, horizontal=True, key="review_batch_model")
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
st.markdown("Two recurrent networks trained on real clothing-shop reviews read what you type. "
            "Pretrained word vectors (GloVe), a sentiment lexicon (VADER) and 3,260 short reviews of "
            "other things that we wrote for training taught them how people write about anything, "
            "so reviews of phones, meals or films work too. "
            "The attention model also shows which words it weighed most.")
render_single_review()
render_batch()
