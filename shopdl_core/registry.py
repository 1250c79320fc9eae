"""Every shipped model once: its name, what it does, and how to build, load, train and measure it.

Everything else asks here (the CLI's ``--model`` choices, the pages' selectors and cards, the
checkpoint paths, the trainers, the evaluators, the tests), as torchvision's ``list_models`` /
``get_model`` do, so a new model is one new module plus one entry below.

The entries are plain data, no torch: the CLI reads them while it builds its parser. The code
an entry names is given as ``"module:attribute"`` and imported on first use
(:func:`resolve`), so ``shopdl --help`` still imports nothing heavy.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shopdl_core.errors import InputError

# What a model was trained on; the CLI target that trains and evaluates it follows from this.
FASHION_MNIST = "Fashion-MNIST"
PRODUCT_PHOTOS = "product photos"
REVIEWS = "clothing reviews"


@dataclass(frozen=True)
class ModelEntry:
    name: str  # the class name: the checkpoint's model_name, what the pages and the CLI show
    kind: str  # the checkpoint's kind: "vision" or "text"
    data: str  # what it was trained on (FASHION_MNIST, PRODUCT_PHOTOS, REVIEWS)
    checkpoint: str  # file name in config.models_dir()
    cli_name: str  # the CLI's --model value
    summary: str  # one line for help texts and the pages
    default: bool = False  # the one picked first among the models of its kind and data
    # How to make it, each "module:attribute" (see resolve):
    network: str = ""  # the nn.Module class, built as network(config_class(...))
    config_class: str = ""  # its config dataclass; a ``from_dict`` classmethod reads stored configs
    loader: str = ""  # (name, device) -> the loaded model the pages and the CLI use
    trainer: str = ""  # fit(config, data, on_epoch=None, stop=None) -> training.History
    training: str = ""  # (name) -> the trainer's default config for this model
    evaluator: str = ""  # (name, device, **options) -> the figures `evaluate` prints, as a dict
    # Built on the shared pretrained text encoder and trained by its own script over cached
    # lower-layer outputs (text/encoder/sentiment_train.py), not by a ``fit`` of the contract:
    # such an entry names no trainer and no training config.
    pretrained_encoder: bool = False


# Models trained alike share their code: the network is <module>:<Name>, its config <Name>Config.
_FAMILIES = {
    FASHION_MNIST: dict(kind="vision", module="shopdl_core.vision.model",
                        loader="shopdl_core.vision.trained:load_trained_model", trainer="shopdl_core.vision.train:fit",
                        training="shopdl_core.vision.train:default_training",
                        evaluator="shopdl_core.vision.evaluation:evaluate_fashion_model"),
    REVIEWS: dict(kind="text", module="shopdl_core.text.model",
                  loader="shopdl_core.text.predict:load_sentiment_model", trainer="shopdl_core.text.train:fit",
                  training="shopdl_core.text.recipe:default_training",
                  evaluator="shopdl_core.text.evaluation:evaluate_text_model"),
}


def _family_member(data: str, name: str, checkpoint: str, cli_name: str, summary: str,
                   default: bool = False) -> ModelEntry:
    family = dict(_FAMILIES[data])
    kind, module = family.pop("kind"), family.pop("module")
    return ModelEntry(name, kind, data, checkpoint, cli_name, summary, default,
                      network=f"{module}:{name}", config_class=f"{module}:{name}Config", **family)


# Baseline first, as the benches print them and the home page lists them.
MODELS: tuple[ModelEntry, ...] = (
    _family_member(FASHION_MNIST, "SeedCNN", "vision_seed_cnn.pt", "seed",
                   "the seed document's LeNet-style network, without its softmax-before-loss bug"),
    _family_member(FASHION_MNIST, "ProductCNN", "vision_product_cnn.pt", "product",
                   "three conv blocks with batch norm, dropout and augmentation", default=True),
    ModelEntry("PhotoCNN", "vision", PRODUCT_PHOTOS, "vision_photo_cnn.pt", "photo",
               "EfficientNet-Lite0 pretrained on ImageNet, fine-tuned on real product photos", default=True,
               network="shopdl_core.vision.efficientnet:PhotoCNN",
               config_class="shopdl_core.vision.efficientnet:PhotoCNNConfig",
               loader="shopdl_core.vision.trained:load_trained_model",
               trainer="shopdl_core.vision.photo_train:fit",
               training="shopdl_core.vision.photo_train:default_training",
               evaluator="shopdl_core.vision.evaluation:evaluate_photo_model"),
    _family_member(REVIEWS, "ReviewRNN", "text_review_rnn.pt", "rnn",
                   "one-directional recurrent layer, reads to the last word"),
    _family_member(REVIEWS, "AttentionRNN", "text_attention_rnn.pt", "attention",
                   "bidirectional recurrent layer + attention over the words"),
    ModelEntry("MultilingualE5", "text", REVIEWS, "text_e5_sentiment.pt", "e5",
               "multilingual-e5-small pretrained encoder, top layers fine-tuned; reads English and Chinese",
               default=True, pretrained_encoder=True,
               network="shopdl_core.text.encoder.sentiment_model:SentimentTop",
               config_class="shopdl_core.text.encoder.sentiment_model:SentimentConfig",
               loader="shopdl_core.text.predict:load_sentiment_model",
               evaluator="shopdl_core.text.encoder.evaluate:evaluate_registered"),
)
_BY_NAME = {entry.name: entry for entry in MODELS}


def get_model_entry(name: str) -> ModelEntry:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InputError(f"Unknown model {name!r}: use one of {', '.join(_BY_NAME)}.") from None


def _entries(kind: str | None, data: str | None) -> list[ModelEntry]:
    return [e for e in MODELS if kind in (None, e.kind) and data in (None, e.data)]


def list_models(kind: str | None = None, data: str | None = None, *, default_first: bool = False) -> tuple[str, ...]:
    """Model names, baseline first (or the default first, for a selector), optionally filtered."""
    entries = _entries(kind, data)
    if default_first:
        entries.sort(key=lambda e: not e.default)  # stable: the rest keep their order
    return tuple(e.name for e in entries)


def cli_choices(kind: str, data: str | None = None) -> dict[str, str]:
    """``--model`` value -> model name for one CLI target, baseline first."""
    return {e.cli_name: e.name for e in _entries(kind, data)}


def default_cli_choice(kind: str, data: str | None = None) -> str:
    """The ``--model`` value a CLI target uses when none is given."""
    return next(e.cli_name for e in _entries(kind, data) if e.default)


def resolve(path: str) -> Any:
    """The attribute ``"package.module:name"`` names (``name`` may be dotted), imported now."""
    module, _, attribute = path.partition(":")
    if not module or not attribute:
        raise ValueError(f"A registry path is 'module:attribute', got {path!r}.")
    found: Any = importlib.import_module(module)
    for part in attribute.split("."):
        found = getattr(found, part)
    return found


def _code(name: str, field_name: str) -> Callable[..., Any]:
    entry = get_model_entry(name)
    path = getattr(entry, field_name)
    if not path:
        raise InputError(f"The registry names no {field_name} for {name}.")
    return resolve(path)


def config_class(name: str) -> type:
    return _code(name, "config_class")


def build_model(name: str, config: dict[str, Any] | None = None) -> Any:
    """A fresh ``nn.Module`` from its name and a config dict (as a checkpoint stores it)."""
    settings_class = config_class(name)
    reader = getattr(settings_class, "from_dict", None)
    settings = reader(config or {}) if reader is not None else settings_class(**(config or {}))
    return _code(name, "network")(settings)


def load_model(name: str, device: Any) -> Any:
    """The shipped checkpoint of ``name``, loaded on ``device`` and ready to predict."""
    return _code(name, "loader")(name, device)


def default_training(name: str) -> Any:
    """The training config the shipped checkpoint of ``name`` was trained with."""
    return _code(name, "training")(name)


def trainer(name: str) -> Callable[..., Any]:
    """``fit(config, data, on_epoch=None, stop=None) -> History`` for ``name``."""
    return _code(name, "trainer")


def evaluate(name: str, device: Any, **options: Any) -> dict[str, Any]:
    """The held-out figures of the shipped checkpoint of ``name`` (what `evaluate` prints)."""
    return _code(name, "evaluator")(name, device, **options)
