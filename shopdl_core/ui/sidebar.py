"""The sidebar every page shares: the language switch, compute device and the status of each model."""

from __future__ import annotations

import streamlit as st

from shopdl_core.errors import InputError
from shopdl_core.i18n import _
from shopdl_core.ui.common import device_label, format_bytes, format_share, model_statuses
from shopdl_core.ui.language import language_switch


def render_sidebar() -> None:
    language_switch()
    with st.sidebar:
        st.subheader(_("Compute"))
        try:
            st.markdown(_("Device: **{device}**").format(device=device_label()),
                        help=_("Set SHOPDL_DEVICE=cpu|cuda|mps to choose."))
        except InputError as exc:
            st.error(str(exc))
        st.subheader(_("Models"))
        for status in model_statuses():
            if not status.present:
                st.caption(_("**{name}**: checkpoint missing (see README, Retraining)").format(name=status.name))
                continue
            state = _("loaded") if status.loaded else _("ready, loads on first use")
            metric = (
                f"{_(status.headline_name)} {format_share(status.headline_value)}"
                if status.headline_value is not None else _("no metric recorded")
            )
            st.caption(
                f"**{status.name}**: {state} · {metric} · "
                + _("{count} parameters").format(count=f"{status.parameters:,}")
                + f" · {format_bytes(status.size_bytes)}"
            )
