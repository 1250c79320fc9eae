"""The client encodes each widget's value the way Streamlit's browser client does."""

import json

import pytest
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider

from shopdl_core.ui.session_client import SessionError, describe, widget_state


def rendered(kind: str, **fields):
    element = Element()
    getattr(element, kind).MergeFrom(type(getattr(element, kind))(id="$$ID-abc123-my_key", **fields))
    return describe(element, (0, 0))


def test_user_key_is_read_from_the_widget_id():
    assert rendered("selectbox", label="Shopper").user_key == "my_key"


def test_selectbox_sends_the_displayed_option():
    assert widget_state(rendered("selectbox", options=["Ana", "Ben"]), "Ben").string_value == "Ben"


def test_slider_sends_a_list_and_select_slider_strings():
    assert list(widget_state(rendered("slider"), 0.25).double_array_value.data) == [0.25]
    select_slider = rendered("slider", type=Slider.SELECT_SLIDER)
    assert list(widget_state(select_slider, "M").string_array_value.data) == ["M"]


def test_integer_number_input_sends_an_int():
    assert widget_state(rendered("number_input", data_type=NumberInput.INT), 7).int_value == 7
    assert widget_state(rendered("number_input", data_type=NumberInput.FLOAT), 0.5).double_value == 0.5


def test_data_editor_sends_its_edits_as_json():
    edits = {"edited_rows": {"0": {"Tee": 4.0}}, "added_rows": [], "deleted_rows": []}
    assert json.loads(widget_state(rendered("dataframe"), edits).string_value) == edits


def test_an_unsupported_widget_is_refused():
    with pytest.raises(SessionError, match="file_uploader"):
        widget_state(rendered("file_uploader"), b"png")
