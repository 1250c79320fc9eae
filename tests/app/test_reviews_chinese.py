"""The Review sentiment page in Chinese: no Latin word outside a short allow-list in its text,
widgets, chart and table, with a Chinese review scored, an English review beside the attention
legend, a review error and a scored CSV. The reviews' own words keep their language."""

from __future__ import annotations

import json
import re

import pytest

from shopdl_core.i18n import set_language
from tests.app.test_photo_lab_chinese import page_texts
from tests.app.test_shop_page import ALLOWED_LATIN, latin_words, open_shop

PAGE = "app_pages/reviews.py"
# Beyond the shop's list: the encoder's published name, the recurrent cells, the file type and encoding.
PAGE_LATIN = ALLOWED_LATIN | {"multilingual-e5-small", "GRU", "LSTM", "CSV", "UTF-8"}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


@pytest.fixture(scope="module")
def page():
    at = open_shop(lang="zh")
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    return at


def english_words(at, review: str = "") -> set[str]:
    """Latin words on the page that are neither allowed nor the review's own (the recurrent models
    show them lower-cased)."""
    own = {word.lower() for word in re.findall(r"[A-Za-z][A-Za-z0-9'\-]+", review)}
    return {word for word in latin_words(page_texts(at)) - PAGE_LATIN if word.lower() not in own}


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_page_opens_on_a_chinese_review_scored_in_chinese(page):
    assert page.title[0].value == "💬 评论情感"
    assert page.text_area(key="review_text").value == "质量很好，物流也快，穿着很舒服，非常满意！"
    assert "👍 正面" in _markdown(page) and "推向正面" in _markdown(page)  # verdict and attribution legend
    assert sum("只读英文" in i.value for i in page.info) == 2  # each recurrent model says it abstains
    assert "识别出的语言：中文。" in [c.value for c in page.caption]
    assert english_words(page) == set()


def test_a_typed_chinese_review_is_scored(page):
    page.text_area(key="review_text").set_value("太差了，穿了一次就破了，客服也不理人。").run()
    assert not page.exception and not page.error
    assert "👎 负面" in _markdown(page)
    assert english_words(page) == set()


def test_an_english_review_shows_attention_in_chinese(page):
    page.button(key="example_mixed").click().run()
    review = page.text_area(key="review_text").value
    assert review.startswith("Beautiful colour")
    assert "注意力低" in _markdown(page) and "识别出的语言：英文。" in [c.value for c in page.caption]
    assert english_words(page, review) == set()


def test_an_empty_review_is_refused_in_chinese(page):
    page.text_area(key="review_text").set_value("  ").run()
    assert [e.value for e in page.error] == ["评论是空的：请写一两句关于商品的话。"]
    assert english_words(page) == set()


def test_a_csv_is_scored_in_chinese(page):
    page.text_area(key="review_text").set_value("颜色很好看，但是尺码偏小，穿着有点紧。").run()
    csv = "编号,评论\n1,质量很好，非常满意\n2,太差了，穿了一次就破了\n3,\n4,Love it! Fits perfectly.\n"
    page.file_uploader(key="review_csv").upload("评论.csv", csv.encode("utf-8-sig"), "text/csv").run()
    assert "共 4 行，按 UTF-8 编码读取。" in [c.value for c in page.caption]
    page.button(key="score_csv").click().run()
    assert not page.exception and not page.error
    table = page.dataframe[0].value
    assert list(table.columns) == ["编号", "评论", "情感", "正面概率", "语言", "备注"]
    assert table["情感"].tolist()[:3] == ["正面", "负面", "–"] and table["备注"][2] == "空单元格：未评分"
    assert table["语言"].tolist() == ["中文", "中文", "–", "英文"]
    spec = json.loads(page.get("vega_lite_chart")[0].proto.spec)  # its field names are its axis and tooltip titles
    assert (spec["encoding"]["x"]["field"], spec["encoding"]["y"]["field"]) == ("评论数", "情感")
    assert spec["encoding"]["color"]["scale"]["domain"] == ["正面", "负面", "未评分"]
    assert english_words(page, "Love it! Fits perfectly.") == set()
