"""A model added as one module, for the registry test: its config, its network, its default training."""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor, nn

from shopdl_core.vision.train import FashionTrainConfig


@dataclass(frozen=True)
class TinyCNNConfig:
    channels: int = 4
    num_classes: int = 10


class TinyCNN(nn.Module):
    def __init__(self, config: TinyCNNConfig):
        super().__init__()
        self.config = config
        self.features = nn.Sequential(nn.Conv2d(1, config.channels, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(4),
                                      nn.Flatten())  # (B, 16 C): the embedding
        self.head = nn.Linear(16 * config.channels, config.num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))


def default_training(name: str) -> FashionTrainConfig:
    return FashionTrainConfig(name, epochs=1, batch_size=64)
