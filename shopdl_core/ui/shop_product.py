"""The product page's Streamlit parts: photo and PhotoCNN's tags, like and bag, the link to
copy, "Looks like this" and "Shoppers who liked this also liked". Reviews: ui/shop_reviews.py."""

from __future__ import annotations

import urllib.parse

import streamlit as st

from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.i18n import _, current_language, pgettext
from shopdl_core.shop import catalogue
from shopdl_core.shop.signals import visitor_ratings_row
from shopdl_core.ui.shop import (card_rows, cached_also_liked, colour_label, give_signal, kind_label, shop_page,
                                 pick_reason, take_back_signal, visitor_signals)
from shopdl_core.ui.vision import PHOTO_MODEL, analysed_photo, load_vision_model, photo_digest
from shopdl_core.vision.search import similar_products

PAGE_PICTURE = 480
NEIGHBOURS = 5  # one row of cards on a laptop


def back_to_shop() -> None:
    st.page_link(shop_page(), label=_("Back to the shop"), icon="⬅️", query_params={"lang": current_language()})


def product_url(product_id: str) -> str:
    """This product's link: the app's address, ``?product=`` and ``?lang=``, nothing of the session."""
    query = urllib.parse.urlencode({"product": product_id, "lang": current_language()})
    base = (st.context.url or "").rstrip("/")
    base = base.removesuffix("/shop")  # the shop is the default page: it is served at the app's root
    return f"{base}/?{query}"


def photo_tags(product_id: str, listed_colour: str) -> None:
    """What PhotoCNN reads in the product's photo: kind, department, colour (cached per photo),
    and a line where the colour read differs from the one listed: the catalogue's colour was
    checked by eye (catalog_build.shop_colour), the reading is the model's own."""
    data = catalogue.picture_bytes(product_id)
    try:
        prediction = analysed_photo(photo_digest(data), data, silhouettes=False).prediction
    except (InputError, CheckpointError) as exc:
        st.error(str(exc))
        return
    kind, department, colour = prediction.tags[:3]
    st.caption(_("PhotoCNN reads in the photo ({probability:.0%} sure of the kind):").format(
        probability=prediction.probabilities[prediction.label]))
    with st.container(horizontal=True):
        st.badge(kind_label(kind), color="orange")
        st.badge(pgettext("department", department), color="blue")
        st.badge(colour_label(colour), color="gray")
    if colour != listed_colour:
        st.caption(_("The colour reader reads {read} here; the shop lists {listed}, the colour people "
                     "named when they checked the photo by eye.").format(read=colour_label(colour).lower(),
                                                                         listed=colour_label(listed_colour).lower()))


def _toggle(product_id: str, signal: str, on_label: str, off_label: str, icon: str) -> None:
    given = signal in visitor_signals().get(product_id, frozenset())
    if given:
        st.button(off_label, key=f"shop_un{signal}", icon=icon, type="primary",
                  on_click=take_back_signal, args=(product_id, signal))
    else:
        st.button(on_label, key=f"shop_{signal}", icon=icon, on_click=give_signal, args=(product_id, signal))


def product_header(product: catalogue.ShopProduct) -> None:
    """Title, photo, price and tags, Like and Add to bag, the link to copy."""
    if "view" not in visitor_signals().get(product.product_id, frozenset()):
        give_signal(product.product_id, "view")
    st.title(product.name())
    picture_column, details_column = st.columns([1, 1])
    picture_column.image(catalogue.picture_jpeg(product.product_id, PAGE_PICTURE), width="stretch")
    with details_column:
        st.subheader(f"€{product.price:.2f}")
        st.markdown(" · ".join((kind_label(product.kind), colour_label(product.colour),
                                pgettext("department", product.department))))
        photo_tags(product.product_id, product.colour)
        with st.container(horizontal=True):
            _toggle(product.product_id, "like", _("Like"), _("Liked"), "❤️")
            _toggle(product.product_id, "bag", _("Add to bag"), _("In your bag"), "🛍️")
        strength = visitor_ratings_row(visitor_signals(), [product.product_id])[0]
        st.caption(_("Your signals on this product count as a rating of {stars:.1f} stars for the "
                     "recommenders (view 3.5, like 4.5, bag 5: the strongest counts).").format(stars=strength))
        st.caption(_("Link to this product (it carries the product and the language, nothing of your session):"))
        st.code(product_url(product.product_id), language=None, wrap_lines=True)


@st.cache_data(max_entries=256, show_spinner=False)
def _looks_like(product_id: str) -> list[str]:
    index = load_vision_model(PHOTO_MODEL).catalog_index
    position = index.product_ids.index(product_id)
    nearest = similar_products(index, index.embeddings[position], k=NEIGHBOURS + 1)
    return [pid for pid in nearest["product_id"] if pid != product_id][:NEIGHBOURS]


def looks_like(product_id: str) -> None:
    st.header(_("Looks like this"))
    st.caption(_("The catalogue photos nearest to this one in PhotoCNN's embedding (cosine similarity)."))
    try:
        neighbours = _looks_like(product_id)
    except CheckpointError as exc:
        st.error(str(exc))
        return
    card_rows(neighbours)


def shoppers_also_liked(product_id: str) -> None:
    st.header(_("Shoppers who liked this also liked"))
    st.caption(_("Collaborative filtering over the ratings of the shop's synthetic shoppers: what those who "
                 "rated this product highly rated highly too."))
    picks = cached_also_liked(product_id)[:NEIGHBOURS]
    card_rows([pick.product_id for pick in picks], [pick_reason(pick, for_visitor=False) for pick in picks])
