"""The colour reader on the held-out half of the photos whose colour was labelled by eye.

Measured on the shipped copies (assets/data/colour_labels/photos) on 2026-12-02, after the
dark-colour and centre-weight changes: 118 of 150 right = 0.787 (full-size originals: 123 =
0.820; the reader before them: 0.773 and 0.787). The floor sits 0.05 below, rounded down; the
speed ceiling is 30 ms a photo of one thread's CPU time (measured: about 17 ms).
"""

from __future__ import annotations

import json

import pytest

from shopdl_core.__main__ import main
from shopdl_core.vision.colour_eval import evaluate_colour_reader, load_colour_labels

pytestmark = pytest.mark.slow

HELDOUT_ACCURACY_FLOOR = 0.73  # measured 0.787, margin 0.05 rounded down
MS_PER_PHOTO_CEILING = 30.0


def test_the_reader_reaches_its_floor_on_the_held_out_photos():
    result = evaluate_colour_reader(split="heldout")
    assert result.photos == 150
    assert result.accuracy >= HELDOUT_ACCURACY_FLOOR, result.confusions()
    assert result.ms_per_photo < MS_PER_PHOTO_CEILING


def test_the_halves_are_apart_and_cover_every_class():
    dev, heldout = load_colour_labels("dev"), load_colour_labels("heldout")
    assert len(dev) == len(heldout) == 150 and not set(dev["file"]) & set(heldout["file"])
    assert dev["class"].nunique() == heldout["class"].nunique() == 10


def test_evaluate_colour_cli_prints_json(capsys):
    assert main(["evaluate", "colour", "--split", "heldout", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["photos"] == 150 and report["accuracy"] >= HELDOUT_ACCURACY_FLOOR
    assert sum(count for _, _, count in report["confusions"]) == report["mistakes"]
