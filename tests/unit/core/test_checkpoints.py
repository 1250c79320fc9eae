import json

import numpy as np
import pytest
import torch
from torch import nn

from shopdl_core.checkpoints import (
    fingerprint,
    load_checkpoint,
    read_model_card,
    restore_model,
    save_checkpoint,
)
from shopdl_core.errors import CheckpointError


def build(config):
    return nn.Sequential(nn.Linear(config["inputs"], config["hidden"]), nn.ReLU(), nn.Linear(config["hidden"], 2))


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    model = build({"inputs": 4, "hidden": 3})
    path = save_checkpoint(
        tmp_path / "tiny.pt", model, kind="vision", model_name="Tiny",
        config={"inputs": 4, "hidden": 3}, metrics={"headline": {"name": "accuracy", "value": 0.5}},
        fingerprint="abc123", extras={"class_names": ["a", "b"]}, trained_on="nothing",
    )
    return path, model


def test_round_trip_restores_identical_outputs(saved):
    path, model = saved
    checkpoint = load_checkpoint(path, kind="vision")
    assert checkpoint.model_name == "Tiny"
    assert checkpoint.extras == {"class_names": ["a", "b"]}
    assert checkpoint.metrics["headline"]["value"] == 0.5
    assert checkpoint.parameters == 4 * 3 + 3 + 3 * 2 + 2
    restored = restore_model(checkpoint, build, expected_fingerprint="abc123")
    assert not restored.training
    x = torch.randn(5, 4)
    torch.testing.assert_close(restored(x), model.eval()(x))


def test_sidecar_card_has_size_and_parameters(saved):
    path, _ = saved
    card = read_model_card(path)
    assert card["parameters"] == 4 * 3 + 3 + 3 * 2 + 2
    assert card["size_bytes"] == path.stat().st_size
    assert card["trained_on"] == "nothing"
    assert "state_dict" not in json.dumps(card)


def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="missing.*train vision"):
        load_checkpoint(tmp_path / "nope.pt", kind="vision")


def test_truncated_file(saved):
    path, _ = saved
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="damaged, truncated"):
        load_checkpoint(path, kind="vision")


def test_foreign_pickle_is_refused_by_weights_only(tmp_path):
    path = tmp_path / "evil.pt"
    torch.save({"payload": np.dtype("float64")}, path)  # a non-tensor object: weights_only refuses it
    with pytest.raises(CheckpointError, match="could not be read"):
        load_checkpoint(path, kind="vision")


def test_dict_without_fields_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "plain.pt"
    torch.save({"weight": torch.zeros(2)}, path)
    with pytest.raises(CheckpointError, match="fields missing"):
        load_checkpoint(path, kind="vision")


def test_wrong_kind(saved):
    path, _ = saved
    with pytest.raises(CheckpointError, match="holds a 'vision' model"):
        load_checkpoint(path, kind="text")


def test_shape_mismatch(saved):
    path, _ = saved
    checkpoint = load_checkpoint(path, kind="vision")
    checkpoint.config["hidden"] = 5
    with pytest.raises(CheckpointError, match="does not match its network"):
        restore_model(checkpoint, build)


def test_fingerprint_mismatch(saved):
    path, _ = saved
    with pytest.raises(CheckpointError, match="fingerprint"):
        restore_model(load_checkpoint(path, kind="vision"), build, expected_fingerprint="other")


def test_fingerprint_depends_on_content_and_dtype():
    a = np.arange(6, dtype=np.uint8)
    assert fingerprint(a) == fingerprint(a.copy())
    assert fingerprint(a) != fingerprint(a.astype(np.int16))
    assert fingerprint(a) != fingerprint(a[::-1])
    assert len(fingerprint("x")) == 16
