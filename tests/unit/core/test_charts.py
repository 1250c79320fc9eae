"""The demos' Vega-Lite specs: valid against the Vega-Lite schema, and every field they plot exists."""

from __future__ import annotations

import json

import numpy as np
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from shopdl_core.ui import charts

CLASSES = ("T-shirt/top", "Trouser", "Pullover")


def _specs() -> dict[str, charts.Spec]:
    rng = np.random.default_rng(0)
    similarity = rng.uniform(-1, 1, size=(3, 3))
    return {
        "top_classes": charts.top_classes([("Sneaker", 0.91), ("Sandal", 0.06), ("Ankle boot", 0.02)]),
        "per_class": charts.per_class_accuracy({name: 0.9 - 0.1 * i for i, name in enumerate(CLASSES)}),
        "confusion": charts.confusion([[90, 5, 5], [2, 97, 1], [10, 0, 90]], CLASSES),
        "heatmap": charts.similarity_heatmap(["Ana", "Ben", "Cy"], similarity.tolist(), "Ben"),
        "parts": charts.score_parts([("Red dress", (("collaborative", 1.0), ("content", 2.6))),
                                     ("Blue jeans", (("content", 3.0),))]),
        "sweep": charts.alpha_sweep(
            [{"alpha": a, "precision": 0.2 + a / 10, "recall": 0.3, "ndcg": 0.6 + a / 20} for a in (0.0, 0.5, 1.0)],
            best_alpha=0.5),
        "counts": charts.count_bars({"positive": 7, "negative": 2}, {"positive": "#15803d", "negative": "#c2410c"},
                                    category="sentiment", value="reviews"),
    }


SPECS = _specs()


def _fields(node) -> set[str]:
    """Every field name an encoding or a filter refers to, at any depth."""
    found = set()
    if isinstance(node, dict):
        if isinstance(node.get("field"), str):
            found.add(node["field"])
        for key, value in node.items():
            if key != "data":
                found |= _fields(value)
    elif isinstance(node, list):
        for value in node:
            found |= _fields(value)
    return found


@pytest.mark.parametrize("name", sorted(SPECS))
def test_spec_is_valid_vega_lite(name):
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", **SPECS[name]}
    validate_jsonschema(json.loads(json.dumps(spec)), load_schema())  # raises on an invalid spec


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_plotted_field_is_in_the_data(name):
    spec = SPECS[name]
    columns = set().union(*(row.keys() for row in spec["data"]["values"]))
    for layer in spec.get("layer", []):
        if "data" in layer:
            columns |= set().union(*(row.keys() for row in layer["data"]["values"]))
    assert spec["data"]["values"], "a chart without rows"
    assert _fields(spec) <= columns


def test_an_invalid_spec_is_rejected_by_the_schema_check():
    broken = {**SPECS["per_class"], "mark": {"type": "no-such-mark"}}
    with pytest.raises(Exception):
        validate_jsonschema(broken, load_schema())


def test_confusion_holds_every_cell_in_order():
    rows = SPECS["confusion"]["data"]["values"]
    assert len(rows) == 9
    assert rows[2] == {"true class": "T-shirt/top", "predicted class": "Pullover", "images": 5}
    assert rows[6] == {"true class": "Pullover", "predicted class": "T-shirt/top", "images": 10}


def test_parts_are_coloured_by_the_signal_that_produced_them():
    spec = SPECS["parts"]
    rows = spec["data"]["values"]
    assert [(row["product"], row["from"], row["stars"]) for row in rows] == [
        ("Red dress", "similar shoppers", 1.0), ("Red dress", "similar products", 2.6),
        ("Blue jeans", "similar products", 3.0)]
    scale = spec["encoding"]["color"]["scale"]
    colour_of = dict(zip(scale["domain"], scale["range"]))
    # One colour per signal, fixed across methods: content is blue, collaborative orange.
    assert colour_of["similar products"] == charts.BLUE and colour_of["similar shoppers"] == charts.ORANGE
    assert len(set(scale["range"])) == len(scale["range"]) == len(charts.SOURCE_NAMES)
    assert spec["encoding"]["y"]["sort"] == ["Red dress", "Blue jeans"]


def test_heatmap_outlines_the_chosen_shopper_by_value_even_with_quotes_in_the_name():
    name = 'O\'Brien "<b>x</b>"'
    spec = charts.similarity_heatmap(["Ana", name], [[1.0, 0.2], [0.2, 1.0]], name)
    outline = spec["layer"][2]
    assert outline["transform"] == [{"filter": {"field": "shopper", "equal": name}}]
    assert {row["similarity"] for row in spec["data"]["values"]} == {1.0, 0.2}
    validate_jsonschema(json.loads(json.dumps(spec)), load_schema())


def test_sweep_marks_the_best_alpha():
    rule = SPECS["sweep"]["layer"][1]
    assert rule["data"]["values"] == [{"alpha": 0.5, "label": "best: 0.5"}]
    metrics = {row["metric"] for row in SPECS["sweep"]["data"]["values"]}
    assert metrics == {"precision@10", "recall@10", "NDCG@10"}


def _cell_colour(spec: charts.Spec, count: int) -> str:
    """The colour the confusion chart's text layer gives a cell holding ``count``."""
    colour = spec["layer"][1]["encoding"]["color"]
    test = colour["condition"]["test"]
    assert test.startswith("datum.images >= ")
    return colour["condition"]["value"] if count >= float(test.removeprefix("datum.images >= ")) else colour["value"]


@pytest.mark.parametrize(("most", "dark", "pale"), [(79, (79, 46, 26), (0, 3, 9, 14)),  # PhotoCNN's 341 photos
                                                    (980, (980, 300, 150), (0, 12, 60))])  # Fashion-MNIST's 10,000
def test_confusion_counts_are_white_on_dark_cells_and_ink_on_pale_ones(most, dark, pale):
    """Whatever the matrix's size: a threshold fixed in images left PhotoCNN's darkest cells
    (79 photos) in dark ink (issue 19, finding 10)."""
    counts = [[most, 0], [0, 0]]
    spec = charts.confusion(counts, ("dress", "hat"))
    validate_jsonschema(json.loads(json.dumps(spec)), load_schema())
    assert [_cell_colour(spec, count) for count in dark] == ["white"] * len(dark)
    assert [_cell_colour(spec, count) for count in pale] == [charts.INK] * len(pale)


def _series_colours(spec: charts.Spec) -> dict[str, str]:
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"]))


def test_train_has_one_colour_in_every_training_chart_and_references_sit_in_a_legend():
    """The lab's photo curves (train, validation) and recommender curves (train, held out)."""
    photo = [{"epoch": e, "series": s, "loss": 1.0 / e} for e in (1, 2) for s in ("train", "validation")]
    recommender = [{"epoch": e, "series": s, "rmse": 1.0 / e} for e in (1, 2) for s in ("train", "held out")]
    specs = [charts.epoch_curves(photo, "loss", "loss"), charts.epoch_curves(photo, "loss", "loss", percent=True),
             charts.training_curves(recommender, {"user-CF 0.998": 0.998, "baseline 1.049": 1.049})]
    for spec in specs:
        validate_jsonschema(json.loads(json.dumps(spec)), load_schema())
    colours = [_series_colours(spec) for spec in specs]
    assert {c["train"] for c in colours} == {charts.BLUE}
    assert colours[0]["validation"] == colours[2]["held out"] == charts.ORANGE
    references = specs[2]["layer"][1]
    # Named in a legend under the plot, not written on it where the curve crosses them.
    assert references["mark"]["type"] == "rule" and references["encoding"]["strokeDash"]["legend"]["orient"] == "bottom"
    assert all(layer["mark"]["type"] != "text" for spec in specs for layer in spec["layer"])
    # The series legend sits above the plot: at the side it squeezes the curves on a phone, and
    # beside the references' legend under the plot the two overflow a phone's width.
    assert all(spec["layer"][0]["encoding"]["color"]["legend"]["orient"] == "top" for spec in specs)


def test_scatter_map_is_valid_with_its_legend_under_the_map():
    spec = charts.scatter_map([{"x": 0.1, "y": -0.2, "product": "Red dress", "category": "dress"}], "category", "product")
    validate_jsonschema(json.loads(json.dumps(spec)), load_schema())
    assert spec["encoding"]["color"]["legend"]["orient"] == "bottom"  # not beside the map on a phone
