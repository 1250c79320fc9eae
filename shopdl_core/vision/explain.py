"""Where PhotoCNN looked: Grad-CAM (Selvaraju et al. 2017) on its last feature map.

For class c and the last feature map A (K channels, h x w), each channel's weight is the
spatial mean of d score_c / d A_k, and the map is ReLU(sum_k weight_k A_k): the places whose
features raised the class score. It is upsampled to the photo and drawn over it.

Only the classifier is differentiated: the feature map is computed without a graph, then
detached and made to require a gradient. No gradient reaches the shared model's parameters,
so concurrent sessions can explain photos with one model (nothing is written to it).
"""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image
from torch import nn

from shopdl_core.vision.preprocess import DecodedPhoto

OVERLAY_OPACITY = 0.45


def grad_cam(model: nn.Module, batch: torch.Tensor, class_index: int) -> np.ndarray:
    """The Grad-CAM map (h, w) in [0, 1] of one input (1, 3, S, S) for ``class_index``.

    ``model`` is an eval-mode PhotoCNN (``feature_map`` then ``head`` on the pooled map).
    """
    with torch.no_grad():
        feature_map = model.feature_map(batch)  # (1, K, h, w)
    feature_map = feature_map.detach().requires_grad_(True)
    with torch.enable_grad():
        score = model.head(feature_map.mean(dim=(2, 3)))[0, class_index]
        (gradient,) = torch.autograd.grad(score, feature_map)  # (1, K, h, w)
    weights = gradient.mean(dim=(2, 3), keepdim=True)  # (1, K, 1, 1)
    cam = torch.relu((weights * feature_map.detach()).sum(dim=1))[0]  # (h, w)
    peak = float(cam.max())
    return (cam / peak).cpu().numpy() if peak > 0 else cam.cpu().numpy()


def _colour_map(values: np.ndarray) -> np.ndarray:
    """values (H, W) in [0, 1] -> RGB (H, W, 3) from dark blue through yellow to red."""
    stops = np.array([[0, 0, 120], [0, 120, 255], [255, 230, 0], [230, 20, 0]], dtype=np.float32)
    position = np.clip(values, 0, 1) * (len(stops) - 1)
    low = np.floor(position).astype(int).clip(0, len(stops) - 2)
    fraction = (position - low)[..., None]
    return stops[low] * (1 - fraction) + stops[low + 1] * fraction


def heat_map_overlay(photo: DecodedPhoto, cam: np.ndarray, opacity: float = OVERLAY_OPACITY) -> Image.Image:
    """The map upsampled (bilinear) to the photo's size and blended over it.

    The model saw the photo squeezed to a square, so the map is stretched back the same way.
    """
    height, width = photo.rgb.shape[:2]
    heat = Image.fromarray(cam.astype(np.float32), mode="F").resize((width, height), Image.Resampling.BILINEAR)
    coloured = _colour_map(np.asarray(heat))
    blended = (1 - opacity) * photo.rgb + opacity * coloured
    return Image.fromarray(np.clip(blended, 0, 255).round().astype(np.uint8), mode="RGB")
