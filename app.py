"""ShopDL: the Streamlit entry point. Page config, navigation over the demos, shared sidebar."""

import streamlit as st

from shopdl_core.ui.demos import DEMOS
from shopdl_core.ui.replica import notice_after_failover
from shopdl_core.ui.sidebar import render_sidebar

st.set_page_config(page_title="ShopDL", page_icon="🛍️", layout="wide")

home = st.Page("app_pages/home.py", title="Home", icon="🏠", default=True)
demo_pages = [st.Page(demo.page, title=demo.title, icon=demo.icon) for demo in DEMOS]
navigation = st.navigation([home, *demo_pages])
render_sidebar()
notice_after_failover()
navigation.run()
