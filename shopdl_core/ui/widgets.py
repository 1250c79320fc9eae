"""Shared widgets: the product card every demo can show, and a file uploader in the page's language."""

from __future__ import annotations

import html
import re

import streamlit as st

from shopdl_core import catalog
from shopdl_core.i18n import DEFAULT_LANGUAGE, _, current_language, pgettext
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


# Streamlit draws its uploader's button ("Upload") and limit ("10MB per file • CSV, TXT") in
# English whatever the page's language, and has no option to change them. In another language
# those two texts are hidden (font size 0) and drawn again from a style rule scoped to the
# uploader's key (Streamlit gives each keyed widget the class "st-key-<key>").
_UPLOADER_WORDS = """<style>
.st-key-{key} [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,
.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
.st-key-{key} [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after
  {{ content: "{button}"; font-size: 14px; }}
.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"] span::after
  {{ content: "{limit}"; font-size: 14px; }}
</style>"""


def _css_string(text: str) -> str:
    """Text made safe inside a CSS string in a style element (no quote, backslash or tag can end it)."""
    return "".join(ch if ch.isalnum() or ch in " ·,.-/" else f"\\{ord(ch):x} " for ch in text)


def _css_key(key: str) -> str:
    """The key as Streamlit writes it into the widget's class name (other characters become "-")."""
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def file_uploader(where, label: str, *, types: list[str], key: str, **options):
    """``where.file_uploader`` (``where``: ``st`` or a column), with Streamlit's own words on
    it in the page's language."""
    upload = where.file_uploader(label, type=types, key=key, **options)
    if current_language() != DEFAULT_LANGUAGE:
        megabytes = options.get("max_upload_size") or st.get_option("server.maxUploadSize")
        limit = _("at most {megabytes} MB a file").format(megabytes=megabytes)
        if types:
            limit += " · " + ", ".join(kind.lstrip(".").upper() for kind in types)
        where.html(_UPLOADER_WORDS.format(key=_css_key(key), button=_css_string(_("Upload")), limit=_css_string(limit)))
    return upload
