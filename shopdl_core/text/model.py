"""The two review classifiers and their configs.

Shapes: B reviews in a batch, T tokens (the longest review; shorter ones are padded with
PAD_ID), E embedding size, H hidden size per direction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from shopdl_core.text.tokenize import PAD_ID

CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


@dataclass
class ReviewRNNConfig:
    vocab_size: int
    embed_dim: int = 96
    hidden_dim: int = 96
    cell: str = "gru"  # rnn | gru | lstm
    dropout: float = 0.4  # on the embeddings and on the review vector
    num_classes: int = 2

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class AttentionRNNConfig(ReviewRNNConfig):
    hidden_dim: int = 64  # per direction: the attention model is bidirectional
    attention_dim: int = 64


def _recurrent(config: ReviewRNNConfig, bidirectional: bool) -> nn.RNNBase:
    if config.cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {config.cell!r}")
    return CELLS[config.cell](config.embed_dim, config.hidden_dim, batch_first=True,
                              bidirectional=bidirectional)


def _pack(embedded: torch.Tensor, lengths: torch.Tensor) -> nn.utils.rnn.PackedSequence:
    # Packing makes the recurrent layer stop at each review's own length, so padding never
    # enters a hidden state. Lengths must live on the CPU.
    return pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)


class ReviewRNN(nn.Module):
    """Embedding, a one-directional recurrent layer, its hidden state after each review's last
    real token, a linear classifier."""

    def __init__(self, config: ReviewRNNConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim, padding_idx=PAD_ID)
        self.rnn = _recurrent(config, bidirectional=False)
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(config.hidden_dim, config.num_classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """ids (B, T) int64, lengths (B,) >= 1 -> logits (B, C)."""
        embedded = self.dropout(self.embedding(ids))  # (B, T, E)
        _, hidden = self.rnn(_pack(embedded, lengths))
        if isinstance(hidden, tuple):  # the LSTM returns (h_n, c_n)
            hidden = hidden[0]
        # With a packed input h_n is taken at each review's last real step, already in the
        # batch's original order. (1, B, H) -> (B, H)
        return self.classifier(self.dropout(hidden[-1]))


class AttentionRNN(nn.Module):
    """Embedding, a bidirectional recurrent layer, additive attention over the time steps
    (padding masked out of the softmax), the weighted sum of states to a linear classifier."""

    def __init__(self, config: AttentionRNNConfig):
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.embed_dim, padding_idx=PAD_ID)
        self.rnn = _recurrent(config, bidirectional=True)
        self.dropout = nn.Dropout(config.dropout)
        states = 2 * config.hidden_dim
        self.attention_proj = nn.Linear(states, config.attention_dim)
        self.attention_score = nn.Linear(config.attention_dim, 1, bias=False)
        self.classifier = nn.Linear(states, config.num_classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """ids (B, T) int64, lengths (B,) >= 1 -> (logits (B, C), attention weights (B, T)).

        The weights of each review sum to 1 over its real tokens and are exactly 0 at padding.
        """
        batch, steps = ids.shape
        embedded = self.dropout(self.embedding(ids))  # (B, T, E)
        packed, _ = self.rnn(_pack(embedded, lengths))
        states, _ = pad_packed_sequence(packed, batch_first=True, total_length=steps)  # (B, T, 2H)
        scores = self.attention_score(torch.tanh(self.attention_proj(states))).squeeze(-1)  # (B, T)
        padding = torch.arange(steps, device=ids.device).expand(batch, steps) >= lengths.to(ids.device)[:, None]
        # -inf before the softmax gives padding exactly zero weight and renormalises over the
        # real tokens; multiplying scores by a 0/1 mask would leave exp(0) = 1 at each pad.
        weights = torch.softmax(scores.masked_fill(padding, float("-inf")), dim=1)  # (B, T)
        context = torch.bmm(weights.unsqueeze(1), states).squeeze(1)  # (B, 2H)
        return self.classifier(self.dropout(context)), weights


MODELS = {"ReviewRNN": (ReviewRNN, ReviewRNNConfig), "AttentionRNN": (AttentionRNN, AttentionRNNConfig)}


def build_model(model_name: str, config: dict) -> nn.Module:
    """The network for ``model_name`` ("ReviewRNN" or "AttentionRNN") from a config dict."""
    model_class, config_class = MODELS[model_name]
    return model_class(config_class(**config))
