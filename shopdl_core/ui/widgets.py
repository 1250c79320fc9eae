"""Shared widgets: the product card every demo can show."""

from __future__ import annotations

import html
import re

import streamlit as st

from shopdl_core import catalog
from shopdl_core.i18n import pgettext
from shopdl_core.shop.catalogue import find_product

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def plain(text: str) -> str:
    """User text made inert for st.markdown: HTML escaped, markdown punctuation backslashed."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(str(text), quote=False))


def render_product_card(product_id: str, headline: str, reasons: list[str] | tuple[str, ...] = ()) -> None:
    """A bordered card: picture, name, category and price, a headline (score), and reasons.

    ``headline`` and ``reasons`` are shown as plain text (they may hold shoppers' names).
    """
    product = catalog.load_catalog().loc[product_id]
    with st.container(border=True):
        st.image(catalog.product_picture_jpeg(product_id), width=112)
        kind = pgettext("kind", product["category"])
        st.markdown(f"**{plain(find_product(product_id).name())}**  \n{plain(kind)} · €{product['price']:.2f}")
        st.markdown(f"**{plain(headline)}**")
        for reason in reasons:
            st.caption(plain(reason))


# Streamlit draws a page link on one line and cuts a long label with an ellipsis; a product card
# is 168 px wide, so on a phone "Navy Everyday Dress" read "Navy Everyday Dres". Let labels wrap.
_STYLES = """<style>
[data-testid="stPageLink-NavLink"] span, [data-testid="stPageLink-NavLink"] p {
  white-space: normal; overflow: visible; text-overflow: clip;
}
</style>"""


def page_styles() -> None:
    """The app's few style rules, once per run (a style-only st.html takes no room on the page)."""
    st.html(_STYLES)
