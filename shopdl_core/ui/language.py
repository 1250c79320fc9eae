"""The page language: chosen once per run from ``?lang=``, the visitor's switch, the browser.

The choice lives in st.session_state (``LANGUAGE_KEY``) and in the URL (``?lang=``), so a link
copied from the page opens in the same language; app.py calls ``choose_language`` before it
builds the navigation, so page titles are translated too.
"""

from __future__ import annotations

import streamlit as st

from shopdl_core.i18n import LANGUAGES, _, resolve_language, set_language

LANGUAGE_KEY = "language"
_URL_LANGUAGE_KEY = "language_in_url"  # the ?lang= this session last saw, to notice an edited link


def choose_language() -> str:
    """This run's language, set for ``_()``; the URL's ``?lang=`` kept in step with it.

    A ``?lang=`` the session has not seen yet wins (a link was opened or edited); then the
    visitor's switch; then the browser's language; then English."""
    requested = st.query_params.get("lang")
    current = st.session_state.get(LANGUAGE_KEY)
    if current not in LANGUAGES or (requested != st.session_state.get(_URL_LANGUAGE_KEY) and requested in LANGUAGES):
        st.session_state[LANGUAGE_KEY] = resolve_language(requested, st.context.locale)
    language = st.session_state[LANGUAGE_KEY]
    set_language(language)
    st.session_state[_URL_LANGUAGE_KEY] = language
    # Written on every run, even when unchanged: that sends the run's whole query string to the
    # browser, whose address bar otherwise keeps the previous one after a link to the same page.
    st.query_params["lang"] = language
    return language


def _switched() -> None:
    chosen = st.session_state[LANGUAGE_KEY]
    if chosen in LANGUAGES:
        st.session_state[_URL_LANGUAGE_KEY] = chosen
        st.query_params["lang"] = chosen


def language_switch() -> None:
    """English / 中文 in the sidebar."""
    st.sidebar.segmented_control(_("Language"), list(LANGUAGES), format_func=LANGUAGES.get, key=LANGUAGE_KEY,
                                 on_change=_switched, selection_mode="single")
