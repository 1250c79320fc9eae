"""The page's elements as the protocol client reads them, and the widget values it sends back.

``describe`` turns one ``Element`` message into a ``RenderedElement`` (its kind, the text a reader
sees, its place in the page); ``widget_state`` builds the ``WidgetState`` a browser would send for
a widget holding a value.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

from streamlit.proto.WidgetStates_pb2 import WidgetState

SIDEBAR = 1  # the first index of a delta path: 0 = main area, 1 = sidebar


class SessionError(Exception):
    """The session cannot go on: the connection dropped, a run timed out, a widget is missing."""


@dataclass(frozen=True)
class RenderedElement:
    kind: str  # the Element field ("markdown", "text_area", ...); alerts by format ("error", "info")
    text: str  # what a reader sees: a body, a message, a table as CSV, or a widget's label
    path: tuple[int, ...]  # delta path: (0 main | 1 sidebar, index, index in block, ...)
    widget_id: str = ""  # Streamlit's id, "$$ID-<hash>-<user key>", for widgets and data editors
    proto: object = field(default=None, repr=False, compare=False)  # the element's own message
    fragment_id: str = ""  # the st.fragment that drew it; a widget there reruns only that fragment

    @property
    def user_key(self) -> str | None:
        """The ``key=`` the page gave the widget, read from the id's suffix."""
        if not self.widget_id:
            return None
        suffix = self.widget_id.split("-", maxsplit=2)[-1]
        return None if suffix == "None" else suffix

    @property
    def in_sidebar(self) -> bool:
        return self.path[:1] == (SIDEBAR,)


def describe(element, path: tuple[int, ...], fragment_id: str = "") -> RenderedElement:
    kind = element.WhichOneof("type")
    proto = getattr(element, kind)
    widget_id = getattr(proto, "id", "")
    if kind == "alert":
        kind = type(proto).Format.Name(proto.format).lower()
    return RenderedElement(kind, _readable_text(kind, proto), path, widget_id, proto, fragment_id)


def _readable_text(kind: str, proto) -> str:
    if kind == "exception":
        return f"{proto.type}: {proto.message}"
    if kind == "metric":
        return " ".join(part for part in (proto.label, proto.body, proto.delta) if part)
    if kind in ("dataframe", "table"):
        return _arrow_as_csv(proto.arrow_data.data)
    if kind == "vega_lite_chart":  # a chart's text is its data: what it plots, not how
        tables = [proto.data.data, *(dataset.data.data for dataset in proto.datasets)]
        return "\n".join(_arrow_as_csv(table) for table in tables if table)
    if kind == "imgs":
        return " | ".join(image.caption for image in proto.imgs)
    if kind == "code":
        return proto.code_text
    for name in ("body", "label", "text"):
        if name in type(proto).DESCRIPTOR.fields_by_name:
            return getattr(proto, name)
    return ""


def _arrow_as_csv(data: bytes) -> str:
    if not data:
        return ""
    import pyarrow as pa  # installed with streamlit; imported here since most pages show no table
    import pyarrow.csv

    table = pa.ipc.open_stream(data).read_all()
    sink = io.BytesIO()
    pyarrow.csv.write_csv(table, sink)
    return sink.getvalue().decode()


def widget_state(widget: RenderedElement, value: object) -> WidgetState:
    """The WidgetState a browser sends for this widget holding ``value``.

    Option widgets take the option as displayed (its formatted string), sliders a list, and a
    data editor a dict of edits ({"edited_rows": {row: {column: value}}, ...}).
    """
    state = WidgetState(id=widget.widget_id)
    proto = widget.proto
    if widget.kind in ("text_area", "text_input", "selectbox", "radio", "color_picker"):
        state.string_value = str(value)
    elif widget.kind == "dataframe":
        state.string_value = value if isinstance(value, str) else json.dumps(value)
    elif widget.kind == "checkbox":
        state.bool_value = bool(value)
    elif widget.kind == "number_input":
        if proto.data_type == type(proto).INT:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
    elif widget.kind == "slider" and proto.type != type(proto).SELECT_SLIDER:
        state.double_array_value.data.extend(_as_list(value))
    elif widget.kind in ("slider", "multiselect", "button_group"):
        state.string_array_value.data.extend(str(item) for item in _as_list(value))
    else:
        raise SessionError(f"setting a {widget.kind} widget is not supported by this client")
    return state


def _as_list(value: object) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]
