"""The sidebar every page shares: compute device and the status of each model."""

from __future__ import annotations

import streamlit as st

from shopdl_core.errors import InputError
from shopdl_core.ui.common import device_label, format_bytes, model_statuses


def render_sidebar() -> None:
    with st.sidebar:
        st.subheader("Compute")
        try:
            st.markdown(f"Device: **{device_label()}**", help="Set SHOPDL_DEVICE=cpu|cuda|mps to choose.")
        except InputError as exc:
            st.error(str(exc))
        st.subheader("Models")
        for status in model_statuses():
            if not status.present:
                st.caption(f"**{status.name}**: checkpoint missing (see README, Retraining)")
                continue
            state = "loaded" if status.loaded else "ready, loads on first use"
            metric = (
                f"{status.headline_name} {status.headline_value:.3f}"
                if status.headline_value is not None else "no metric recorded"
            )
            st.caption(
                f"**{status.name}**: {state} · {metric} · "
                f"{status.parameters:,} parameters · {format_bytes(status.size_bytes)}"
            )
