"""The Fashion-MNIST image classifiers. Input (B, 1, 28, 28) normalised pixels, output (B, classes) logits.

(PhotoCNN, the photo model, lives in ``efficientnet.py``; ``registry.py`` lists all three and
builds each from its config.)

Each model is ``features`` (image -> embedding, the penultimate layer used for similar-item
search) followed by ``head`` (embedding -> logits). Neither ends in a softmax: the loss
(cross-entropy) and the predictions apply it themselves.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from torch import Tensor, nn



@dataclass(frozen=True)
class SeedCNNConfig:
    """The seed document's LeNet-style CIFAR-10 network, adapted to 1 x 28 x 28 inputs."""

    conv1_channels: int = 16
    conv2_channels: int = 32
    kernel_size: int = 5
    hidden1: int = 120
    hidden2: int = 84
    num_classes: int = 10


class SeedCNN(nn.Module):
    def __init__(self, config: SeedCNNConfig):
        super().__init__()
        self.config = config
        k = config.kernel_size
        # Unpadded 5x5 convolutions as in the seed: 28 -> 24 -> pool 12 -> 8 -> pool 4.
        side = ((28 - k + 1) // 2 - k + 1) // 2
        self.features = nn.Sequential(
            nn.Conv2d(1, config.conv1_channels, k), nn.ReLU(), nn.MaxPool2d(2),  # (B, 16, 12, 12)
            nn.Conv2d(config.conv1_channels, config.conv2_channels, k), nn.ReLU(), nn.MaxPool2d(2),  # (B, 32, 4, 4)
            nn.Flatten(),  # (B, 512)
            nn.Linear(config.conv2_channels * side * side, config.hidden1), nn.ReLU(),
            nn.Linear(config.hidden1, config.hidden2), nn.ReLU(),  # (B, 84): the embedding
        )
        self.head = nn.Linear(config.hidden2, config.num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))


@dataclass(frozen=True)
class ProductCNNConfig:
    """Three 3x3 conv blocks with batch norm, then a dropout-regularised embedding layer."""

    channels1: int = 32
    channels2: int = 64
    channels3: int = 128
    embedding: int = 128
    dropout: float = 0.2
    num_classes: int = 10


def _conv_block(inputs: int, outputs: int) -> list[nn.Module]:
    # No conv bias: the batch norm that follows has its own shift.
    return [nn.Conv2d(inputs, outputs, 3, padding=1, bias=False), nn.BatchNorm2d(outputs), nn.ReLU(), nn.MaxPool2d(2)]


class ProductCNN(nn.Module):
    def __init__(self, config: ProductCNNConfig):
        super().__init__()
        self.config = config
        self.features = nn.Sequential(
            *_conv_block(1, config.channels1),  # (B, 32, 14, 14)
            *_conv_block(config.channels1, config.channels2),  # (B, 64, 7, 7)
            *_conv_block(config.channels2, config.channels3),  # (B, 128, 3, 3)
            nn.Flatten(),  # (B, 1152)
            nn.Dropout(config.dropout),
            nn.Linear(config.channels3 * 3 * 3, config.embedding, bias=False),
            nn.BatchNorm1d(config.embedding), nn.ReLU(),  # (B, 128): the embedding
        )
        self.head = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(config.embedding, config.num_classes))

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))


def model_config(model: nn.Module) -> dict[str, Any]:
    return asdict(model.config)
