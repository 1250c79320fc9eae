"""One list of the shipped models: what each is called, what it does, where its checkpoint lives.

Everything else asks here (the CLI's ``--model`` choices, the pages' selectors and cards, the
checkpoint paths, the tests), as torchvision's ``list_models`` / ``get_model_weights`` do, so a
new model is one new entry. Plain data, no torch: the CLI reads it while it builds its parser.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    summary: str  # one line for help texts
    default: bool = False  # the one picked first among the models of its kind and data
    pretrained_encoder: bool = False  # built on the shared text encoder, trained by its own script


# Baseline first, as the benches print them and the home page lists them.
MODELS: tuple[ModelEntry, ...] = (
    ModelEntry("SeedCNN", "vision", FASHION_MNIST, "vision_seed_cnn.pt", "seed",
               "the seed document's LeNet-style network, without its softmax-before-loss bug"),
    ModelEntry("ProductCNN", "vision", FASHION_MNIST, "vision_product_cnn.pt", "product",
               "three conv blocks with batch norm, dropout and augmentation", default=True),
    ModelEntry("PhotoCNN", "vision", PRODUCT_PHOTOS, "vision_photo_cnn.pt", "photo",
               "EfficientNet-Lite0 pretrained on ImageNet, fine-tuned on real product photos", default=True),
    ModelEntry("ReviewRNN", "text", REVIEWS, "text_review_rnn.pt", "rnn",
               "one-directional recurrent layer, reads to the last word"),
    ModelEntry("AttentionRNN", "text", REVIEWS, "text_attention_rnn.pt", "attention",
               "bidirectional recurrent layer + attention over the words"),
    ModelEntry("MultilingualE5", "text", REVIEWS, "text_e5_sentiment.pt", "e5",
               "multilingual-e5-small pretrained encoder, top layers fine-tuned; reads English and Chinese",
               default=True, pretrained_encoder=True),
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
