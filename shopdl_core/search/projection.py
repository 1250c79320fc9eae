"""PhotoTextProjection: PhotoCNN's image embedding into the text encoder's sentence space.

The text side stays frozen (multilingual-e5-small's unit vectors, 384-d); only the image side
is learned, as in CLIP with a frozen text tower. Input: PhotoCNN's unit pooled embedding
(1,280-d) and a one-hot of the colour the colour reader names (the same reader that wrote the
caption's colour word); output: a unit vector in the text space, so a query's vector and a
photo's projected vector compare by a dot product.

Loss: symmetric InfoNCE (CLIP) over a batch of photos and one caption drawn for each, with a
learned temperature. Several photos in a batch may fit one caption (two black jeans; "jeans"
fits every pair of jeans), so the target is spread evenly over every caption that fits a photo
(and over every photo a caption fits) instead of a one-hot on the diagonal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

# The colour names of its one-hot input: those of the colour reader the shipped projection was
# trained with. A name outside them (orange, purple, multicolour, from the newer reader in
# vision.colour) is no colour input, the same as an unread colour.
COLOUR_NAMES = ("black", "white", "grey", "beige", "brown", "red", "pink", "yellow", "green", "blue", "navy")
MAX_LOGIT_SCALE = 100.0  # CLIP's cap on the learned inverse temperature


@dataclass
class ProjectionConfig:
    image_dim: int = 1280
    colour_dim: int = len(COLOUR_NAMES)  # 0: the colour reader's name is not an input
    hidden: int = 512  # 0: one linear map
    text_dim: int = 384
    dropout: float = 0.3
    init_temperature: float = 0.07


class PhotoTextProjection(nn.Module):
    def __init__(self, config: ProjectionConfig):
        super().__init__()
        self.config = config
        width = config.image_dim + config.colour_dim
        if config.hidden:
            self.net = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(width, config.hidden), nn.GELU(),
                                     nn.Linear(config.hidden, config.text_dim))
        else:
            self.net = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(width, config.text_dim))
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1.0 / config.init_temperature)))

    def forward(self, images: torch.Tensor, colours: torch.Tensor) -> torch.Tensor:
        """images (N, 1280) unit rows, colours (N, colour_dim) one-hot -> (N, 384) unit rows."""
        inputs = torch.cat([images, colours], dim=1) if self.config.colour_dim else images
        return F.normalize(self.net(inputs), dim=1)

    def scale(self) -> torch.Tensor:
        return self.logit_scale.exp().clamp(max=MAX_LOGIT_SCALE)


def colour_one_hot(colours: list[str] | tuple[str, ...], config: ProjectionConfig) -> torch.Tensor:
    """(N, colour_dim) one-hot rows of colour names (all zeros for a name not in the palette)."""
    rows = torch.zeros(len(colours), config.colour_dim)
    if config.colour_dim:
        for i, name in enumerate(colours):
            if name in COLOUR_NAMES:
                rows[i, COLOUR_NAMES.index(name)] = 1.0
    return rows


def contrastive_loss(images: torch.Tensor, texts: torch.Tensor, fits: torch.Tensor,
                     scale: torch.Tensor) -> torch.Tensor:
    """Symmetric InfoNCE. images (B, D), texts (B, D) unit rows; fits (B, B) bool, True where
    caption j fits photo i (the diagonal always does)."""
    logits = scale * images @ texts.T  # (B, B)
    targets = fits.float()
    image_to_text = -(targets / targets.sum(1, keepdim=True) * F.log_softmax(logits, dim=1)).sum(1).mean()
    text_to_image = -(targets / targets.sum(0, keepdim=True) * F.log_softmax(logits, dim=0)).sum(0).mean()
    return (image_to_text + text_to_image) / 2


def build_projection(config: dict) -> PhotoTextProjection:
    return PhotoTextProjection(ProjectionConfig(**config))
