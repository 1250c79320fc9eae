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
from shopdl_core.recsys.base import Recommender
from shopdl_core.recsys.ratings import SHOPPER_COLUMN, MAX_RATING, table_from_csv
from shopdl_core.recsys.recommend import Recommendation, Recommendations, fit_recommender, page_settings
from shopdl_core.recsys.recommenders import RECOMMENDERS
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


@st.cache_data(show_spinner="Learning from the ratings…", max_entries=32)
def fitted_recommender(method: str, values: np.ndarray, product_ids: tuple[str, ...], k: int, similarity: str,
                       alpha: float) -> Recommender:
    """``method`` fitted on one matrix version: keyed on the (U, I) values, so an edit refits it and
    going back to an earlier version finds it again. Only numbers are cached, not shoppers' names."""
    settings = page_settings(k, similarity, DEMO_SHRINKAGE, alpha)
    return fit_recommender(method, values, product_features(product_ids), settings)


def method_label(method: str) -> str:
    return RECOMMENDERS[method].label


def method_help() -> str:
    """The method selector's tooltip: one line per method."""
    return "\n\n".join(f"**{entry.label}**: {entry.help}" for entry in RECOMMENDERS.values())


COLUMN_WIDTH = 70  # px: twelve products and the shopper fit a 1440 px wide screen
SHORT_NOUNS = {"T-Shirt": "tee", "Trousers": "pants"}


def short_labels(names: list[str]) -> dict[str, str]:
    """Full product name -> a short column title that is unique in the table: the kind of product
    ("Hat"), else colour and kind ("Red tee"), else style and kind ("Sport shoes"), else the name."""
    def candidates(name: str) -> list[str]:
        words = name.split()
        noun = SHORT_NOUNS.get(words[-1], words[-1].lower())
        return [noun.capitalize(), f"{words[0]} {noun}", f"{' '.join(words[1:-1])} {noun}", name]

    options = {name: candidates(name) for name in names}
    chosen = {}
    for name in names:
        for level, label in enumerate(options[name]):
            if level == len(options[name]) - 1 or sum(other[level] == label for other in options.values()) == 1:
                break
        chosen[name] = label
    titles = list(chosen.values())
    return {name: name if titles.count(label) > 1 else label for name, label in chosen.items()}


def editor_columns() -> dict:
    """Short column titles, the full product names in their tooltips (the table's own columns keep
    the full names: CSV files and the core see those)."""
    config = {SHOPPER_COLUMN: st.column_config.TextColumn(SHOPPER_COLUMN, required=True, pinned=True, width=76)}
    for name, short in short_labels(list(demo_products())).items():
        config[name] = st.column_config.NumberColumn(short, help=name, min_value=0.0, max_value=MAX_RATING,
                                                     step=0.5, format="%g", width=COLUMN_WIDTH)
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


def similarity_heatmap(matrix_shoppers: tuple[str, ...], result: Recommendations) -> charts.Spec:
    """Shopper x shopper similarity, the chosen shopper's row outlined."""
    return charts.similarity_heatmap(matrix_shoppers, result.similarity.tolist(), result.shopper)


def parts_chart(result: Recommendations, labels: dict[str, str]) -> charts.Spec:
    """Each recommended product's score, in parts coloured by what really produced them."""
    name_of = {pid: label for label, pid in labels.items()}
    return charts.score_parts([(name_of[item.product_id], item.parts) for item in result.items])


@st.cache_data(show_spinner=False)
def sweep_summary() -> tuple[charts.Spec, dict[str, float]]:
    """The alpha sweep's chart and its headline figures (both fixed: computed once per process)."""
    sweep = synthetic_sweep()
    best = sweep.loc[sweep["ndcg"].idxmax()]
    ends = sweep.set_index("alpha")["ndcg"]
    figures = {"best_alpha": float(best["alpha"]), "best_ndcg": float(best["ndcg"]),
               "content_ndcg": float(ends[0.0]), "cf_ndcg": float(ends[1.0])}
    return charts.alpha_sweep(sweep.to_dict("records"), figures["best_alpha"]), figures


REASON_TEXT = {
    "neighbour": "{name}, similarity {weight:.2f}, rated it {rating:g}",
    "alike": "Like the {name} you rated {rating:g}, similarity {weight:.2f}",
    "near": "Learned to be like the {name} you rated {rating:g} (likeness {weight:.2f})",
    "rater": "{name} rated it {rating:g}: without that, {weight:.1f} ★ lower",
}


def card_text(item: Recommendation, labels: dict[str, str]) -> tuple[str, list[str]]:
    """A card's headline, then what the score rests on and the evidence that pulled it up."""
    name_of = {pid: label for label, pid in labels.items()}
    if item.parts[0][0] == "popularity":
        headline = f"Popular: {item.score:.2f} ★ on average"
    else:
        headline = f"Predicted {item.score:.2f} ★"
    reasons = [REASON_TEXT[r.kind].format(name=name_of.get(r.name, r.name), weight=r.weight, rating=r.rating)
               for r in item.reasons]
    return headline, [item.rests_on, *reasons]
