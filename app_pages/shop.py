"""The shop: the storefront (recommendations, filters, the grid) or, with ?product=ID, one product."""

import streamlit as st

from shopdl_core.errors import InputError
from shopdl_core.i18n import _
from shopdl_core.shop import catalogue
from shopdl_core.ui.shop import all_products_section, recommended_section
from shopdl_core.ui.shop_product import back_to_shop, looks_like, product_header, shoppers_also_liked
from shopdl_core.ui.shop_reviews import reviews_section
from shopdl_core.ui.widgets import plain

requested = st.query_params.get("product")
if requested is None:
    st.title(_("🛍️ ShopDL shop"))
    st.caption(_("Real photos of clothes, real reviews, and recommendations that follow what you browse."))
    recommended_section()
    all_products_section()
else:
    try:
        product = catalogue.find_product(requested)
    except InputError as exc:
        st.error(plain(str(exc)))  # the message quotes the link's text
        back_to_shop()
        st.stop()
    back_to_shop()
    product_header(product)
    looks_like(product.product_id)
    shoppers_also_liked(product.product_id)
    reviews_section(product.product_id)
