"""The storefront's Streamlit parts: the visitor's signals, product links and cards, filters,
the grid and "Recommended for you". The product page's parts are in ui/shop_product.py.

The visitor's signals live in st.session_state (``signals.SIGNALS_KEY``); links carry only
``?product=`` and ``?lang=``, so a shared link never shows another visitor's browsing.
"""

from __future__ import annotations

import base64
from functools import lru_cache

import streamlit as st

from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.i18n import _, current_language, pgettext
from shopdl_core.search.engine import MAX_QUERY_CHARS
from shopdl_core.shop import catalogue
from shopdl_core.shop.recommend import ShopPick, also_liked, recommended_for_visitor, shop_shoppers
from shopdl_core.shop.signals import SIGNALS_KEY, Signals, products_with, with_signal, without_signal
from shopdl_core.ui.language import localised_fragment
from shopdl_core.ui.search import cached_search

SHOP_PAGE = "app_pages/shop.py"
SHOP_URL_PATH = "shop"  # the navigation's url path of the shop (app.py); links name the page by it
# Cards of a fixed width in a wrapping row: five a row on a laptop (1440 px), two on a phone
# (390 px), where Streamlit's columns would stack into one long column.
CARD_WIDTH = 168  # two cards and the small gap (1 rem) fit a 390 px phone's 358 px of content
CARD_PICTURE = 336  # pixels of the card's picture: twice its width, for high-density screens
GRID_STEP = 15  # products shown at first, and added by "Show more": three rows of five
GRID_COUNT_KEY = "shop_grid_count"
SEARCH_RESULTS = 20


def visitor_signals() -> Signals:
    return st.session_state.setdefault(SIGNALS_KEY, {})


def give_signal(product_id: str, signal: str) -> None:
    st.session_state[SIGNALS_KEY] = with_signal(visitor_signals(), product_id, signal)


def take_back_signal(product_id: str, signal: str) -> None:
    st.session_state[SIGNALS_KEY] = without_signal(visitor_signals(), product_id, signal)


def _signal_key(signals: Signals) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((product_id, tuple(sorted(given))) for product_id, given in signals.items()))


@st.cache_data(max_entries=256, show_spinner=False)
def _recommended(signal_key: tuple[tuple[str, tuple[str, ...]], ...]) -> list[ShopPick]:
    """Keyed by the signals' content only (no session id): identical browsing, identical answer."""
    return recommended_for_visitor({product_id: frozenset(given) for product_id, given in signal_key})


@st.cache_data(max_entries=256, show_spinner=False)
def cached_also_liked(product_id: str) -> list[ShopPick]:
    return also_liked(product_id)


@lru_cache(maxsize=1)
def shop_page() -> st.Page:
    """The shop as a link target. A Page object spares st.page_link resolving the script's path on
    disk for each of the 25 cards of every run; the title is the navigation's business (app.py)."""
    return st.Page(SHOP_PAGE, url_path=SHOP_URL_PATH)


def product_link(product_id: str, label: str) -> None:
    """A real link (<a href="...?product=ID&lang=..">): opens here, in a new tab, or is copied."""
    st.page_link(shop_page(), label=label, query_params={"product": product_id, "lang": current_language()})


@lru_cache(maxsize=1024)
def card_picture_url(product_id: str) -> str:
    """The card's picture as a data: URL, built once per product. Handed bytes, st.image would
    decode the JPEG and hash it again on each run (a quarter of a storefront run's CPU, py-spy);
    a URL goes to the browser as it is, and Streamlit's message cache sends it only once."""
    jpeg = catalogue.picture_jpeg(product_id, CARD_PICTURE)
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def kind_label(kind: str) -> str:
    return pgettext("kind", kind)


def colour_label(colour: str) -> str:
    return pgettext("colour", colour)


def pick_reason(pick: ShopPick, for_visitor: bool = True) -> str:
    """One short line: which system put this product here (for the visitor, or for a product's
    "also liked", where the neighbours are those who liked that product)."""
    if pick.system == "popular":
        return _("Popular: rated highly by many shoppers")
    if pick.system == "collaborative":
        line = (_("Collaborative filtering: shoppers with your taste rated it highly ({count})") if for_visitor
                else _("Collaborative filtering: shoppers who liked this rated it highly ({count})"))
        return line.format(count=pick.neighbours)
    if pick.because_of:
        return _("Content filtering: like {name}").format(name=catalogue.find_product(pick.because_of).name())
    return _("Content filtering: like what you browsed")


def product_card(product_id: str, note: str | None = None) -> None:
    """A bordered card: picture, name (a link to the product), price, colour and kind."""
    product = catalogue.find_product(product_id)
    with st.container(border=True, width=CARD_WIDTH):
        st.image(card_picture_url(product_id), width="stretch")
        product_link(product_id, product.name())
        facts = f"€{product.price:.2f} · {colour_label(product.colour)} · {kind_label(product.kind)}"
        st.caption(f"{facts}  \n{note}" if note else facts)  # one element: each costs the run a message


def card_rows(product_ids: list[str], notes: list[str] | None = None) -> None:
    """Product cards side by side, wrapping onto as many rows as the screen needs."""
    with st.container(horizontal=True, gap="small"):
        for position, product_id in enumerate(product_ids):
            product_card(product_id, notes[position] if notes else None)


def filters() -> tuple[list[str], list[str], tuple[float, float]]:
    """Kind, colour and price widgets; returns what they hold (empty lists: everything)."""
    low, high = catalogue.price_range()
    kinds_column, colours_column, price_column = st.columns(3)
    kinds = kinds_column.multiselect(_("Kind"), catalogue.KINDS, format_func=kind_label, key="shop_kinds",
                                     placeholder=_("All kinds"))
    colours = colours_column.multiselect(_("Colour"), catalogue.colours(), format_func=colour_label,
                                         key="shop_colours", placeholder=_("All colours"))
    bounds = (float(int(low)), float(int(high) + 1))
    if "shop_price" not in st.session_state:  # first run: the whole range (a default beside a kept
        st.session_state["shop_price"] = bounds  # value would make Streamlit warn on every run)
    price = price_column.slider(_("Price (€)"), *bounds, step=1.0, key="shop_price")
    return kinds, colours, price


def search_box() -> list[str] | None:
    """Search by words (English or Chinese): the SEARCH_RESULTS best product ids, best first, or
    None when the box is empty (the grid then shows everything)."""
    query = st.text_input(_("Search by words"), key="shop_search", max_chars=MAX_QUERY_CHARS,
                          placeholder=_("a red summer dress · 运动鞋 · something warm for winter"))
    if not query.strip():
        return None
    try:
        result = cached_search(query, SEARCH_RESULTS)
    except (InputError, CheckpointError) as exc:
        st.error(str(exc))
        return None
    st.caption(_("The {count} products whose photos best match your words (PhotoCNN's photo vectors "
                 "projected into the multilingual text encoder's space).").format(count=len(result.names)))
    return list(result.names)


def grid(products: list[catalogue.ShopProduct]) -> None:
    """The first GRID_COUNT products, and a "Show more" button while more are left."""
    shown = st.session_state.setdefault(GRID_COUNT_KEY, GRID_STEP)
    if not products:
        st.info(_("No product matches these filters."))
        return
    st.caption(_("{shown} of {total} products").format(shown=min(shown, len(products)), total=len(products)))
    card_rows([product.product_id for product in products[:shown]])
    if shown < len(products):
        st.button(_("Show more"), key="shop_more", on_click=lambda: st.session_state.update(
            {GRID_COUNT_KEY: shown + GRID_STEP}))


def recommended_section() -> None:
    signals = visitor_signals()
    picks = _recommended(_signal_key(signals))
    st.header(_("Recommended for you"))
    if picks and picks[0].system == "popular":
        st.caption(_("You have not browsed yet, so these are the shop's most popular products "
                     "(the best average ratings among {count} shoppers; a product rated by only a few counts "
                     "for less). Open, like or bag a product "
                     "and this list follows your taste.").format(count=shop_shoppers()))
    else:
        st.caption(_("From your signals: {views} viewed, {likes} liked, {bag} in the bag. "
                     "Each product says which system put it here.").format(
            views=len(products_with(signals, "view")), likes=len(products_with(signals, "like")),
            bag=len(products_with(signals, "bag"))))
    card_rows([pick.product_id for pick in picks], [pick_reason(pick) for pick in picks])


@localised_fragment
def all_products_section() -> None:
    """Search, filters and the grid. A fragment: typing a search or changing a filter reruns only
    this part, not the navigation, the sidebar and "Recommended for you" (which these widgets do
    not change), so a storefront action costs the server about half a full run."""
    st.header(_("All products"))
    found = search_box()
    kinds, colours, price = filters()
    try:
        products = catalogue.filter_products(kinds, colours, price)
    except InputError as exc:
        st.error(str(exc))
        products = []
    if found is not None:
        order = {product_id: rank for rank, product_id in enumerate(found)}
        products = sorted((p for p in products if p.product_id in order), key=lambda p: order[p.product_id])
    grid(products)
