"""Recommendations: edit who rated what, pick a shopper and a method, see ranked products and why."""

import streamlit as st

from shopdl_core.errors import InputError
from shopdl_core.recsys.factorisation import LEARNED
from shopdl_core.recsys.ratings import ratings_from_table
from shopdl_core.recsys.recommend import DEMO_FACTORISATION, PAGE_METHODS, recommend_for_shopper
from shopdl_core.recsys.similarity import SIMILARITIES
from shopdl_core.ui import recsys as ui
from shopdl_core.ui.widgets import render_product_card

CARDS_PER_ROW = 5

st.title("🧭 Recommendations")
st.markdown(
    "Collaborative filtering (shoppers with similar ratings), content filtering (products like the "
    "ones a shopper rated highly), their hybrid, and a learned matrix factorisation, on a rating matrix "
    "you can edit."
)

st.header("Ratings")
st.caption("1 to 5 stars (half stars allowed), blank = not rated. Add shoppers at the bottom of the "
           "table, remove them by selecting their rows. Edits stay while you visit other pages.")
labels = ui.demo_products()
edited = st.data_editor(
    ui.editor_base(), key=ui.EDITOR_KEY, num_rows="dynamic", hide_index=True,
    column_config=ui.editor_columns(), width="stretch", placeholder="",
)
ui.remember(edited)
reset_column, download_column, upload_column = st.columns([1, 1, 2])
reset_column.button("Reset to demo ratings", on_click=ui.reset_to_demo, key="recsys_reset")
download_column.download_button("Download CSV", edited.to_csv(index=False), file_name="shopdl_ratings.csv",
                                mime="text/csv", key="recsys_download")
upload_column.file_uploader("Upload a CSV with the same columns", type=["csv"], key=ui.UPLOAD_KEY,
                            on_change=ui.load_upload)
if ui.UPLOAD_ERROR_KEY in st.session_state:
    st.error(st.session_state[ui.UPLOAD_ERROR_KEY])

try:
    matrix = ratings_from_table(edited, labels)
except InputError as exc:
    matrix = None
    st.error(f"{exc} Fix the cell to see recommendations; your other edits are kept.")

if matrix is not None:
    st.header("Recommendations")
    shopper_column, method_column, alpha_column = st.columns(3)
    shopper = shopper_column.selectbox("Shopper", matrix.shoppers, key="recsys_shopper")
    method = method_column.radio("Method", PAGE_METHODS, index=2, horizontal=True, key="recsys_method",
                                 format_func=str.capitalize)
    alpha = alpha_column.slider("alpha (weight of collaborative)", 0.0, 1.0, 0.5, 0.05, key="recsys_alpha",
                                disabled=method != "hybrid", help="score = alpha × CF + (1 − alpha) × content")
    k_column, top_column, similarity_column = st.columns(3)
    k = k_column.slider("Neighbours k", 1, 20, 3, key="recsys_k")
    top_n = top_column.slider("Recommendations", 1, len(labels), 4, key="recsys_top_n")
    similarity = similarity_column.radio("Shopper similarity", SIMILARITIES, horizontal=True,
                                         key="recsys_similarity",
                                         format_func={"pearson": "Mean-centred (Pearson)", "cosine": "Cosine"}.get)
    st.caption(
        "Both signals predict stars on one footing: the shopper's own average plus what the evidence says. "
        "Collaborative uses the k most similar shoppers who rated a product; where none of them did, the "
        "product's content prediction stands in, and the card says so. Content does the same the other way round. "
        f"Learned fits a bias and {DEMO_FACTORISATION.factors} taste factors per shopper and per product to all "
        "the ratings by gradient descent (retrained whenever the table changes; k and the similarity do not apply)."
    )
    try:
        learned = None
        if method == LEARNED:
            with st.spinner("Learning from the ratings…"):
                learned = ui.learned_model(matrix.values)
        result = recommend_for_shopper(
            matrix, ui.product_features(matrix.product_ids), shopper, method=method, alpha=alpha,
            k=k, top_n=top_n, similarity=similarity, shrinkage=ui.DEMO_SHRINKAGE, learned=learned,
        )
    except InputError as exc:
        result = None
        st.error(str(exc))
    if result is not None:
        (st.warning if result.signal in ("popular", "content") and method != "content" else st.info)(result.note)
        if not result.items:
            st.info(f"{shopper} has rated every product: nothing is left to recommend.")
        for start in range(0, len(result.items), CARDS_PER_ROW):
            row = result.items[start:start + CARDS_PER_ROW]
            for column, item in zip(st.columns(CARDS_PER_ROW), row):
                with column:
                    render_product_card(item.product_id, *ui.card_text(item, result, labels))

        st.header("Why")
        heatmap_column, parts_column = st.columns(2)
        with heatmap_column:
            st.subheader("Shopper similarity")
            st.caption(("Cosine similarity of the shoppers' learned taste vectors" if method == LEARNED
                        else f"{similarity.capitalize()} similarity between shoppers") + f"; {shopper}'s row is outlined.")
            st.vega_lite_chart(ui.similarity_heatmap(matrix, result), width="stretch")
        with parts_column:
            st.subheader("Collaborative and content parts")
            if result.signal == "popular" or not result.items:
                st.caption("No parts to show: the list is ranked by popularity.")
            elif result.signal == LEARNED:
                st.caption("The learned model has no collaborative and content parts: each card names the "
                           "shopper's rated products nearest to it in the learned item space.")
            else:
                st.caption("Each bar is the predicted rating: alpha × CF + (1 − alpha) × content.")
                st.vega_lite_chart(ui.parts_chart(result, labels), width="stretch")

st.header("Evaluation on a synthetic shop")
st.caption(
    "500 synthetic shoppers of the real catalogue with hidden tastes (for visible features and for traits "
    "only other shoppers reveal). Half of each shopper's ratings are held out and ranked by the hybrid "
    "(k = 40); a held-out product is relevant when rated 4 or more."
)
sweep_spec, figures = ui.sweep_summary()
st.vega_lite_chart(sweep_spec, width="stretch")
st.markdown(
    f"Best NDCG@10 **{figures['best_ndcg']:.3f}** at alpha = **{figures['best_alpha']:.1f}**, against "
    f"{figures['content_ndcg']:.3f} for content only (alpha 0) and {figures['cf_ndcg']:.3f} for collaborative "
    "only (alpha 1)."
)
