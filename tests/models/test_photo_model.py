"""The shipped PhotoCNN: it loads, reaches its floors on the shipped validation photos (which it
never trained on), finds similar products, and serves the CLI.

Floors sit a stated margin below the figures measured when the checkpoint was trained (README,
"The models shipped"): accuracy 0.912 -> floor 0.89; precision@6 0.881 -> 0.85 (the goal);
rank-1 hit rate 1.000 -> 0.95 (the goal); calibration error 0.033 -> at most 0.06.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from shopdl_core import catalog, config
from shopdl_core.__main__ import main
from shopdl_core.checkpoints import read_model_card
from shopdl_core.vision.colour import PALETTE
from shopdl_core.vision.photo_eval import photo_logits, search_metrics
from shopdl_core.vision.photo_train import evaluate_photo_logits
from shopdl_core.vision.photos import load_photo_folder, shipped_validation_dir
from shopdl_core.vision.search import build_catalog_index, catalog_fingerprint, similar_products
from shopdl_core.vision.trained import load_trained_model

pytestmark = pytest.mark.slow

CPU = torch.device("cpu")
ACCURACY_FLOOR = 0.89
PRECISION_AT_6_FLOOR = 0.85
RANK1_FLOOR = 0.95
ECE_CEILING = 0.06


@pytest.fixture(scope="module")
def trained():
    return load_trained_model("PhotoCNN", CPU)


@pytest.fixture(scope="module")
def validation():
    return load_photo_folder(shipped_validation_dir())


@pytest.fixture(scope="module")
def evaluation(trained, validation):
    logits = photo_logits(trained.model, validation, CPU)
    return evaluate_photo_logits(logits, validation.labels, trained.temperature)


def test_shipped_validation_photos_are_the_whole_held_out_split(validation):
    assert len(validation) == 341
    assert np.bincount(validation.labels).tolist() == [32, 14, 49, 24, 49, 29, 26, 25, 12, 81]


def test_accuracy_floor_on_the_validation_photos(trained, evaluation):
    assert not trained.model.training
    assert evaluation.accuracy >= ACCURACY_FLOOR
    assert min(evaluation.per_class_accuracy.values()) >= 0.6  # no kind is left behind


def test_temperature_scaling_lowers_the_calibration_error(trained, evaluation):
    assert trained.temperature != 1.0
    assert evaluation.ece <= ECE_CEILING and evaluation.ece < evaluation.ece_uncalibrated


def test_stored_metrics_match_a_fresh_evaluation(trained, evaluation):
    assert trained.metrics["accuracy"] == pytest.approx(evaluation.accuracy)
    assert trained.metrics["confusion"] == evaluation.confusion
    card = read_model_card(config.checkpoint_path("PhotoCNN"))
    assert card["model_name"] == "PhotoCNN" and "Grigorev" in card["trained_on"]
    assert card["size_bytes"] < 20_000_000  # weights 14 MB, training-photo embeddings 3.5 MB (int8)


def test_similar_product_search_reaches_its_goals(trained, validation):
    metrics = search_metrics(trained.model, trained.catalog_index, trained.class_names, validation, CPU)
    assert metrics["precision_at_6"] >= PRECISION_AT_6_FLOOR
    assert metrics["rank1_hit_rate"] >= RANK1_FLOOR


def test_shipped_catalogue_index_is_current_and_matches_a_fresh_one(trained):
    index = trained.catalog_index
    assert index.catalog_fingerprint == catalog_fingerprint()
    assert index.product_ids == tuple(catalog.load_catalog().index)
    fresh = build_catalog_index(trained.model, CPU)
    np.testing.assert_allclose(index.embeddings, fresh.embeddings, atol=2e-3)  # stored as float16
    nearest = similar_products(index, fresh.embeddings[37], k=6)
    assert nearest.loc[0, "product_id"] == index.product_ids[37]


def test_predict_cli_prints_a_photo_class_per_file(tmp_path, capsys):
    good = config.samples_dir() / "photos" / "shoes_1.jpg"
    fake = tmp_path / "fake.jpg"
    fake.write_text("not a photo")
    status = main(["predict", "image", "--model", "photo", "--json", str(good), str(fake)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 1 and len(lines) == 2
    assert lines[0]["file"] == str(good) and lines[0]["label"] == "shoes"
    assert set(lines[0]["probabilities"]) == set(config.PHOTO_CLASSES)
    assert sum(lines[0]["probabilities"].values()) == pytest.approx(1.0, abs=1e-4)
    assert lines[0]["tags"][:2] == ["shoes", "Footwear"] and lines[0]["unsure"] is False
    assert lines[0]["colour"] in PALETTE and lines[0]["tags"][2] == lines[0]["colour"]
    assert "not an image" in lines[1]["error"]


def test_evaluate_cli_prints_the_photo_metrics_as_json(capsys):
    assert main(["evaluate", "vision", "--model", "photo", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["model"] == "PhotoCNN" and report["photos"] == 341
    assert len(report["confusion"]) == 10 and np.sum(report["confusion"]) == 341
    assert set(report["per_class_accuracy"]) == set(config.PHOTO_CLASSES)
    assert report["accuracy"] >= ACCURACY_FLOOR and report["precision_at_6"] >= PRECISION_AT_6_FLOOR
