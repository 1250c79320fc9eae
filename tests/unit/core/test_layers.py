"""The library stays UI-free: only shopdl_core/ui imports Streamlit (app.py and app_pages/ may too)."""

import re

from shopdl_core.config import REPO_DIR

STREAMLIT_IMPORT = re.compile(r"^\s*(import streamlit|from streamlit\b)", re.MULTILINE)


def test_only_the_ui_package_imports_streamlit():
    package = REPO_DIR / "shopdl_core"
    offenders = [str(path.relative_to(REPO_DIR)) for path in sorted(package.rglob("*.py"))
                 if "ui" not in path.relative_to(package).parts[:1] and STREAMLIT_IMPORT.search(path.read_text())]
    assert offenders == []
