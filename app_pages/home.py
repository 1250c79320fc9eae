"""Home: what ShopDL demonstrates, a card per demo, and the model cards."""

import streamlit as st

from shopdl_core.ui.common import device_label, format_bytes, model_statuses
from shopdl_core.ui.demos import DEMOS
from shopdl_core.errors import InputError

st.title("🛍️ ShopDL")
st.markdown(
    "Three deep-learning systems of an online fashion shop, working live on real data: "
    "recommendations from what shoppers rated, a CNN that reads product photos, and an "
    "attention RNN that reads reviews. Every model runs in this server process, trained "
    "offline and shipped with the app."
)

st.header("Demos")
if DEMOS:
    for column, demo in zip(st.columns(len(DEMOS)), DEMOS):
        with column.container(border=True):
            st.subheader(f"{demo.icon} {demo.title}")
            st.write(demo.summary)
            st.page_link(demo.page, label=f"Open {demo.title}", icon="➡️")
else:
    st.info("The demo pages are being built; this page lists each one as it lands.")

st.header("Models")
try:
    st.caption(f"All models run on: {device_label()}")
except InputError as exc:
    st.error(str(exc))
cards = [status for status in model_statuses() if status.present]
if not cards:
    st.info("No trained checkpoints in assets/models yet.")
for column, status in zip(st.columns(max(len(cards), 1)), cards):
    with column.container(border=True):
        st.markdown(f"**{status.name}**")
        if status.headline_value is not None:
            st.metric(status.headline_name, f"{status.headline_value:.3f}")
        st.caption(
            f"Trained on {status.trained_on or 'unknown data'} · {status.parameters:,} parameters · "
            f"{format_bytes(status.size_bytes)} checkpoint · "
            f"{'loaded' if status.loaded else 'loads on first use'}"
        )
