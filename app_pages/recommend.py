"""Recommendations: pick a shopper and a method, edit who rated what, see ranked products and why."""

import streamlit as st

from shopdl_core.errors import InputError
from shopdl_core.recsys.ratings import ratings_from_table
from shopdl_core.recsys.recommend import recommend_for_shopper
from shopdl_core.recsys.recommenders import DEFAULT_METHOD, RECOMMENDERS
from shopdl_core.recsys.similarity import SIMILARITIES
from shopdl_core.shop.signals import SIGNAL_STRENGTH, with_visitor_row
from shopdl_core.ui import recsys as ui
from shopdl_core.ui.shop import visitor_signals
from shopdl_core.ui.widgets import render_product_card

CARDS_PER_ROW = 5
VISITOR_ROW = "🛍️ Shop visitor"
SIMILARITY_NAMES = {"pearson": "Mean-centred (Pearson)", "cosine": "Cosine"}

st.title("🧭 Recommender", help="Pick a shopper and a method, change a rating in the table, and the products "
                                 "recommended to that shopper change right under it.")
controls = st.container()  # drawn above the table, filled once the table is read (its shoppers)
labels = ui.demo_products()
edited = st.data_editor(
    ui.editor_base(), key=ui.EDITOR_KEY, num_rows="dynamic", hide_index=True,
    column_config=ui.editor_columns(), width="stretch", placeholder="",
)
ui.remember(edited)
try:
    matrix = with_visitor_row(ratings_from_table(edited, labels), visitor_signals(), VISITOR_ROW)
except InputError as exc:
    matrix = None
    st.error(f"{exc} Fix the cell to see recommendations; your other edits are kept.")
if matrix is not None and VISITOR_ROW in matrix.shoppers:
    st.caption(f"**{VISITOR_ROW}** is you, as the Shop sees you: a product you viewed counts as "
               f"{SIGNAL_STRENGTH['view']:g} stars, liked {SIGNAL_STRENGTH['like']:g}, put in the bag "
               f"{SIGNAL_STRENGTH['bag']:g}. Pick it as the shopper to see what the Shop recommends, and why.")

if matrix is not None:
    with controls:
        shopper_column, method_column, alpha_column, more_column = st.columns([2, 2, 3, 2],
                                                                              vertical_alignment="bottom")
        shopper = shopper_column.selectbox("Shopper", matrix.shoppers, key="recsys_shopper")
        method = method_column.selectbox("Method", tuple(RECOMMENDERS), key="recsys_method",
                                         index=list(RECOMMENDERS).index(DEFAULT_METHOD),
                                         format_func=ui.method_label, help=ui.method_help())
        alpha = alpha_column.slider(
            "Similar shoppers' share of the blend", 0.0, 1.0, 0.5, 0.05, key="recsys_alpha",
            disabled="alpha" not in RECOMMENDERS[method].uses,
            help="For the hybrid: alpha, the weight of collaborative filtering. score = alpha × collaborative + "
                 "(1 − alpha) × content; 0 uses only products like the ones the shopper rated, 1 only shoppers "
                 "with similar ratings.")
        with more_column.popover("More settings", width="stretch"):
            top_n = st.slider("Recommendations", 1, len(labels), 4, key="recsys_top_n")
            k = st.slider("Similar shoppers asked (k)", 1, 20, 3, key="recsys_k",
                          disabled="k" not in RECOMMENDERS[method].uses)
            similarity = st.radio("Shopper similarity", SIMILARITIES, horizontal=True, key="recsys_similarity",
                                  format_func=SIMILARITY_NAMES.get,
                                  disabled="similarity" not in RECOMMENDERS[method].uses)
    try:
        fitted = ui.fitted_recommender(method, matrix.values, matrix.product_ids, k, similarity, alpha)
        result = recommend_for_shopper(matrix, ui.product_features(matrix.product_ids), shopper,
                                       method=method, top_n=top_n, fitted=fitted)
    except InputError as exc:
        result = None
        st.error(str(exc))
    if result is not None:
        if not result.items:
            st.info(f"{shopper} has rated every product: nothing is left to recommend.")
        for start in range(0, len(result.items), CARDS_PER_ROW):
            row = result.items[start:start + CARDS_PER_ROW]
            for column, item in zip(st.columns(CARDS_PER_ROW), row):
                with column:
                    render_product_card(item.product_id, *ui.card_text(item, labels))
        (st.warning if result.fallback else st.info)(result.note)

reset_column, download_column, upload_column = st.columns([1, 1, 2])
reset_column.button("Reset to demo ratings", on_click=ui.reset_to_demo, key="recsys_reset")
download_column.download_button("Download CSV", edited.to_csv(index=False), file_name="shopdl_ratings.csv",
                                mime="text/csv", key="recsys_download")
upload_column.file_uploader("Upload a CSV with the same columns", type=["csv"], key=ui.UPLOAD_KEY,
                            on_change=ui.load_upload)
if ui.UPLOAD_ERROR_KEY in st.session_state:
    st.error(st.session_state[ui.UPLOAD_ERROR_KEY])

if matrix is not None and result is not None:
    st.header("Why")
    heatmap_column, parts_column = st.columns(2)
    with heatmap_column:
        st.subheader("How alike the shoppers are")
        st.caption(f"{result.similarity_caption}; {shopper}'s row is outlined. The diagonal is 1: every "
                   "shopper is fully alike to themself.")
        st.vega_lite_chart(ui.similarity_heatmap(matrix.shoppers, result), width="stretch")
    with parts_column:
        st.subheader("What each score is made of")
        if result.items:
            st.caption("Each bar is a product's predicted stars, coloured by the signal that really produced "
                       "each part (a content stand-in for collaborative filtering is content-coloured).",
                       help="Hybrid: alpha × collaborative + (1 − alpha) × content. Where a signal has no "
                            "evidence, the other's prediction stands in, or the shopper's own average.")
            st.vega_lite_chart(ui.parts_chart(result, labels), width="stretch")

st.header("How good is this model?")
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
