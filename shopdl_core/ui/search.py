"""Streamlit helper for search by words: a search box answered with product cards."""

from __future__ import annotations

import streamlit as st

from shopdl_core import catalog
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.i18n import _, L_
from shopdl_core.search.engine import DEFAULT_TOP_K, PhotoSearch, SearchResult, load_catalogue_search, search_catalogue
from shopdl_core.ui.vision import PHOTO_MODEL, load_vision_model, similar_product_cards


@st.cache_resource(show_spinner=L_("Loading search by words…"))
def load_catalogue_search_shared() -> PhotoSearch:
    """One catalogue search per server process, on the shared PhotoCNN and the shared text encoder
    (the review model reads the same copy)."""
    from shopdl_core.ui.text import load_shared_text_encoder

    return load_catalogue_search(trained=load_vision_model(PHOTO_MODEL), encoder=load_shared_text_encoder())


@st.cache_resource(max_entries=512, show_spinner=False)
def cached_search(query: str, top_k: int) -> SearchResult:
    """A query's answer, shared by every visitor who types it: the catalogue does not change while
    the server runs, so the text encoder reads each distinct query once. A refused query (too
    long) raises every time: exceptions are not cached."""
    return search_catalogue(query, top_k, engine=load_catalogue_search_shared())


def search_box(key: str = "image_search") -> None:
    """A search box; a query is answered with the best-matching catalogue products as cards."""
    query = st.text_input(_("Search the shop by words, in English or Chinese"), key=key,
                          placeholder=_("a red summer dress · 运动鞋 · something warm for winter"))
    if not query.strip():
        return
    try:
        result = cached_search(query, DEFAULT_TOP_K)
    except (InputError, CheckpointError) as exc:
        st.error(str(exc))
        return
    cards = catalog.load_catalog().loc[list(result.names)].reset_index(drop=True)
    cards["similarity"] = result.scores
    similar_product_cards(cards)
