"""Language detection of a review: the share of CJK ideographs among its letters."""

import pytest

from shopdl_core.text.language import cjk_share, detect_language, is_cjk


@pytest.mark.parametrize("text, language", [
    ("质量很好，物流也快，非常满意", "zh"),
    ("Love this dress!", "en"),
    ("这条 dress 很好看", "zh"),  # 5 of 10 letters are CJK
    ("The 毛衣 is lovely and warm, fits well", "en"),  # 2 of 28
    ("12345 !!!", "en"),  # no letters: the default
    ("", "en"),
    ("とても良いです", "en"),  # kana are not counted as Chinese
])
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_cjk_share_counts_letters_only():
    assert cjk_share("好 ok!!") == pytest.approx(1 / 3)
    assert is_cjk("中") and not is_cjk("a") and not is_cjk("，")
