"""The learned colour namer: its checkpoint, its guards and its decisions on drawn garments."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from shopdl_core.checkpoints import load_checkpoint
from shopdl_core.errors import CheckpointError
from shopdl_core.vision import colour
from shopdl_core.vision import colour_namer as namer_module
from shopdl_core.vision.colour import PALETTE, product_colour, rule_colour
from shopdl_core.vision.colour_namer import (FEATURES, INNER_EDGES, MAIN_CHROMA, NAMES, PATTERN_EDGES, RULES_KEEP,
                                             SATURATED, decide, impossible, load_colour_namer, name_colour_in_detail,
                                             namer_path)


def _garment(colour, background=(235, 235, 235), side=256):
    photo = np.empty((side, side, 3), dtype=np.float32)
    photo[:] = background
    photo[side // 5: -side // 5, side // 4: -side // 4] = colour
    return photo


def test_the_shipped_checkpoint_loads_with_weights_only_and_says_what_it_is():
    checkpoint = load_checkpoint(namer_path(), kind="colour")
    assert checkpoint.model_name == "ColourNamer"
    assert checkpoint.config["features"] == FEATURES
    assert checkpoint.metrics["dev_photos"] == 1469 and 0 < checkpoint.metrics["cv_dev_accuracy"] <= 1
    assert tuple(load_colour_namer().classifier.weight.shape) == (len(NAMES), FEATURES)


def test_a_checkpoint_of_another_kind_is_refused(tmp_path):
    foreign = tmp_path / "namer.pt"
    raw = torch.load(namer_path(), weights_only=True)
    torch.save({**raw, "kind": "vision"}, foreign)
    with pytest.raises(CheckpointError, match="not a 'colour' one"):
        load_checkpoint(foreign, kind="colour")


def test_a_saturated_garment_is_never_black_white_or_grey():
    features = torch.zeros(2, FEATURES)
    features[:, INNER_EDGES] = PATTERN_EDGES + 0.1
    features[0, MAIN_CHROMA] = SATURATED + 1
    features[1, MAIN_CHROMA] = SATURATED - 1
    ruled_out = impossible(features)
    assert {NAMES[i] for i in np.flatnonzero(ruled_out[0].numpy())} == {"black", "white", "grey"}
    assert not ruled_out[1].any()


def test_a_garment_without_colour_edges_inside_is_not_multicolour():
    features = torch.zeros(2, FEATURES)
    features[0, INNER_EDGES] = PATTERN_EDGES / 2
    features[1, INNER_EDGES] = PATTERN_EDGES * 2
    ruled_out = impossible(features)
    assert {NAMES[i] for i in np.flatnonzero(ruled_out[0].numpy())} == {"multicolour"}
    assert not ruled_out[1].any()


def test_the_rules_reading_stands_for_the_rare_chromatic_colours():
    probabilities = np.zeros(len(NAMES))
    probabilities[NAMES.index("black")] = 1.0
    for name in RULES_KEEP:
        assert decide(probabilities, name) == name
    assert decide(probabilities, "navy") == "black"  # elsewhere the regression decides
    assert decide(probabilities, "navy", flat=True) == "navy"  # but not on a flat-coloured garment


@pytest.mark.parametrize("colour, expected", [((235, 120, 30), "orange"), ((200, 40, 45), "red"),
                                              ((40, 60, 160), "blue"), ((25, 25, 25), "black"),
                                              ((60, 140, 70), "green"), ((30, 40, 90), "navy")])
def test_drawn_plain_garments_get_their_colour(colour, expected):
    assert product_colour(_garment(colour)) == expected


def test_the_detail_gives_every_name_a_probability_and_the_rules_reading():
    naming = name_colour_in_detail(_garment((235, 120, 30)))
    assert set(naming.probabilities) == set(PALETTE)
    assert sum(naming.probabilities.values()) == pytest.approx(1.0, abs=1e-4)
    assert naming.rule_name == rule_colour(_garment((235, 120, 30)))


def test_the_namer_is_loaded_once_per_process():
    load_colour_namer.cache_clear()
    assert load_colour_namer() is load_colour_namer()
    assert namer_module.load_colour_namer.cache_info().hits >= 1


def test_the_guards_read_the_features_they_name():
    """MAIN_CHROMA and INNER_EDGES point at the main colour's chroma and the garment's edge
    density at 8 delta E in the row hand_features builds (a reordered row fails here)."""
    photo = _garment((235, 120, 30))
    photo[::8] = (40, 40, 160)  # stripes, so the inner edge density is not 0
    picture = colour.rgb_picture(photo)
    mask = colour.garment_mask(colour.lab_at(picture, colour.WORK_SIDE))
    row = namer_module.hand_features(picture, mask)
    assert len(row) == namer_module.HAND_FEATURES
    fine = colour.lab_at(picture, colour.EDGE_SIDE)
    edges = colour.edge_density(fine, colour.resized_mask(mask, fine.shape[:2]), namer_module.EDGE_THRESHOLDS[0])
    assert edges > 0 and row[INNER_EDGES] == pytest.approx(edges)
    main_lab = row[MAIN_CHROMA - 3:MAIN_CHROMA]
    assert row[MAIN_CHROMA] == pytest.approx(float(np.hypot(main_lab[1], main_lab[2])), rel=1e-4)
    assert row[MAIN_CHROMA] > SATURATED  # the orange ground dominates


def test_cross_validation_scores_a_learnable_naming_above_a_shuffled_one():
    from shopdl_core.vision.colour_namer_train import cross_validated_accuracy

    rng = np.random.default_rng(0)
    names = ["navy", "black", "white", "grey"]
    labels = [names[i % 4] for i in range(120)]
    features = np.zeros((120, FEATURES), dtype=np.float32)
    features[:, 20:40] = rng.normal(size=(120, 20))  # uninformative columns
    features[:, INNER_EDGES] = 1.0  # edges everywhere: nothing ruled out by the guards
    for index, label in enumerate(labels):
        features[index, 3 * names.index(label)] += 4.0  # one informative column per name
    no_second = [""] * len(labels)
    rules = ["blue"] * len(labels)  # never a kept colour: the regression decides every photo
    learnable = cross_validated_accuracy(features, rules, labels, no_second, l2=0.02, repeats=1)
    shuffled = list(rng.permutation(labels))
    chance = cross_validated_accuracy(features, rules, shuffled, no_second, l2=0.02, repeats=1)
    assert learnable > 0.9 and chance < 0.5, (learnable, chance)


def test_soft_targets_give_the_second_name_its_share():
    from shopdl_core.vision.colour_namer import NAMES
    from shopdl_core.vision.colour_namer_train import soft_targets

    targets = soft_targets(["navy", "white"], ["black", ""], second_weight=0.3)
    assert targets.sum(1).tolist() == pytest.approx([1.0, 1.0])
    assert targets[0, NAMES.index("navy")] == pytest.approx(1 / 1.3)
    assert targets[0, NAMES.index("black")] == pytest.approx(0.3 / 1.3)
    assert targets[1, NAMES.index("white")] == 1.0
