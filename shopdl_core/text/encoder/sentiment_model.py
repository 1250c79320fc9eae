"""The multilingual review model: the shared e5 encoder's lower layers, its own top layers, a head.

    text -> shared encoder, layers 0 .. base_layers - 1 (frozen, the search uses the same copy)
         -> its own fine-tuned copies of the remaining layers -> mean pool -> dropout -> Linear(384, 2)

Only the tuned layers and the head are this model's weights (stored in fp16), so the search
and the review model hold one base encoder in memory between them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from shopdl_core.text.encoder.bert import BertConfig, BertLayer, E5Bert, mean_pool

MODEL_NAME = "MultilingualE5"


@dataclass(frozen=True)
class SentimentConfig:
    base_layers: int = 10  # layers read from the shared encoder, frozen
    total_layers: int = 12
    max_tokens: int = 128  # reviews are cut here (prefix and <s> </s> included)
    dropout: float = 0.1

    def to_dict(self) -> dict:
        return asdict(self)


class SentimentTop(nn.Module):
    """The fine-tuned layers and the classifier, reading the shared encoder's hidden states."""

    def __init__(self, cfg: SentimentConfig, bert: BertConfig):
        super().__init__()
        self.cfg = cfg
        self.layers = nn.ModuleList(BertLayer(bert) for _ in range(cfg.total_layers - cfg.base_layers))
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(bert.hidden, 2)

    @classmethod
    def from_encoder(cls, cfg: SentimentConfig, encoder: E5Bert) -> SentimentTop:
        """Start from the encoder's own top layers (fine-tuning begins at the pretrained weights)."""
        top = cls(cfg, encoder.cfg)
        for own, pretrained in zip(top.layers, encoder.layers[cfg.base_layers:]):
            own.load_state_dict(pretrained.state_dict())
        return top

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """(B, T, H) hidden states after ``base_layers`` layers, (B, T) mask -> (B, 2) logits."""
        bias = torch.zeros(mask.shape, dtype=hidden.dtype, device=hidden.device).masked_fill(~mask, float("-inf"))
        for layer in self.layers:
            hidden = layer(hidden, bias[:, None, None, :])
        return self.head(self.dropout(mean_pool(hidden, mask)))
