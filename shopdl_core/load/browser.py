"""Headless Debian Chromium settings shared by the browser tests and the start-up benchmark."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("SHOPDL_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking switches Chromium keeps dialling out at start-up, which a
# machine with no network refuses; the rest keep a root, headless run quiet and repeatable.
CHROMIUM_ARGS = (
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
# Streamlit marks its root element like this once a script run has finished rendering.
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
