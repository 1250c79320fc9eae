"""The recommendations page's state, cached data and charts.

User data (the rating table) lives in st.session_state: ``recsys_base`` is the table the
editor starts from, the editor's own key holds the edits on top of it, and ``recsys_table``
the latest edited table, so edits survive a trip to another page (which drops widget state).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from shopdl_core import catalog
from shopdl_core.errors import InputError
from shopdl_core.recsys.content import catalog_item_features
from shopdl_core.recsys.datasets import synthetic_shop
from shopdl_core.recsys.evaluation import alpha_sweep
from shopdl_core.recsys.ratings import SHOPPER_COLUMN, MAX_RATING, RatingMatrix, table_from_csv
from shopdl_core.recsys.recommend import Recommendation, Recommendations

EDITOR_KEY = "ratings_editor"
UPLOAD_KEY = "ratings_upload"
BASE_KEY = "recsys_base"
TABLE_KEY = "recsys_table"
UPLOAD_ERROR_KEY = "recsys_upload_error"
# The demo matrix has 1-4 co-rated products per pair of shoppers: shrink similarities gently.
DEMO_SHRINKAGE = 1.0


@st.cache_data(show_spinner=False)
def demo_products() -> dict[str, str]:
    """Column label (the product's readable name) -> product id, in the demo matrix's order."""
    names = catalog.load_catalog()["name"]
    return {names[product_id]: product_id for product_id in catalog.load_demo_ratings().columns}


@st.cache_data(show_spinner=False)
def demo_table() -> pd.DataFrame:
    demo = catalog.load_demo_ratings()
    table = demo.rename(columns={pid: label for label, pid in demo_products().items()}).reset_index()
    return table.rename(columns={demo.index.name: SHOPPER_COLUMN})


@st.cache_data(show_spinner=False)
def product_features(product_ids: tuple[str, ...]) -> np.ndarray:
    return catalog_item_features(catalog.load_catalog(), product_ids)


@st.cache_data(show_spinner="Evaluating on the synthetic shop…")
def synthetic_sweep() -> pd.DataFrame:
    return alpha_sweep(synthetic_shop(catalog.load_catalog()))


def editor_columns() -> dict:
    config = {SHOPPER_COLUMN: st.column_config.TextColumn(SHOPPER_COLUMN, required=True, pinned=True)}
    for label in demo_products():
        config[label] = st.column_config.NumberColumn(label, min_value=0.0, max_value=MAX_RATING, step=0.5, format="%.1f")
    return config


def editor_base() -> pd.DataFrame:
    """The table the editor shows edits on top of (the latest edits after a page switch)."""
    if BASE_KEY not in st.session_state:
        st.session_state[BASE_KEY] = demo_table()
    if EDITOR_KEY not in st.session_state and TABLE_KEY in st.session_state:
        st.session_state[BASE_KEY] = st.session_state[TABLE_KEY]
    return st.session_state[BASE_KEY]


def remember(edited: pd.DataFrame) -> None:
    st.session_state[TABLE_KEY] = edited


def _start_over_from(table: pd.DataFrame) -> None:
    st.session_state[BASE_KEY] = table
    st.session_state[TABLE_KEY] = table
    st.session_state.pop(EDITOR_KEY, None)


def reset_to_demo() -> None:
    _start_over_from(demo_table())
    st.session_state.pop(UPLOAD_ERROR_KEY, None)


def load_upload() -> None:
    """on_change of the CSV uploader: replace the table only when the whole file is valid."""
    upload = st.session_state.get(UPLOAD_KEY)
    st.session_state.pop(UPLOAD_ERROR_KEY, None)
    if upload is None:
        return
    try:
        _start_over_from(table_from_csv(upload.getvalue(), demo_products()))
    except InputError as exc:
        st.session_state[UPLOAD_ERROR_KEY] = f"{upload.name} was not loaded, your table is unchanged: {exc}"


def similarity_heatmap(matrix: RatingMatrix, result: Recommendations) -> alt.LayerChart:
    """Shopper x shopper similarity, the chosen shopper's row outlined."""
    names = list(matrix.shoppers)
    cells = pd.DataFrame({
        "shopper": np.repeat(names, len(names)),
        "other": np.tile(names, len(names)),
        "similarity": np.round(result.similarity.ravel().astype(float), 2),
    })
    base = alt.Chart(cells).encode(
        x=alt.X("other:N", sort=names, title=None), y=alt.Y("shopper:N", sort=names, title=None))
    heat = base.mark_rect().encode(
        color=alt.Color("similarity:Q", scale=alt.Scale(scheme="redblue", domain=[-1, 1])),
        tooltip=["shopper", "other", "similarity"])
    labels = base.mark_text(fontSize=11).encode(text="similarity:Q")
    chosen = base.mark_rect(fill=None, stroke="black", strokeWidth=3).transform_filter(
        alt.datum.shopper == result.shopper)
    return (heat + labels + chosen).properties(height=max(220, 32 * len(names)))


def parts_chart(result: Recommendations, labels: dict[str, str]) -> alt.Chart:
    """Each recommended product's score split into alpha * CF and (1 - alpha) * content."""
    name_of = {pid: label for label, pid in labels.items()}
    rows = []
    for item in result.items:
        rows.append({"product": name_of[item.product_id], "part": "collaborative",
                     "stars": result.alpha * item.cf_part})
        rows.append({"product": name_of[item.product_id], "part": "content",
                     "stars": (1 - result.alpha) * item.content_part})
    order = [name_of[item.product_id] for item in result.items]
    return alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        x=alt.X("sum(stars):Q", title=f"score in stars (alpha = {result.alpha:.2f})"),
        y=alt.Y("product:N", sort=order, title=None),
        color=alt.Color("part:N", scale=alt.Scale(range=["#c2410c", "#2563eb"])),
        tooltip=["product", "part", alt.Tooltip("stars:Q", format=".2f")],
    ).properties(height=max(160, 40 * len(order)))


def sweep_chart(sweep: pd.DataFrame, best_alpha: float) -> alt.LayerChart:
    long = sweep.melt(id_vars="alpha", value_vars=["precision", "recall", "ndcg"], var_name="metric")
    long["metric"] = long["metric"].map({"precision": "precision@10", "recall": "recall@10", "ndcg": "NDCG@10"})
    lines = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("alpha:Q", title="alpha (0 = content only, 1 = collaborative only)"),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        color="metric:N", tooltip=["metric", "alpha", alt.Tooltip("value:Q", format=".3f")])
    best = alt.Chart(pd.DataFrame({"alpha": [best_alpha], "label": [f"best alpha {best_alpha:.1f}"]}))
    rule = best.mark_rule(strokeDash=[4, 4], color="black").encode(x="alpha:Q")
    text = best.mark_text(align="left", dx=4, baseline="top").encode(x="alpha:Q", y=alt.value(4), text="label:N")
    return (lines + rule + text).properties(height=280)


def card_text(item: Recommendation, result: Recommendations, labels: dict[str, str]) -> tuple[str, list[str]]:
    """A card's headline and reasons, naming the signals the ranking actually used."""
    if result.signal == "popular":
        return f"Popular: {item.score:.2f} ★ damped mean", ["Liked by the shop's shoppers overall"]
    name_of = {pid: label for label, pid in labels.items()}
    reasons = []
    if result.alpha > 0:
        reasons += [f"{n.shopper}, similarity {n.similarity:.2f}, rated it {n.rating:g}" for n in item.neighbours]
        if not item.neighbours:
            reasons.append("No similar shopper rated it: its content score stands in")
    if result.alpha < 1:
        reasons += [f"Like the {name_of[liked.product_id]} you rated {liked.rating:g}, similarity {liked.similarity:.2f}"
                    for liked in item.liked_items]
    return f"Predicted {item.score:.2f} ★", reasons
