"""AppTest of search by words on the product-photo page: a query in each language returns
product cards; a query too long shows an error, not a traceback."""

from __future__ import annotations

import pytest

from tests.conftest import open_app

PAGE = "app_pages/images.py"


def search_captions(at) -> list[str]:
    return [c.value for c in at.caption if "similarity" in c.value and "€" in c.value]


@pytest.fixture(scope="module")
def page():
    return open_app(PAGE)


@pytest.mark.parametrize("query, kinds", [("a red summer dress", {"dress"}), ("运动鞋", {"shoes"})])
def test_a_search_in_each_language_returns_cards(page, query, kinds):
    at = page
    at.text_input(key="image_search").set_value(query).run()
    assert not at.exception and not at.error
    # Six search cards above the sample photo's six similar products (the box comes first).
    assert len(search_captions(at)) == 12
    cards = search_captions(at)[:6]
    # "€12.00 · shoes · similarity 0.84". Measured: 3 of 6 dresses for "a red summer dress" (the
    # others red skirts) since the catalogue's colours were re-read; floor 2, one below.
    assert sum(c.split(" · ")[1] in kinds for c in cards) >= 2


def test_a_query_too_long_shows_an_error(page):
    at = page
    at.text_input(key="image_search").set_value("x" * 5000).run()
    assert not at.exception
    assert "at most 200 characters" in at.error[0].value
