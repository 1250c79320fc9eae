"""Recommendations: pick a shopper and a method, edit who rated what, see ranked products and why."""

import streamlit as st

from shopdl_core.errors import InputError
from shopdl_core.i18n import _
from shopdl_core.recsys.ratings import ratings_from_table
from shopdl_core.recsys.recommend import recommend_for_shopper
from shopdl_core.recsys.recommenders import DEFAULT_METHOD, RECOMMENDERS
from shopdl_core.recsys.similarity import SIMILARITIES, SIMILARITY_NAMES
from shopdl_core.shop.signals import SIGNAL_STRENGTH, with_visitor_row
from shopdl_core.ui import recsys as ui
from shopdl_core.ui.shop import visitor_signals
from shopdl_core.ui.common import EVALUATION_SECTION
from shopdl_core.ui.widgets import file_uploader, plain, render_product_card

CARDS_PER_ROW = 5
visitor_row = ui.visitor_row()

st.title(_("🧭 Recommender"), help=_("Pick a shopper and a method, change a rating in the table, and the products "
                                     "recommended to that shopper change right under it."))
controls = st.container()  # drawn above the table, filled once the table is read (its shoppers)
labels = ui.demo_products()
edited = st.data_editor(
    ui.editor_base(), key=ui.EDITOR_KEY, num_rows="dynamic", hide_index=True,
    column_config=ui.editor_columns(), width="stretch", placeholder="",
)
ui.remember(edited)
try:
    matrix = with_visitor_row(ratings_from_table(edited, labels, ui.column_names()), visitor_signals(), visitor_row)
except InputError as exc:
    matrix = None
    st.error(_("{error} Fix the cell to see recommendations; your other edits are kept.").format(error=plain(str(exc))))
if matrix is not None and visitor_row in matrix.shoppers:
    st.caption(_("**{visitor}** is you, as the Shop sees you: a product you viewed counts as {view:g} stars, liked "
                 "{like:g}, put in the bag {bag:g}. Pick it as the shopper to see what the Shop recommends, and "
                 "why.").format(visitor=visitor_row, view=SIGNAL_STRENGTH["view"], like=SIGNAL_STRENGTH["like"],
                                bag=SIGNAL_STRENGTH["bag"]))

if matrix is not None:
    with controls:
        shopper_column, method_column, alpha_column, more_column = st.columns([2, 2, 3, 2],
                                                                              vertical_alignment="bottom")
        link_problem = ui.shopper_from_link(matrix.shoppers)
        shopper = shopper_column.selectbox(_("Shopper"), matrix.shoppers, key=ui.SHOPPER_KEY)
        method = method_column.selectbox(_("Method"), tuple(RECOMMENDERS), key="recsys_method",
                                         index=list(RECOMMENDERS).index(DEFAULT_METHOD),
                                         format_func=ui.method_label, help=ui.method_help())
        alpha = alpha_column.slider(
            _("Similar shoppers' share of the blend"), 0.0, 1.0, 0.5, 0.05, key="recsys_alpha",
            disabled="alpha" not in RECOMMENDERS[method].uses,
            help=_("For the hybrid (alpha, the weight of collaborative filtering): score = alpha × collaborative "
                   "+ (1 − alpha) × content. 0 uses only products like the ones the shopper rated, 1 only "
                   "shoppers with similar ratings."))
        with more_column.popover(_("More settings"), width="stretch"):
            top_n = st.slider(_("Recommendations shown"), 1, len(labels), 4, key="recsys_top_n")
            k = st.slider(_("Similar shoppers asked"), 1, 20, 3, key="recsys_k",
                          disabled="k" not in RECOMMENDERS[method].uses,
                          help=_("k: how many of the shoppers whose ratings are most like the chosen shopper's "
                                 "predict each score."))
            similarity = st.radio(_("How shoppers are compared"), SIMILARITIES, horizontal=True,
                                  key="recsys_similarity", format_func=lambda kind: _(SIMILARITY_NAMES[kind]),
                                  disabled="similarity" not in RECOMMENDERS[method].uses,
                                  help=_("Pearson compares each shopper's ratings around their own average, so a "
                                         "generous and a strict shopper who like the same things look alike; "
                                         "cosine compares the star ratings as they are."))
        if link_problem:
            st.warning(plain(link_problem))
    try:
        fitted = ui.fitted_recommender(method, matrix.values, matrix.product_ids, k, similarity, alpha)
        result = recommend_for_shopper(matrix, ui.product_features(matrix.product_ids), shopper,
                                       method=method, top_n=top_n, fitted=fitted)
    except InputError as exc:
        result = None
        st.error(str(exc))
    if result is not None:
        if not result.items:
            st.info(_("{shopper} has rated every product: nothing is left to recommend.").format(shopper=plain(shopper)))
        for start in range(0, len(result.items), CARDS_PER_ROW):
            row = result.items[start:start + CARDS_PER_ROW]
            for column, item in zip(st.columns(CARDS_PER_ROW), row):
                with column:
                    render_product_card(item.product_id, *ui.card_text(item))
        (st.warning if result.fallback else st.info)(plain(result.note))  # it names shoppers
    with st.expander(_("🔗 Link to this shopper")):
        st.caption(_("Opens these recommendations in the demo table: your edits stay in this tab."))
        st.code(ui.link_to_shopper(shopper), language=None, wrap_lines=True)

reset_column, download_column, upload_column = st.columns([1, 1, 2])
reset_column.button(_("Reset to demo ratings"), on_click=ui.reset_to_demo, key="recsys_reset")
download_column.download_button(_("Download CSV"), edited.to_csv(index=False), file_name="shopdl_ratings.csv",
                                mime="text/csv", key="recsys_download",
                                help=_("The columns keep the catalogue's English product names, so a file "
                                       "loads back in either language."))
file_uploader(upload_column, _("Upload a CSV with the same columns"), types=["csv"], key=ui.UPLOAD_KEY,
              on_change=ui.load_upload)
if (refused := ui.upload_error()) is not None:
    st.error(refused)

if matrix is not None and result is not None:
    st.header(_("Why"))
    heatmap_column, parts_column = st.columns(2)
    with heatmap_column:
        st.subheader(_("How alike the shoppers are"))
        st.caption(_("{measure}. {shopper}'s row is outlined; the diagonal is 1, as every shopper is fully alike "
                     "to themself.").format(measure=result.similarity_caption, shopper=plain(shopper)))
        st.vega_lite_chart(ui.similarity_heatmap(matrix.shoppers, result), width="stretch")
    with parts_column:
        st.subheader(_("What each score is made of"))
        if result.items:
            st.caption(_("Each bar is a product's predicted stars, coloured by the signal that really produced "
                         "each part (where no similar shopper rated a product, the similar-products prediction "
                         "stands in and is coloured as such)."),
                       help=_("Hybrid: alpha × collaborative + (1 − alpha) × content. Where a signal has no "
                              "evidence, the other's prediction stands in, or the shopper's own average."))
            st.vega_lite_chart(ui.parts_chart(result), width="stretch")

st.header(_(EVALUATION_SECTION))
st.caption(_(
    "Tested on 500 made-up shoppers of the real catalogue with hidden tastes (some show in the products' "
    "features, some only in other shoppers' ratings). Half of each shopper's ratings are hidden, and the hybrid "
    "(40 similar shoppers asked) ranks the hidden products; one counts as a hit when the shopper rated it 4 or "
    "more."
))
sweep_spec, figures = ui.sweep_summary()
st.vega_lite_chart(sweep_spec, width="stretch")
st.markdown(_(
    "Best ranking quality (NDCG@10) **{best:.3f}** at a similar shoppers' share of **{share:.1f}**, against "
    "{content:.3f} for similar products only (share 0) and {shoppers:.3f} for similar shoppers only (share 1)."
).format(best=figures["best_ndcg"], share=figures["best_alpha"], content=figures["content_ndcg"],
         shoppers=figures["cf_ndcg"]))
