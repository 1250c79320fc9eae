"""Shared fixtures: a fresh AppTest of the whole app, starting on a chosen page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO_DIR = Path(__file__).resolve().parent.parent
APP_TIMEOUT_S = 120  # the first run of a page may load a model on a busy 2-core machine


def open_app(page: str | None = None) -> AppTest:
    """Run app.py once (home), then switch to ``page`` (e.g. "app_pages/images.py") if given."""
    at = AppTest.from_file(str(REPO_DIR / "app.py"), default_timeout=APP_TIMEOUT_S)
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


@pytest.fixture
def app_at():
    return open_app


def shown_text(markdown: str) -> str:
    """What a reader sees of markdown the page escaped with ``plain()``: the backslashes dropped."""
    return re.sub(r"\\(.)", r"\1", markdown)
