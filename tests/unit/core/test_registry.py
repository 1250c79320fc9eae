"""The model registry is the one list of models: checkpoints, CLI choices and pages read it."""

from __future__ import annotations

import pytest

from shopdl_core import config, registry
from shopdl_core.checkpoints import read_model_card
from shopdl_core.errors import InputError


def test_names_checkpoints_and_cli_values_are_unique():
    names = [entry.name for entry in registry.MODELS]
    assert len(set(names)) == len(names)
    assert len({entry.checkpoint for entry in registry.MODELS}) == len(names)
    assert len({(entry.kind, entry.cli_name) for entry in registry.MODELS}) == len(names)


def test_one_default_per_kind_and_training_data():
    for kind, data in {(entry.kind, entry.data) for entry in registry.MODELS}:
        assert sum(e.default for e in registry.MODELS if (e.kind, e.data) == (kind, data)) == 1


def test_checkpoint_paths_come_from_the_registry():
    assert list(config.MODEL_CHECKPOINTS) == list(registry.list_models())
    for entry in registry.MODELS:
        assert config.checkpoint_path(entry.name) == config.models_dir() / entry.checkpoint
    with pytest.raises(InputError, match="Unknown model 'GPT'"):
        config.checkpoint_path("GPT")


def test_each_shipped_checkpoint_holds_the_model_its_entry_names():
    for entry in registry.MODELS:
        card = read_model_card(config.checkpoint_path(entry.name))
        if card is not None:  # a model being trained for the first time has none yet
            assert (card["model_name"], card["kind"]) == (entry.name, entry.kind)
            # the sidebar shows each model's headline figure ("no metric recorded" otherwise)
            headline = card["metrics"]["headline"]
            assert headline["name"] and 0.5 < headline["value"] <= 1.0, entry.name


def test_every_entry_names_code_that_exists_and_builds_its_network():
    from torch import nn

    for entry in registry.MODELS:
        for field in ("network", "config_class", "loader", "evaluator"):
            assert callable(registry.resolve(getattr(entry, field))), (entry.name, field)
        if entry.pretrained_encoder:  # trained by its own script over cached encoder layers
            assert (entry.trainer, entry.training) == ("", ""), entry.name
            continue
        for field in ("trainer", "training"):
            assert callable(registry.resolve(getattr(entry, field))), (entry.name, field)
        assert registry.default_training(entry.name).seed == config.SEED
    assert [e.name for e in registry.MODELS if e.pretrained_encoder] == ["MultilingualE5"]
    assert isinstance(registry.build_model("SeedCNN"), nn.Module)
    assert isinstance(registry.build_model("ReviewRNN", {"vocab_size": 30}), nn.Module)
    with pytest.raises(ValueError, match="module:attribute"):
        registry.resolve("no_colon_here")


def test_each_trainer_follows_the_training_contract():
    import inspect

    for entry in registry.MODELS:
        if entry.pretrained_encoder:
            continue
        parameters = list(inspect.signature(registry.trainer(entry.name)).parameters)
        assert parameters[:4] == ["settings", "data", "on_epoch", "stop"], entry.name


def test_cli_and_pages_read_the_registry():
    from shopdl_core.text.predict import TEXT_MODELS
    from shopdl_core.text.cli import MODEL_CHOICES as TEXT_CHOICES
    from shopdl_core.ui.demos import DEMOS
    from shopdl_core.ui.vision import VISION_MODELS
    from shopdl_core.vision.cli import MODEL_CHOICES as VISION_CHOICES

    assert VISION_CHOICES == {"seed": "SeedCNN", "product": "ProductCNN", "photo": "PhotoCNN"}
    assert TEXT_CHOICES == {"rnn": "ReviewRNN", "attention": "AttentionRNN"}
    assert VISION_MODELS == ("PhotoCNN", "ProductCNN", "SeedCNN")  # the selector opens on the photo model
    assert TEXT_MODELS == ("ReviewRNN", "AttentionRNN", "MultilingualE5")  # the baseline first
    assert registry.default_cli_choice("text") == "e5"  # predict review's default
    assert {name for demo in DEMOS for name in demo.models} == set(registry.list_models())


def test_a_new_model_is_one_module_and_one_entry(monkeypatch):
    """The worked example of docs/architecture-notes.md: tiny_cnn.py plus this entry, and the
    registry builds it and its trainer (the shared Fashion-MNIST one) trains it."""
    import numpy as np
    import torch

    from shopdl_core.vision.data import load_split
    from shopdl_core.vision.train import FashionData

    entry = registry.ModelEntry(
        "TinyCNN", "vision", registry.FASHION_MNIST, "vision_tiny_cnn.pt", "tiny", "one conv layer",
        network="tests.unit.core.tiny_cnn:TinyCNN", config_class="tests.unit.core.tiny_cnn:TinyCNNConfig",
        loader="shopdl_core.vision.trained:load_trained_model", trainer="shopdl_core.vision.train:fit",
        training="tests.unit.core.tiny_cnn:default_training",
        evaluator="shopdl_core.vision.evaluation:evaluate_fashion_model")
    monkeypatch.setattr(registry, "MODELS", (*registry.MODELS, entry))
    monkeypatch.setattr(registry, "_BY_NAME", {**registry._BY_NAME, "TinyCNN": entry})
    assert registry.cli_choices("vision", registry.FASHION_MNIST)["tiny"] == "TinyCNN"
    images, labels = load_split("test")
    history = registry.trainer("TinyCNN")(registry.default_training("TinyCNN"),
                                          FashionData(images[:256], labels[:256], torch.device("cpu")))
    assert type(history.model).__name__ == "TinyCNN" and np.isfinite(history.last.train_loss)
