"""The recommendations page's state, cached data and charts.

User data (the rating table) lives in st.session_state: ``recsys_base`` is the table the
editor starts from, the editor's own key holds the edits on top of it, and ``recsys_table``
the latest edited table, so edits survive a trip to another page (which drops widget state).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from shopdl_core import catalog
from shopdl_core.errors import InputError
from shopdl_core.recsys.content import catalog_item_features
from shopdl_core.recsys.datasets import synthetic_shop
from shopdl_core.recsys.evaluation import alpha_sweep
from shopdl_core.recsys.factorisation import LEARNED, FittedFactorisation
from shopdl_core.recsys.ratings import SHOPPER_COLUMN, MAX_RATING, RatingMatrix, table_from_csv
from shopdl_core.recsys.recommend import Recommendation, Recommendations, learn_from_matrix
from shopdl_core.ui import charts

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


@st.cache_data(show_spinner=False, max_entries=32)
def learned_model(values: np.ndarray) -> FittedFactorisation:
    """The factorisation of one matrix version: keyed on the (U, I) values, so an edit retrains it
    and going back to an earlier version finds it again. Only the numbers are cached, not names."""
    return learn_from_matrix(values)


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


def similarity_heatmap(matrix: RatingMatrix, result: Recommendations) -> charts.Spec:
    """Shopper x shopper similarity, the chosen shopper's row outlined."""
    return charts.similarity_heatmap(matrix.shoppers, result.similarity.tolist(), result.shopper)


def parts_chart(result: Recommendations, labels: dict[str, str]) -> charts.Spec:
    """Each recommended product's score split into alpha * CF and (1 - alpha) * content."""
    name_of = {pid: label for label, pid in labels.items()}
    parts = [(name_of[item.product_id], item.cf_part, item.content_part) for item in result.items]
    return charts.score_parts(parts, result.alpha)


@st.cache_data(show_spinner=False)
def sweep_summary() -> tuple[charts.Spec, dict[str, float]]:
    """The alpha sweep's chart and its headline figures (both fixed: computed once per process)."""
    sweep = synthetic_sweep()
    best = sweep.loc[sweep["ndcg"].idxmax()]
    ends = sweep.set_index("alpha")["ndcg"]
    figures = {"best_alpha": float(best["alpha"]), "best_ndcg": float(best["ndcg"]),
               "content_ndcg": float(ends[0.0]), "cf_ndcg": float(ends[1.0])}
    return charts.alpha_sweep(sweep.to_dict("records"), figures["best_alpha"]), figures


def card_text(item: Recommendation, result: Recommendations, labels: dict[str, str]) -> tuple[str, list[str]]:
    """A card's headline and reasons, naming the signals the ranking actually used."""
    if result.signal == "popular":
        return f"Popular: {item.score:.2f} ★ damped mean", ["Liked by the shop's shoppers overall"]
    name_of = {pid: label for label, pid in labels.items()}
    if result.signal == LEARNED:
        return f"Predicted {item.score:.2f} ★", [
            f"Near the {name_of[near.product_id]} you rated {near.rating:g} in the learned space, "
            f"cosine {near.similarity:.2f}" for near in item.nearest]
    reasons = []
    if result.alpha > 0:
        reasons += [f"{n.shopper}, similarity {n.similarity:.2f}, rated it {n.rating:g}" for n in item.neighbours]
        if not item.neighbours:
            reasons.append("No similar shopper rated it: its content score stands in")
    if result.alpha < 1:
        reasons += [f"Like the {name_of[liked.product_id]} you rated {liked.rating:g}, similarity {liked.similarity:.2f}"
                    for liked in item.liked_items]
    return f"Predicted {item.score:.2f} ★", reasons
