"""The pretrained multilingual text encoder (multilingual-e5-small), in PyTorch."""

from shopdl_core.text.encoder.text_encoder import PREFIXES, TextEncoder, load_text_encoder

__all__ = ["PREFIXES", "TextEncoder", "load_text_encoder"]
