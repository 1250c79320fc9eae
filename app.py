"""ShopDL: the Streamlit entry point. Page config, language, navigation over the pages, shared sidebar."""

import streamlit as st

from shopdl_core.i18n import _
from shopdl_core.ui.demos import DEMOS
from shopdl_core.ui.language import choose_language
from shopdl_core.ui.page_state import keep_page_settings
from shopdl_core.ui.replica import notice_after_failover
from shopdl_core.ui.shop import SHOP_PAGE, SHOP_URL_PATH
from shopdl_core.ui.sidebar import render_sidebar
from shopdl_core.ui.widgets import page_styles

st.set_page_config(page_title="ShopDL", page_icon="🛍️", layout="wide")
choose_language()

shop = st.Page(SHOP_PAGE, title=_("Shop"), icon="🛍️", url_path=SHOP_URL_PATH, default=True)
overview = st.Page("app_pages/home.py", title=_("How it works"), icon="🧠", url_path="how-it-works")
demo_pages = [st.Page(demo.page, title=_(demo.title), icon=demo.icon) for demo in DEMOS]
navigation = st.navigation([shop, overview, *demo_pages])
page_styles()
render_sidebar()
notice_after_failover()
keep_page_settings()
navigation.run()
