"""Could a learned pattern detector lift the colour reader? Measured on the dev half only.

    python -m experiments.colour_pattern_probe

For each dev photo (the shipped copies of `assets/data/colour_labels`), the shipped reader gives
its reading, its edge density, the share of its second colour name and how many names it found;
the same reader with the pattern rule switched off gives the plain name it would have said; and
PhotoCNN gives its pooled, unit-length embedding (1280-d). A logistic regression (L2, LBFGS,
standardised features) then decides "multicolour or the plain name" from the reader's numbers,
from the embedding, or from both, scored by 5-fold cross-validation repeated 20 times (seeds
0-19) on the 150 dev photos. Two bounds frame it: the plain name everywhere (no pattern rule at
all) and a perfect pattern detector (right whenever either the plain name or "multicolour" is
acceptable). The held-out half is not read. Nothing in the product imports this file.
"""

from __future__ import annotations

import numpy as np
import torch

from shopdl_core.vision import colour
from shopdl_core.vision.colour_eval import load_colour_labels, shipped_photos_dir
from shopdl_core.vision.photos import decode_photo
from shopdl_core.vision.search import photo_model_batch
from shopdl_core.vision.trained import load_trained_model

FOLDS, REPEATS = 5, 20


def plain_name(rgb: np.ndarray) -> str:
    """The reader's name with its pattern rule switched off."""
    saved = colour.BUSY, colour.EDGE_DENSITY
    colour.BUSY = colour.EDGE_DENSITY = float("inf")
    try:
        return colour.read_colour(rgb).name
    finally:
        colour.BUSY, colour.EDGE_DENSITY = saved


def dev_features() -> dict[str, np.ndarray]:
    model = load_trained_model("PhotoCNN", torch.device("cpu")).model
    found: dict[str, list] = {key: [] for key in ("reader_right", "plain_right", "multi_right", "multi", "hand", "emb")}
    for row in load_colour_labels("dev").itertuples():
        photo = decode_photo((shipped_photos_dir() / row.file).read_bytes(), name=row.file)
        reading = colour.read_colour(photo.rgb)
        shares = list(reading.shares.values())
        acceptable = (row.colour, row.second_colour)
        found["reader_right"].append(reading.name in acceptable)
        found["plain_right"].append(plain_name(photo.rgb) in acceptable)
        found["multi_right"].append(colour.MULTICOLOUR in acceptable)
        found["multi"].append(row.colour == colour.MULTICOLOUR)
        found["hand"].append([reading.edge_density, shares[1] if len(shares) > 1 else 0.0, len(shares)])
        with torch.inference_mode():
            features = model.features(photo_model_batch(model, [photo]))
        found["emb"].append(torch.nn.functional.normalize(features, dim=1)[0].numpy())
    return {key: np.asarray(values, dtype=np.float32) for key, values in found.items()}


def fit_logistic(x: torch.Tensor, y: torch.Tensor, l2: float) -> tuple[torch.Tensor, torch.Tensor]:
    weights = torch.zeros(x.shape[1], requires_grad=True)
    bias = torch.zeros(1, requires_grad=True)
    optimiser = torch.optim.LBFGS([weights, bias], max_iter=200)

    def loss() -> torch.Tensor:
        optimiser.zero_grad()
        value = torch.nn.functional.binary_cross_entropy_with_logits(x @ weights + bias, y) + l2 * weights.square().sum()
        value.backward()
        return value

    optimiser.step(loss)
    return weights.detach(), bias.detach()


def cross_validated(features: np.ndarray, data: dict[str, np.ndarray], l2: float) -> tuple[float, float]:
    """Mean and spread over the repeats of the accuracy of 'multicolour when p > 0.5, else the plain name'."""
    scores = []
    for seed in range(REPEATS):
        order = np.random.default_rng(seed).permutation(len(features))
        said_multi = np.zeros(len(features), dtype=bool)
        for fold in np.array_split(order, FOLDS):
            train = np.setdiff1d(order, fold)
            mean, spread = features[train].mean(0), features[train].std(0) + 1e-6
            weights, bias = fit_logistic(torch.tensor((features[train] - mean) / spread),
                                         torch.tensor(data["multi"][train]), l2)
            said_multi[fold] = (torch.tensor((features[fold] - mean) / spread) @ weights + bias).numpy() > 0
        scores.append(np.where(said_multi, data["multi_right"], data["plain_right"]).mean())
    return float(np.mean(scores)), float(np.std(scores))


def main() -> None:
    data = dev_features()
    print(f"shipped reader on dev                  {data['reader_right'].mean():.3f}")
    print(f"plain name everywhere (no pattern rule) {data['plain_right'].mean():.3f}")
    print(f"a perfect pattern detector (bound)     {np.maximum(data['plain_right'], data['multi_right']).mean():.3f}")
    sets = {"reader's numbers": data["hand"], "PhotoCNN embedding": data["emb"],
            "both": np.hstack([data["emb"], data["hand"]])}
    for name, features in sets.items():
        for l2 in (0.001, 0.01, 0.1, 1.0):
            mean, spread = cross_validated(features, data, l2)
            print(f"learned, {name:<20} L2 {l2:<6} {mean:.3f} ± {spread:.3f}")


if __name__ == "__main__":
    main()
