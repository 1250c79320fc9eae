"""The uploader's redrawn words: text that cannot end its CSS string or style element, and the
key written as Streamlit writes it into the widget's class name."""

from shopdl_core.ui.widgets import _css_key, _css_string


def test_text_cannot_leave_its_css_string_or_the_style_element():
    escaped = _css_string('上传 "x" </style><script>a\\b\nc')
    assert not any(ch in escaped for ch in '"<>\n') and "\\\\" not in escaped
    assert escaped.startswith("上传 \\22 x\\22 ")  # a hex escape ends with one space, which CSS consumes
    assert "\\3c /style\\3e " in escaped and "a\\5c b" in escaped


def test_the_key_becomes_the_class_name_streamlit_gives_the_widget():
    assert _css_key("review_csv") == "review_csv"
    assert _css_key(" lab.photo upload}") == "lab-photo-upload-"
