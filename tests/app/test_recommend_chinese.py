"""The Recommender page in Chinese: no Latin word outside a short allow-list (and the demo
shoppers' names, which are user data) in its text, widgets and their tooltips, the rating
table's column titles, and its charts, for every method, for the shop visitor's row (which
stays chosen when the language changes) and for the rating table's errors; and every chart
channel that shows a name has a translated title."""

from __future__ import annotations

import json

import pytest

from shopdl_core import catalog
from shopdl_core.i18n import set_language
from shopdl_core.recsys.recommenders import RECOMMENDERS
from shopdl_core.shop.signals import SIGNALS_KEY
from shopdl_core.ui.recsys import short_labels
from shopdl_core.ui.language import LANGUAGE_KEY
from tests.app.test_photo_lab_chinese import PAGE_LATIN, open_page, page_texts
from tests.app.test_shop_page import latin_words
from tests.conftest import open_app, shown_text

PAGE = "app_pages/recommend.py"
SHOPPERS = set(catalog.load_demo_ratings().index)  # Ana, Ben, ...: names, kept as typed
# Beyond the photo and lab pages' list: the ranking measure, the file type, a model's name.
RECOMMENDER_LATIN = PAGE_LATIN | SHOPPERS | {"NDCG", "CSV", "UTF-8", "I-AutoRec"}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


def recommender_texts(at) -> list[str]:
    """page_texts, and what it leaves out that this page shows: the selectors' tooltips, the
    popover, download and upload labels, and the rating table's column titles and tooltips."""
    texts = page_texts(at)
    texts.extend(element.proto.help for kind in ("selectbox", "radio", "download_button") for element in at.get(kind))
    texts.extend(element.proto.label for kind in ("download_button", "file_uploader") for element in at.get(kind))
    texts.extend(block.proto.popover.label for block in at.get("popover"))
    for table in at.dataframe:
        for column in json.loads(table.proto.columns).values():
            texts.extend([column.get("label", ""), column.get("help", "")])
    return texts


def english_words(at) -> set[str]:
    return latin_words(recommender_texts(at)) - RECOMMENDER_LATIN


def open_in_chinese():
    at = open_page(PAGE)
    # AppTest formats the selectors' values (format_func) in the test's thread: in Chinese too.
    set_language("zh")
    return at


def edit(at, edited_rows):
    at.session_state["ratings_editor"] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.run()


def test_the_recommender_page_in_chinese_for_every_method():
    at = open_in_chinese()
    assert at.title[0].value == "🧭 推荐系统"
    assert at.info[0].value.startswith("按融合得分排序：50% 来自相似顾客")
    assert any(caption.value.startswith("Ben 给它打了 5 ★") for caption in at.caption)
    assert english_words(at) == set()
    for method in RECOMMENDERS:
        at.selectbox(key="recsys_method").set_value(method).run()
        assert not at.exception and not at.error, method
        assert english_words(at) == set(), method
    assert "神经网络（自编码器）" in at.selectbox(key="recsys_method").options


def test_the_shop_visitor_row_in_chinese_stays_chosen_across_the_language_switch():
    at = open_app(PAGE)  # English first
    at.session_state[SIGNALS_KEY] = {"P183": frozenset({"like"}), "P005": frozenset({"view"})}
    at.run()
    at.selectbox(key="recsys_shopper").select("🛍️ Shop visitor").run()
    at.segmented_control(key=LANGUAGE_KEY).set_value("zh").run()
    set_language("zh")
    assert not at.exception and not at.error
    assert at.selectbox(key="recsys_shopper").value == "🛍️ 商店访客"
    assert any("就是商店眼中的您" in caption.value for caption in at.caption)
    assert english_words(at) == set()


def test_rating_table_errors_in_chinese_name_the_product_as_the_page_does():
    at = open_in_chinese()
    edit(at, {1: {"Grey Sport Shoes": 7.0}})
    assert not at.exception
    assert "“Ben”行、“灰色运动鞋”列的值为“7”" in at.error[0].value
    assert english_words(at) == set()
    edit(at, {1: {"Shopper": ""}})
    assert at.error[0].value.startswith("第 2 行没有顾客姓名：请在“顾客”列中输入姓名。")
    edit(at, {1: {"Shopper": "Ana"}})
    assert at.error[0].value.startswith("顾客“Ana”出现了两次（第 1 行和第 2 行）")


def test_a_refused_upload_is_explained_again_in_chinese_after_the_switch():
    at = open_app(PAGE)  # English first
    at.get("file_uploader")[0].upload("bad.csv", b"Shopper,Hat\nAna,4\n", "text/csv").run()
    assert "bad.csv was not loaded, your table is unchanged" in shown_text(at.error[0].value)
    at.segmented_control(key=LANGUAGE_KEY).set_value("zh").run()
    set_language("zh")
    assert not at.exception and len(at.error) == 1
    # the file's own column names stay as the file has them (the CSV format is one for both languages)
    assert shown_text(at.error[0].value).startswith("bad.csv 未载入，您的表格保持不变：评分表必须包含这些列")


def untitled_channels(spec) -> list[str]:
    """Encoding channels that show a field's name (axis, legend or tooltip) without a title."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for channel, value in node.get("encoding", {}).items():
                entries = value if channel == "tooltip" else [value]
                found.extend(f"{channel}:{entry['field']}" for entry in entries
                             if channel != "text" and isinstance(entry, dict) and "field" in entry
                             and "title" not in entry)
            for key, value in node.items():
                if key != "data":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found


def test_every_recommender_chart_names_its_fields_in_chinese():
    at = open_in_chinese()
    charts = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert len(charts) == 3  # the shoppers' likeness, the score parts, the blend sweep
    for spec in charts:
        assert untitled_channels(spec) == []


def test_the_rating_table_titles_are_short_and_unique_in_both_languages():
    products = list(catalog.load_demo_ratings().columns)
    english = short_labels(products)
    assert list(english.values()) == ["Red tee", "Black pants", "Grey shoes", "Shorts", "Multicolour dress", "Red pants",
                                      "Jacket", "Formal shoes", "White tee", "Purple dress", "Summer shoes", "Hat"]
    set_language("zh")
    chinese = short_labels(products)
    assert list(chinese.values()) == ["红色T恤", "黑色长裤", "灰色鞋", "短裤", "多色裙", "红色长裤", "夹克", "正装鞋",
                                      "白色T恤", "紫色裙", "夏日鞋", "帽子"]
