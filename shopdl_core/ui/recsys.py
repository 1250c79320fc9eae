"""The recommendations page's state, cached data and charts.

User data (the rating table) lives in st.session_state: ``recsys_base`` is the table the
editor starts from, the editor's own key holds the edits on top of it, and ``recsys_table``
the latest edited table, so edits survive a trip to another page (which drops widget state).

The table's columns are labelled with the catalogue's English names (CSV files and the core see
those, whatever the page's language); what the page shows of a product is its name in the page's
language (``product_name``).
"""

from __future__ import annotations

import unicodedata
import urllib.parse

import numpy as np
import pandas as pd
import streamlit as st

from shopdl_core import catalog
from shopdl_core.errors import InputError
from shopdl_core.i18n import LANGUAGES, N_, _, current_language, pgettext, translations
from shopdl_core.recsys.content import catalog_item_features
from shopdl_core.recsys.datasets import synthetic_shop
from shopdl_core.recsys.evaluation import alpha_sweep
from shopdl_core.recsys.base import Recommender
from shopdl_core.recsys.ratings import SHOPPER_COLUMN, MAX_RATING, table_from_csv
from shopdl_core.recsys.recommend import Recommendation, Recommendations, fit_recommender, page_settings
from shopdl_core.recsys.recommenders import RECOMMENDERS
from shopdl_core.shop.catalogue import find_product
from shopdl_core.ui import charts
from shopdl_core.ui.language import localised
from shopdl_core.ui.widgets import plain

SHOPPER_KEY = "recsys_shopper"
VISITOR_ROW = N_("🛍️ Shop visitor")  # the shop visitor's row in the matrix, named in the page's language
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


def product_name(product_id: str) -> str:
    """A product as the page names it: the catalogue's name in the page's language."""
    return find_product(product_id).name()


def column_names() -> dict[str, str]:
    """Column label -> the product's name in the page's language (what error messages call it)."""
    return {label: product_name(product_id) for label, product_id in demo_products().items()}


@st.cache_data(show_spinner=False)
def product_features(product_ids: tuple[str, ...]) -> np.ndarray:
    return catalog_item_features(catalog.load_catalog(), product_ids)


@st.cache_data(show_spinner=False, max_entries=32)
def _fitted_recommender(method: str, values: np.ndarray, product_ids: tuple[str, ...], k: int, similarity: str,
                        alpha: float) -> Recommender:
    settings = page_settings(k, similarity, DEMO_SHRINKAGE, alpha)
    return fit_recommender(method, values, product_features(product_ids), settings)


def fitted_recommender(method: str, values: np.ndarray, product_ids: tuple[str, ...], k: int, similarity: str,
                       alpha: float) -> Recommender:
    """``method`` fitted on one matrix version: keyed on the (U, I) values, so an edit refits it and
    going back to an earlier version finds it again. Only numbers are cached, not shoppers' names
    (nor any text: the spinner is in the page's language)."""
    with st.spinner(_("Learning from the ratings…")):  # drawn only if it takes over half a second
        return _fitted_recommender(method, values, product_ids, k, similarity, alpha)


def method_label(method: str) -> str:
    return _(RECOMMENDERS[method].label)


def method_help() -> str:
    """The method selector's tooltip: one line per method."""
    return "\n\n".join(_("**{method}**: {help}").format(method=_(entry.label), help=_(entry.help))
                       for entry in RECOMMENDERS.values())


# A column is as wide as its title needs (the editor cuts a longer title mid-word), at least
# MIN_COLUMN_WIDTH: the header's icon and padding take HEADER_CHROME px, then about 7 px per
# Latin letter and 15.5 px per Chinese character (seen in Chromium screenshots). Wider than the
# screen, the table scrolls sideways with the shoppers' names pinned.
MIN_COLUMN_WIDTH = 56
SHOPPER_COLUMN_WIDTH = 76  # at least: the names are cells, not titles
HEADER_CHROME = 32
# Shorter words than the kind's name for a column title (English "tee", "pants"; Chinese 裙 for a dress).
SHORT_KINDS = {"t-shirt": "tee", "pants": "pants", "dress": "dress"}


def column_width(title: str, least: int = MIN_COLUMN_WIDTH) -> int:
    """Pixels a column needs to show ``title`` whole (``least`` at least)."""
    text = sum(15.5 if unicodedata.east_asian_width(char) in "WF" else 7.0 for char in title)
    return max(least, int(HEADER_CHROME + text + 0.5))


def short_kind(kind: str) -> str:
    """The kind as a column title's noun, lower case where the language has case ("tee", "shoes")."""
    if kind in SHORT_KINDS:
        return pgettext("short kind", SHORT_KINDS[kind])
    return pgettext("kind name", kind).lower()


def short_labels(product_ids: list[str]) -> dict[str, str]:
    """Product id -> a short column title, unique in the table, in the page's language: the kind
    ("Hat"), else colour and kind ("Red tee"), else style line and kind ("Sport shoes"), else the name."""
    def candidates(product_id: str) -> list[str]:
        product = find_product(product_id)
        noun = short_kind(product.kind)
        return [noun[:1].upper() + noun[1:],
                _("{colour} {kind}").format(colour=pgettext("colour", product.colour), kind=noun),
                _("{line} {kind}").format(line=pgettext("line", product.line), kind=noun),
                product.name()]

    options = {product_id: candidates(product_id) for product_id in product_ids}
    chosen = {}
    for product_id, labels in options.items():
        for level, label in enumerate(labels):
            if level == len(labels) - 1 or sum(other[level] == label for other in options.values()) == 1:
                break
        chosen[product_id] = label
    titles = list(chosen.values())
    return {pid: product_name(pid) if titles.count(label) > 1 else label for pid, label in chosen.items()}


def editor_columns() -> dict:
    """Short column titles, the full product names in their tooltips, in the page's language (the
    table's own columns keep the catalogue's English names: CSV files and the core see those)."""
    shopper = _(SHOPPER_COLUMN)
    config = {SHOPPER_COLUMN: st.column_config.TextColumn(shopper, required=True, pinned=True,
                                                          width=column_width(shopper, SHOPPER_COLUMN_WIDTH))}
    titles = short_labels(list(demo_products().values()))
    for label, product_id in demo_products().items():
        config[label] = st.column_config.NumberColumn(titles[product_id], help=product_name(product_id),
                                                      min_value=0.0, max_value=MAX_RATING, step=0.5, format="%g",
                                                      width=column_width(titles[product_id]))
    return config


def editor_base() -> pd.DataFrame:
    """The table the editor shows edits on top of (the latest edits after a page switch)."""
    if BASE_KEY not in st.session_state:
        st.session_state[BASE_KEY] = demo_table()
    if EDITOR_KEY not in st.session_state and TABLE_KEY in st.session_state:
        st.session_state[BASE_KEY] = st.session_state[TABLE_KEY]
    return st.session_state[BASE_KEY]


_LINKED_SHOPPER_KEY = "recsys_shopper_in_url"  # the ?shopper= this session last saw, to notice a new link


def shopper_from_link(shoppers: tuple[str, ...] | list[str]) -> str | None:
    """Call before the shopper selector. A ``?shopper=`` this session has not seen yet (a link was
    opened or edited) picks that shopper; returns a message for the page when the table has no
    such shopper (a link from a viewer who added them to their own table)."""
    requested = st.query_params.get("shopper")
    if requested is None or requested == st.session_state.get(_LINKED_SHOPPER_KEY):
        return None
    st.session_state[_LINKED_SHOPPER_KEY] = requested
    if requested in shoppers:
        st.session_state[SHOPPER_KEY] = requested
        return None
    return _("The link asks for the shopper “{shopper}”, who is not in this rating table.").format(
        shopper=requested[:40])


def link_to_shopper(shopper: str) -> str:
    """Put the chosen shopper in the address bar and return this view's link: the page, the
    shopper and the language, none of the session's edits (a shared link opens the demo table)."""
    st.query_params["shopper"] = shopper
    st.session_state[_LINKED_SHOPPER_KEY] = shopper
    query = urllib.parse.urlencode({"shopper": shopper, "lang": current_language()})
    return f"{(st.context.url or '').split('?')[0]}?{query}"


def visitor_row() -> str:
    """The visitor's row name in this run's language; a visitor chosen as the shopper in another
    language stays chosen (the selector would otherwise fall back to the first shopper)."""
    name = _(VISITOR_ROW)
    if st.session_state.get(SHOPPER_KEY) in {translations(language).gettext(VISITOR_ROW) for language in LANGUAGES}:
        st.session_state[SHOPPER_KEY] = name
    return name


def remember(edited: pd.DataFrame) -> None:
    st.session_state[TABLE_KEY] = edited


def _start_over_from(table: pd.DataFrame) -> None:
    st.session_state[BASE_KEY] = table
    st.session_state[TABLE_KEY] = table
    st.session_state.pop(EDITOR_KEY, None)


@localised
def reset_to_demo() -> None:
    _start_over_from(demo_table())
    st.session_state.pop(UPLOAD_ERROR_KEY, None)


@localised
def load_upload() -> None:
    """on_change of the CSV uploader: replace the table only when the whole file is valid."""
    upload = st.session_state.get(UPLOAD_KEY)
    st.session_state.pop(UPLOAD_ERROR_KEY, None)
    if upload is None:
        return
    try:
        _start_over_from(table_from_csv(upload.getvalue(), demo_products(), column_names()))
    except InputError as exc:
        st.session_state[UPLOAD_ERROR_KEY] = (current_language(), _refusal(upload.name, exc))


def _refusal(file_name: str, exc: InputError) -> str:
    return _("{file} was not loaded, your table is unchanged: {error}").format(
        file=plain(file_name), error=plain(str(exc)))


def upload_error() -> str | None:
    """Why the last uploaded CSV was refused, in this run's language, or None.

    The message is kept with its language; after a language switch the file is read once more
    to say it again (its reader's message is made in the language of the run)."""
    upload = st.session_state.get(UPLOAD_KEY)
    refused = st.session_state.get(UPLOAD_ERROR_KEY)
    if refused is None or upload is None:
        return None
    language, message = refused
    if language == current_language():
        return message
    try:
        table_from_csv(upload.getvalue(), demo_products(), column_names())
    except InputError as exc:
        message = _refusal(upload.name, exc)
        st.session_state[UPLOAD_ERROR_KEY] = (current_language(), message)
        return message
    return None


def similarity_heatmap(matrix_shoppers: tuple[str, ...], result: Recommendations) -> charts.Spec:
    """Shopper x shopper similarity, the chosen shopper's row outlined."""
    return charts.similarity_heatmap(matrix_shoppers, result.similarity.tolist(), result.shopper)


def parts_chart(result: Recommendations) -> charts.Spec:
    """Each recommended product's score, in parts coloured by what really produced them."""
    return charts.score_parts([(product_name(item.product_id), item.parts) for item in result.items])


@st.cache_data(show_spinner=False)
def _sweep_figures() -> tuple[list[dict[str, float]], dict[str, float]]:
    """The alpha sweep on the synthetic shop: its rows and headline figures (fixed: computed once
    per process)."""
    sweep = alpha_sweep(synthetic_shop(catalog.load_catalog()))
    best = sweep.loc[sweep["ndcg"].idxmax()]
    ends = sweep.set_index("alpha")["ndcg"]
    figures = {"best_alpha": float(best["alpha"]), "best_ndcg": float(best["ndcg"]),
               "content_ndcg": float(ends[0.0]), "cf_ndcg": float(ends[1.0])}
    return sweep.to_dict("records"), figures


def sweep_summary() -> tuple[charts.Spec, dict[str, float]]:
    """The alpha sweep's chart (its words in the page's language) and its headline figures."""
    with st.spinner(_("Evaluating on the synthetic shop…")):  # drawn only if it takes over half a second
        rows, figures = _sweep_figures()
    return charts.alpha_sweep(rows, figures["best_alpha"]), figures


# base.Reason's kinds; ``name`` is a shopper (user text, kept as typed) or a product's name.
REASON_TEXT = {
    "neighbour": N_("{name} rated it {rating:g} ★ (taste match {weight:.2f})"),
    "alike": N_("Like the {name} you rated {rating:g} ★ (match {weight:.2f})"),
    "near": N_("The model learned it is like the {name} you rated {rating:g} ★ (match {weight:.2f})"),
    "rater": N_("{name}'s rating of {rating:g} ★ lifts this score by {weight:.2f} ★"),
}


def card_text(item: Recommendation) -> tuple[str, list[str]]:
    """A card's headline, then what the score rests on and the evidence that pulled it up."""
    if item.parts[0][0] == "popularity":
        headline = _("Popular: {score:.2f} ★ on average").format(score=item.score)
    else:
        headline = _("Predicted {score:.2f} ★").format(score=item.score)
    reasons = [_(REASON_TEXT[r.kind]).format(name=product_name(r.name) if r.kind in ("alike", "near") else r.name,
                                             weight=r.weight, rating=r.rating)
               for r in item.reasons]
    return headline, [item.rests_on, *reasons]
