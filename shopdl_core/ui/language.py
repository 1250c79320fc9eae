"""The page language: chosen once per run from ``?lang=``, the visitor's switch, the browser.

The choice lives in st.session_state (``LANGUAGE_KEY``) and in the URL (``?lang=``), so a link
copied from the page opens in the same language; app.py calls ``choose_language`` before it
builds the navigation, so page titles are translated too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from shopdl_core.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, resolve_language, set_language

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


def restore_language() -> None:
    """Set this thread's language from the session. A widget's callback and a fragment's rerun run
    without app.py, in a new script thread whose language would be the default (English)."""
    language = st.session_state.get(LANGUAGE_KEY)
    set_language(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def localised(function: Callable) -> Callable:
    """``function`` run in the session's language: for callbacks and the bodies of fragments."""
    @functools.wraps(function)
    def in_language(*args, **kwargs):
        restore_language()
        return function(*args, **kwargs)
    return in_language


def localised_fragment(function: Callable | None = None, *, run_every: float | None = None) -> Callable:
    """``st.fragment`` whose reruns speak the session's language (see ``restore_language``)."""
    def wrap(body: Callable) -> Callable:
        return st.fragment(localised(body), run_every=run_every)
    return wrap(function) if function is not None else wrap
