"""The Product photos and Model lab pages in Chinese: no Latin word outside a short allow-list in
their text, widgets, tabs, chart titles and axes, and table headers, after a photo is analysed
and after each of the lab's experiments has trained."""

from __future__ import annotations

import io
import json
import time

import numpy as np
import pytest
from PIL import Image

from shopdl_core.i18n import set_language
from shopdl_core.ui import lab
from shopdl_core.vision.colour import PALETTE
from tests.app.test_shop_page import ALLOWED_LATIN, latin_words, open_shop, visible_texts

# Beyond the shop's list: the networks and method names these pages teach, metric names, units,
# and file types.
PAGE_LATIN = ALLOWED_LATIN | {"EfficientNet-Lite", "EfficientNet-Lite0", "Grad-CAM", "RMSE", "logits", "precision",
                              "PNG", "JPEG", "WebP"}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


def chart_titles(spec: dict) -> list[str]:
    """Every title a Vega-Lite spec shows (axes, legends, tooltips), and its nominal data values."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    found.append(value)
                elif key != "values":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    for row in spec.get("data", {}).get("values", []):
        found.extend(value for key, value in row.items() if isinstance(value, str) and key != "product")
    return found


def page_texts(at) -> list[str]:
    texts = visible_texts(at)
    for kind in ("radio", "selectbox", "multiselect", "number_input", "expander", "tab"):
        texts.extend(element.proto.label for element in at.get(kind))
    for kind in ("radio", "selectbox"):
        for element in at.get(kind):
            texts.extend(element.options)
    texts.extend(element.proto.help for kind in ("slider", "number_input", "toggle", "metric")
                 for element in at.get(kind))
    for chart in at.get("vega_lite_chart"):
        texts.extend(chart_titles(json.loads(chart.proto.spec)))
    for frame in at.get("arrow_data_frame"):
        texts.extend(str(column) for column in frame.value.columns)
        texts.extend(str(value) for value in frame.value.iloc[:, -1] if isinstance(value, str))
    return texts


def open_page(page: str):
    at = open_shop(lang="zh")
    at.switch_page(page).run()
    assert not at.exception and not at.error
    return at


def english_words(at) -> set[str]:
    return latin_words(page_texts(at)) - PAGE_LATIN


def test_product_photos_page_in_chinese():
    at = open_page("app_pages/images.py")
    assert at.title[0].value == "📷 商品照片"
    assert at.subheader[0].value in {"连衣裙", "帽子", "长袖上衣", "夹克", "长裤", "衬衫", "鞋", "短裤", "半身裙", "T恤"}
    # Streamlit draws a delta's arrow from its first character: the Chinese must lead with the sign
    # too, or the calibration error's fall shows as a red rise.
    calibration = next(metric for metric in at.metric if metric.label == "校准误差")
    assert calibration.proto.delta.startswith("-"), calibration.proto.delta
    at.toggle(key="image_heat_map").set_value(True).run()
    assert not at.exception and english_words(at) == set()
    at.segmented_control(key="vision_model").set_value("ProductCNN").run()  # the Fashion-MNIST branch
    assert not at.exception and english_words(at) == set()


def test_a_photo_it_does_not_recognise_is_explained_in_chinese():
    at = open_page("app_pages/images.py")
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (300, 300, 3), dtype=np.uint8))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    at.radio(key="image_source").set_value("上传照片").run()
    at.file_uploader(key="image_upload").upload("noise.png", buffer.getvalue(), "image/png").run()
    assert not at.exception and at.subheader[0].value == "这看起来不像我们的十类服装之一"
    assert english_words(at) == set()


def finish(at, kind: str) -> None:
    run = at.session_state[lab.RUN_KEYS[kind]]
    deadline = time.monotonic() + 120
    while run.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not run.running
    at.run()


def test_model_lab_in_chinese_before_and_after_training():
    at = open_page("app_pages/lab.py")
    assert at.title[0].value == "🧪 模型实验室"
    assert english_words(at) == set()
    at.number_input(key="lab_photo_epochs").set_value(3)
    at.button(key="lab_photo_train").click().run()
    finish(at, lab.PHOTO)
    assert any(s.value.startswith("训练完成：3 / 3 轮") for s in at.success)
    assert english_words(at) == set()
    at.number_input(key="lab_factors").set_value(4)
    at.number_input(key="lab_epochs").set_value(5)
    at.button(key="lab_train").click().run()
    finish(at, lab.RECSYS)
    assert not at.exception and any(s.value.startswith("训练完成：5 / 5 轮") for s in at.success)
    assert english_words(at) == set()


def test_refused_lab_settings_are_explained_in_chinese():
    at = open_page("app_pages/lab.py")
    at.multiselect(key="lab_photo_classes").set_value(["连衣裙"])
    at.button(key="lab_photo_train").click().run()
    assert not at.exception and at.error[0].value == "未开始：请至少选择两个类别：分类器需要有可区分的东西。"


def test_a_bad_upload_is_refused_in_chinese():
    at = open_page("app_pages/images.py")
    at.radio(key="image_source").set_value("上传照片").run()
    at.file_uploader(key="image_upload").upload("empty.png", b"", "image/png").run()
    assert not at.exception and at.error[0].value.startswith("这个文件是空的（0 字节）")


def test_every_class_colour_and_department_these_pages_show_has_its_chinese():
    from shopdl_core import config
    from shopdl_core.i18n import pgettext
    from shopdl_core.ui.vision import FASHION_NAMES, class_name

    set_language("zh")
    assert set(FASHION_NAMES) == set(config.FASHION_CLASSES)
    for label in (*config.PHOTO_CLASSES, *config.FASHION_CLASSES):
        assert latin_words([class_name(label)]) == set(), label
    for colour in PALETTE:
        assert latin_words([pgettext("photo colour", colour)]) == set(), colour
    for department in set(config.PHOTO_CLASS_DEPARTMENT.values()):
        assert latin_words([pgettext("department", department)]) == set(), department
