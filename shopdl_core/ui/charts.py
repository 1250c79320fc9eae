"""Vega-Lite specifications for the demos' charts, written as plain dicts.

The pages draw them with ``st.vega_lite_chart``. Building and validating the same charts with
Altair cost about a third of the server's CPU under 20 concurrent sessions (py-spy during
``python -m shopdl_core bench app``): Altair validates every spec against the Vega-Lite JSON
schema and hashes its data on each rerun. A dict costs next to nothing, and the tests check
that each spec names only fields its data has. Nothing here imports Streamlit.
"""

from __future__ import annotations

import math
from typing import Any, Iterable, Sequence

from shopdl_core.i18n import N_, _

Spec = dict[str, Any]
ORANGE = "#c2410c"  # the theme's primary colour
BLUE = "#2563eb"
INK = "#1f2933"


def field(name: str, kind: str = "nominal", **extra: Any) -> dict[str, Any]:
    """An encoding channel: a data field, its Vega-Lite type, and any further properties."""
    return {"field": name, "type": kind, **extra}


def tooltip(*fields: str | dict[str, Any]) -> list[dict[str, Any]]:
    """Tooltip entries; a bare name is a nominal field."""
    return [field(entry) if isinstance(entry, str) else entry for entry in fields]


def chart(rows: Iterable[dict[str, Any]], *, height: int, **spec: Any) -> Spec:
    """A spec over inline rows (Streamlit sends them to the browser as Arrow)."""
    return {"data": {"values": list(rows)}, "height": height, **spec}


def top_classes(top: Sequence[tuple[str, float]]) -> Spec:
    """The top classes' probabilities as bars, each labelled with its percentage."""
    x = field("probability", "quantitative", scale={"domain": [0, 1]}, axis={"format": "%"}, title=_("probability"))
    y = field("class", sort="-x", title=None, axis={"labelOverlap": False, "labelFontSize": 12})
    return chart(
        ({"class": name, "probability": float(p)} for name, p in top), height=44 * len(top),
        encoding={"x": x, "y": y},
        layer=[
            {"mark": {"type": "bar", "color": ORANGE},
             "encoding": {"tooltip": tooltip(field("class", title=_("class")),
                                             field("probability", "quantitative", format=".1%", title=_("probability")))}},
            {"mark": {"type": "text", "align": "left", "dx": 4, "color": INK},
             "encoding": {"text": field("probability", "quantitative", format=".1%")}},
        ],
    )


def per_class_accuracy(accuracy: dict[str, float]) -> Spec:
    return chart(
        ({"class": name, "accuracy": float(value)} for name, value in accuracy.items()), height=280,
        mark={"type": "bar", "color": ORANGE},
        encoding={
            "x": field("accuracy", "quantitative", scale={"domain": [0, 1]}, axis={"format": "%"}, title=_("accuracy")),
            "y": field("class", sort=list(accuracy), title=None),
            "tooltip": tooltip(field("class", title=_("class")),
                               field("accuracy", "quantitative", format=".1%", title=_("accuracy"))),
        },
    )


# A confusion cell's count is written in white where its colour is at least this far along the
# "oranges" scale, in ink below: white and ink contrast equally (about 3.5 : 1) near 0.7, where
# the scale passes from #f16913 (ink 4.7 : 1, white 3.1 : 1) to #d94801 (white 5.5 : 1).
WHITE_TEXT_FROM = 0.7


def white_text_from(most: int) -> float:
    """The least count written in white in a confusion matrix whose largest cell is ``most``.

    The cells are coloured on a symlog scale (Vega-Lite's constant 1: log(1 + count)) from 0 to
    ``most``, so the threshold is where log(1 + count) reaches WHITE_TEXT_FROM of log(1 + most):
    79 photos on the diagonal -> 21 and above in white; 980 test images -> 124 and above.
    """
    return math.expm1(WHITE_TEXT_FROM * math.log1p(max(most, 0)))


def confusion(counts: Sequence[Sequence[int]], class_names: Sequence[str]) -> Spec:
    """Heat map of a confusion matrix (true class by row), each cell labelled with its count,
    in white on the dark cells and in ink on the pale ones, whatever the matrix's scale."""
    order = list(class_names)
    rows = [{"true class": true, "predicted class": predicted, "images": int(counts[i][j])}
            for i, true in enumerate(order) for j, predicted in enumerate(order)]
    white_from = white_text_from(max((row["images"] for row in rows), default=0))
    return chart(
        rows, height=360,
        encoding={
            "x": field("predicted class", sort=order, axis={"labelAngle": -60, "labelOverlap": False},
                       title=_("predicted class")),
            "y": field("true class", sort=order, title=_("true class")),
        },
        layer=[
            {"mark": "rect", "encoding": {
                "color": field("images", "quantitative", scale={"scheme": "oranges", "type": "symlog"}, legend=None),
                "tooltip": tooltip(field("true class", title=_("true class")),
                                   field("predicted class", title=_("predicted class")),
                                   field("images", "quantitative", title=_("images")))}},
            {"mark": {"type": "text", "fontSize": 10}, "encoding": {
                "text": field("images", "quantitative"),
                "color": {"condition": {"test": f"datum.images >= {white_from:.2f}", "value": "white"}, "value": INK}}},
        ],
    )


def similarity_heatmap(names: Sequence[str], similarity: Sequence[Sequence[float]], chosen: str) -> Spec:
    """Shopper x shopper similarity, labelled, the chosen shopper's row outlined."""
    names = list(names)
    rows = ({"shopper": a, "other": b, "similarity": round(float(similarity[i][j]), 2)}
            for i, a in enumerate(names) for j, b in enumerate(names))
    return chart(
        rows, height=max(220, 32 * len(names)),
        encoding={"x": field("other", sort=names, title=None), "y": field("shopper", sort=names, title=None)},
        layer=[
            {"mark": "rect", "encoding": {
                "color": field("similarity", "quantitative", scale={"scheme": "redblue", "domain": [-1, 1]},
                               title=_("similarity")),
                "tooltip": tooltip(field("shopper", title=_("shopper")), field("other", title=_("compared with")),
                                   field("similarity", "quantitative", title=_("similarity")))}},
            # 10 px: "−0.61" still fits a cell of eight shoppers on a 390 px phone.
            {"mark": {"type": "text", "fontSize": 10}, "encoding": {"text": field("similarity", "quantitative")}},
            {"mark": {"type": "rect", "fill": None, "stroke": "black", "strokeWidth": 3},
             # A field predicate, not an expression: the name is user text and stays data.
             "transform": [{"filter": {"field": "shopper", "equal": chosen}}]},
        ],
    )


# What a score can rest on (recsys.base.SOURCES): its name in the legend and its colour, the
# same on every method so that a colour always means one signal.
SOURCE_NAMES = {"collaborative": N_("similar shoppers"), "content": N_("similar products"),
                "baseline": N_("your average"), "learned": N_("learned model"), "popularity": N_("popularity")}
SOURCE_COLOURS = {"collaborative": ORANGE, "content": BLUE, "baseline": "#9ca3af", "learned": "#7c3aed",
                  "popularity": "#15803d"}


def score_parts(parts: Sequence[tuple[str, Sequence[tuple[str, float]]]]) -> Spec:
    """Stacked bars: each product's predicted stars split into the parts that produced them,
    coloured by the signal each part really came from (a content stand-in is content-coloured).

    ``parts`` holds (product, ((source, stars), ...)) in ranking order, each product by the name
    the page shows.
    """
    rows = [{"product": product, "from": _(SOURCE_NAMES[source]), "stars": float(stars)}
            for product, pieces in parts for source, stars in pieces]
    scale = {"domain": [_(name) for name in SOURCE_NAMES.values()],
             "range": [SOURCE_COLOURS[s] for s in SOURCE_NAMES]}
    return chart(
        rows, height=max(160, 40 * len(parts)),
        mark="bar",
        encoding={
            "x": field("stars", "quantitative", aggregate="sum", title=_("predicted stars")),
            # Whole names: the default label limit cut "Multicolour Sport Shorts" mid-word.
            "y": field("product", sort=[product for product, _pieces in parts], title=None, axis={"labelLimit": 240}),
            "color": field("from", scale=scale, title=_("from")),
            "tooltip": tooltip(field("product", title=_("product")), field("from", title=_("from")),
                               field("stars", "quantitative", format=".2f", title=_("stars"))),
        },
    )


def alpha_sweep(rows: Iterable[dict[str, float]], best_alpha: float) -> Spec:
    """Precision, recall and NDCG at 10 against alpha, with the best alpha marked.

    ``rows`` have keys alpha, precision, recall and ndcg; alpha is shown as the similar
    shoppers' share of the blend, as on the page's slider.
    """
    names = {"precision": _("precision@10"), "recall": _("recall@10"), "ndcg": _("NDCG@10")}
    long = [{"alpha": float(row["alpha"]), "metric": label, "value": float(row[key])}
            for row in rows for key, label in names.items()]
    best = {"values": [{"alpha": best_alpha, "label": _("best: {share:.1f}").format(share=best_alpha)}]}
    share = _("similar shoppers' share")  # a short axis title: the page's text says what 0 and 1 mean
    x = field("alpha", "quantitative", title=share)
    return chart(
        long, height=280,
        layer=[
            {"mark": {"type": "line", "point": True}, "encoding": {
                "x": x, "y": field("value", "quantitative", title=None, scale={"zero": False}),
                "color": field("metric", title=_("measure")),
                "tooltip": tooltip(field("metric", title=_("measure")), field("alpha", "quantitative", title=share),
                                   field("value", "quantitative", format=".3f", title=_("value")))}},
            {"data": best, "mark": {"type": "rule", "strokeDash": [4, 4], "color": "black"},
             "encoding": {"x": x}},
            {"data": best, "mark": {"type": "text", "align": "left", "dx": 4, "baseline": "top"},
             "encoding": {"x": x, "y": {"value": 4}, "text": field("label")}},
        ],
    )


def count_bars(counts: dict[str, int], colours: dict[str, str], *, category: str, value: str) -> Spec:
    """One horizontal bar per category, longest first, each in its own colour. ``category`` and
    ``value`` name the fields, as the tooltip and the count axis show them; the axis counts in
    whole numbers (no 0.5 review)."""
    return chart(
        ({category: name, value: int(count)} for name, count in counts.items()), height=140,
        mark="bar",
        encoding={
            "x": field(value, "quantitative", axis={"tickMinStep": 1, "format": "d"}),
            "y": field(category, sort="-x", title=None),
            "color": field(category, scale={"domain": list(colours), "range": list(colours.values())},
                           legend=None),
            "tooltip": tooltip(category, field(value, "quantitative")),
        },
    )


def training_curves(rows: Iterable[dict[str, Any]], references: dict[str, float]) -> Spec:
    """RMSE per epoch, one line per series, with flat reference lines (e.g. user-CF, baseline).

    ``rows`` have keys epoch, series and rmse; ``references`` maps a label to its RMSE.
    """
    return epoch_curves(rows, "rmse", _("RMSE (stars)"), references)


# Every training chart colours a series the same way: "train" is always the blue line.
SERIES_COLOURS = {N_("train"): BLUE, N_("held out"): ORANGE, N_("validation"): ORANGE}


def epoch_curves(rows: Iterable[dict[str, Any]], value: str, title: str,
                 references: dict[str, float] | None = None, *, percent: bool = False) -> Spec:
    """One line per series (train, held out...) of ``value`` by epoch, with optional flat
    reference lines named in a legend of their own (a label drawn on the plot would sit on the
    curve where it crosses them). ``rows`` have keys epoch, series and ``value``; the series
    names are shown in the page's language."""
    rows = [{**row, "series": _(row["series"])} for row in rows]
    number = ".0%" if percent else ".3f"
    axis = {"format": "%"} if percent else {}
    y = field(value, "quantitative", title=title, scale={"zero": False}, axis=axis)
    series = [_(name) for name in SERIES_COLOURS if any(row["series"] == _(name) for row in rows)]
    # The series above the plot, the references under it: side by side, two legends overflow a phone.
    colour = field("series", title=None, legend={"orient": "top"},
                   scale={"domain": series, "range": [SERIES_COLOURS[name] for name in SERIES_COLOURS if _(name) in series]})
    layers = [{"mark": {"type": "line", "point": True}, "encoding": {
        "x": field("epoch", "quantitative", axis={"tickMinStep": 1}, title=_("epoch")), "y": y, "color": colour,
        "tooltip": tooltip(field("series", title=_("series")), field("epoch", "quantitative", title=_("epoch")),
                           field(value, "quantitative", format=number, title=title))}}]
    if references:
        marks = [{"label": label, value: float(level)} for label, level in references.items()]
        layers.append({"data": {"values": marks}, "mark": {"type": "rule", "color": INK},
                       "encoding": {"y": y, "strokeDash": field("label", title=_("for comparison"),
                                                                legend={"orient": "bottom"}),
                                    "tooltip": tooltip(field("label", title=_("for comparison")))}})
    return chart(rows, height=300, layer=layers)


def scatter_map(rows: Iterable[dict[str, Any]], colour: str, label: str) -> Spec:
    """Points at (x, y) coloured by ``colour``, named by ``label`` in the tooltip (a 2-D map)."""
    return chart(
        rows, height=380,
        mark={"type": "circle", "size": 70, "opacity": 0.8},
        encoding={
            "x": field("x", "quantitative", title=_("component 1")),
            "y": field("y", "quantitative", title=_("component 2")),
            # Under the plot, four to a row: at the side the legend takes a third of a phone's width.
            "color": field(colour, title=_(colour), legend={"orient": "bottom", "columns": 4}),
            "tooltip": tooltip(field(label, title=_(label)), field(colour, title=_(colour))),
        },
    )
