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


def test_model_definitions_cover_the_registry():
    from shopdl_core.text.encoder.sentiment_model import MODEL_NAME as ENCODER_MODEL
    from shopdl_core.text.model import MODELS as TEXT_NETWORKS
    from shopdl_core.vision.model import MODELS as VISION_NETWORKS

    assert set(registry.list_models("text")) == {*TEXT_NETWORKS, ENCODER_MODEL}
    assert [e.name for e in registry.MODELS if e.pretrained_encoder] == [ENCODER_MODEL]
    assert set(registry.list_models("vision")) == set(VISION_NETWORKS)


def test_cli_and_pages_read_the_registry():
    from shopdl_core.text.predict import TEXT_MODELS
    from shopdl_core.text.train import MODEL_CHOICES as TEXT_CHOICES
    from shopdl_core.ui.demos import DEMOS
    from shopdl_core.ui.vision import VISION_MODELS
    from shopdl_core.vision.cli import MODEL_CHOICES as VISION_CHOICES

    assert VISION_CHOICES == {"seed": "SeedCNN", "product": "ProductCNN", "photo": "PhotoCNN"}
    assert TEXT_CHOICES == {"rnn": "ReviewRNN", "attention": "AttentionRNN"}
    assert VISION_MODELS == ("PhotoCNN", "ProductCNN", "SeedCNN")  # the selector opens on the photo model
    assert TEXT_MODELS == ("ReviewRNN", "AttentionRNN", "MultilingualE5")  # the baseline first
    assert registry.default_cli_choice("text") == "e5"  # predict review's default
    assert {name for demo in DEMOS for name in demo.models} == set(registry.list_models())
