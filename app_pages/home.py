"""How it works: the three systems behind the shop, a card per demo, and the model cards."""

import streamlit as st

from shopdl_core.errors import InputError
from shopdl_core.i18n import _
from shopdl_core.ui.common import EVALUATION_SECTION, device_label, format_bytes, format_share, model_statuses
from shopdl_core.ui.demos import DEMOS

st.title(_("🧠 How ShopDL works"))
st.markdown(_(
    "Three deep-learning systems of an online fashion shop, working live on real data: "
    "recommendations from what shoppers rated, a CNN that reads product photos, and an "
    "attention RNN that reads reviews. Every model runs in this server process, trained "
    "offline and shipped with the app. The shop shows them together; the pages below show "
    "each one on its own."
))

st.header(_("Demos"))
for column, demo in zip(st.columns(len(DEMOS)), DEMOS):
    with column.container(border=True):
        st.subheader(f"{demo.icon} {_(demo.title)}")
        st.write(_(demo.summary))
        st.page_link(demo.page, label=_("Open {page}").format(page=_(demo.title)), icon="➡️")

st.header(_(EVALUATION_SECTION))
try:
    st.caption(_("All models run on: {device}").format(device=device_label()))
except InputError as exc:
    st.error(str(exc))
cards = [status for status in model_statuses() if status.present]
if not cards:
    st.info(_("No trained checkpoints in assets/models yet."))
for column, status in zip(st.columns(max(len(cards), 1)), cards):
    with column.container(border=True):
        st.markdown(f"**{status.name}**")
        if status.headline_value is not None:
            st.metric(_(status.headline_name), format_share(status.headline_value))
        st.caption(" · ".join((
            _("Trained on {data}").format(data=_(status.trained_on) if status.trained_on else _("unknown data")),
            _("{count} parameters").format(count=f"{status.parameters:,}"),
            _("{size} checkpoint").format(size=format_bytes(status.size_bytes)),
            _("loaded") if status.loaded else _("loads on first use"),
        )))
