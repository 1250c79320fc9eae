"""The two review classifiers, the word encoder they share, and their configs.

Shapes: B reviews in a batch, T tokens (the longest review; shorter ones are padded with
PAD_ID), E embedding size, D pretrained vector size, H hidden size per direction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from shopdl_core.errors import CheckpointError
from shopdl_core.text.tokenize import NEGATOR_ROLE, PAD_ID, SCOPE_END_ROLE

CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}
# Model options measured and not kept, and the value the shipped checkpoints store for them.
RETIRED_OPTIONS = {"domain_dropout": 0.0, "layers": 1, "final_states": False, "members": 1}


@dataclass
class ReviewRNNConfig:
    vocab_size: int
    embed_dim: int = 96
    hidden_dim: int = 96
    cell: str = "gru"  # rnn | gru | lstm
    dropout: float = 0.3  # on the embeddings and on the review vector
    num_classes: int = 2
    # Ids below domain_size (the training split's own vocabulary) get a trainable embedding;
    # ids from domain_size up (words added from GloVe) have only their pretrained vector.
    # None means every id is a domain id (no pretrained vectors: the clothing-only baseline).
    domain_size: int | None = None
    vector_dim: int = 0  # size of the frozen pretrained vectors (GloVe 50); 0 for none
    valence: bool = False  # each word's lexicon valence as one more input feature
    negation: bool = False  # mark negation scope (and reverse the valence feature inside it)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, stored: dict):
        """The config a checkpoint stored. Options measured and not kept (experiments/README.md)
        may be named there at the value the product always uses; any other value is refused."""
        settings = dict(stored)
        for option, product_value in RETIRED_OPTIONS.items():
            if option in settings and settings.pop(option) != product_value:
                raise CheckpointError(f"This checkpoint was trained with {option}={stored[option]!r}, an "
                                      "experiment the product no longer runs (see experiments/README.md).")
        return cls(**settings)


@dataclass
class AttentionRNNConfig(ReviewRNNConfig):
    hidden_dim: int = 64  # per direction: the attention model is bidirectional
    attention_dim: int = 64


class WordEncoder(nn.Module):
    """Token ids -> word vectors (B, T, E).

    embedding(id) = domain(id) + W_g glove(id) + w_v valence(id)

    - domain: trainable rows for the training split's words only; zero for the others, so a
      word the clothing reviews never used is read through its pretrained vector alone;
    - glove: frozen pretrained vectors (float16 buffer; the checkpoint holds every row used),
      mapped by one trainable projection W_g shared by all words: what the projection learns
      from "lovely" carries over to "delightful" because their vectors are close;
    - valence: the VADER lexicon's human-rated valence in [-1, 1] (0 outside the lexicon);
    - negation: inside a negation scope ("not a single *crash*", see ``negation_scope``) a
      learned scope vector is added and the valence feature is reversed.

    ``valence_head`` reads the polarity back from W_g glove(id) alone; the auxiliary loss in
    training fits it to the lexicon, which pushes polarity into the projection of words that
    never appear in a training review.
    """

    def __init__(self, config: ReviewRNNConfig):
        super().__init__()
        self.config = config
        self.domain_size = config.vocab_size if config.domain_size is None else config.domain_size
        self.domain = nn.Embedding(self.domain_size, config.embed_dim, padding_idx=PAD_ID)
        if config.vector_dim:
            self.register_buffer("vectors", torch.zeros(config.vocab_size, config.vector_dim, dtype=torch.float16))
            self.projection = nn.Linear(config.vector_dim, config.embed_dim)
            self.valence_head = nn.Linear(config.embed_dim, 1)
            # The domain rows start at zero: at first every word means what its vector says.
            nn.init.zeros_(self.domain.weight)
        if config.valence:
            self.register_buffer("valences", torch.zeros(config.vocab_size))
            self.valence_weight = nn.Linear(1, config.embed_dim, bias=False)
        if config.negation:
            self.register_buffer("roles", torch.zeros(config.vocab_size, dtype=torch.int8))
            self.scope_vector = nn.Parameter(torch.zeros(config.embed_dim))

    def set_word_knowledge(self, vectors: torch.Tensor | None, valences: torch.Tensor | None,
                           roles: torch.Tensor | None = None) -> None:
        """Fill the frozen tables before training: vectors (V, D), valences (V,), negation roles (V,)."""
        if vectors is not None:
            self.vectors.copy_(vectors.to(self.vectors.dtype))
        if valences is not None:
            self.valences.copy_(valences)
        if roles is not None:
            self.roles.copy_(roles.to(self.roles.dtype))

    def projected(self, ids: torch.Tensor) -> torch.Tensor:
        """W_g glove(id): (..., E)."""
        return self.projection(self.vectors[ids].float())

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        in_domain = (ids < self.domain_size).unsqueeze(-1)  # (B, T, 1)
        embedded = self.domain(ids.clamp(max=self.domain_size - 1)) * in_domain  # (B, T, E)
        if self.config.vector_dim:
            embedded = embedded + self.projected(ids)
        scope = negation_scope(self.roles[ids]) if self.config.negation else None  # (B, T)
        if self.config.valence:
            valence = self.valences[ids]  # (B, T)
            if scope is not None:
                valence = torch.where(scope, -valence, valence)
            embedded = embedded + self.valence_weight(valence.unsqueeze(-1))
        if scope is not None:
            embedded = embedded + scope.unsqueeze(-1) * self.scope_vector
        return embedded


def negation_scope(roles: torch.Tensor) -> torch.Tensor:
    """(B, T) roles -> (B, T) bool: the tokens after a negator up to the next scope end.

    "no bugs , no clutter , it just works": bugs and clutter are in scope, the rest not.
    A token is in scope when the last negator before it comes after the last scope end up to it.
    """
    steps = torch.arange(roles.shape[-1], device=roles.device).expand_as(roles)
    none = torch.full_like(steps, -1)
    last_negator = torch.where(roles == NEGATOR_ROLE, steps, none).cummax(dim=-1).values
    last_end = torch.where(roles == SCOPE_END_ROLE, steps, none).cummax(dim=-1).values
    return (last_negator > last_end) & (roles != NEGATOR_ROLE)


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
        self.embedding = WordEncoder(config)
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
        self.embedding = WordEncoder(config)
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
