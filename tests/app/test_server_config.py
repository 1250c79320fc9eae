"""The server settings the app depends on, read from .streamlit/config.toml as Streamlit reads them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def config() -> dict:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def test_no_full_garbage_collection_after_every_run(config):
    # On by default in Streamlit; with torch and pandas loaded each collection holds the GIL for
    # tens of milliseconds, which under `bench app` with 20 sessions was the largest single cost.
    assert config["runner"]["postScriptGC"] is False


def test_upload_limit_matches_the_readme(config):
    assert config["server"]["maxUploadSize"] == 10
    readme = (CONFIG.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "10 MB per file" in readme


def test_no_source_file_watcher_in_the_served_demo(config):
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["headless"] is True
