"""Models, data helpers, training and evaluation on small inputs (no shipped checkpoint needed)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
from torch import nn

from shopdl_core.errors import InputError
from shopdl_core.vision.data import PIXEL_MEAN, PIXEL_STD, augment, iterate_batches, load_split, normalise
from shopdl_core.registry import build_model
from shopdl_core.vision.model import ProductCNN, SeedCNN, model_config
from shopdl_core.vision.train import FashionData, FashionTrainConfig, evaluate, fit


@pytest.mark.parametrize(("name", "embedding"), [("SeedCNN", 84), ("ProductCNN", 128)])
def test_models_map_images_to_logits_through_an_embedding(name, embedding):
    torch.manual_seed(0)
    model = build_model(name).eval()
    batch = torch.randn(4, 1, 28, 28)
    assert model.features(batch).shape == (4, embedding)
    logits = model(batch)
    assert logits.shape == (4, 10)
    # Logits, not probabilities: no softmax before the cross-entropy loss.
    assert not torch.allclose(logits.sum(1), torch.ones(4))
    assert not any(isinstance(module, nn.Softmax) for module in model.modules())


def test_build_model_round_trips_its_config():
    model = build_model("ProductCNN", {"channels1": 8, "channels2": 16, "channels3": 32, "embedding": 24})
    assert isinstance(model, ProductCNN) and model_config(model)["embedding"] == 24
    assert isinstance(build_model("SeedCNN"), SeedCNN)


def test_normalise_scales_with_the_training_statistics():
    pixels = np.array([[0, 255]], dtype=np.uint8).repeat(14, 1).repeat(28, 0)  # (28, 28)
    batch = normalise(pixels)
    assert batch.shape == (1, 1, 28, 28)
    assert batch[0, 0, 0, 0].item() == pytest.approx(-PIXEL_MEAN / PIXEL_STD)
    assert batch[0, 0, 0, 27].item() == pytest.approx((1 - PIXEL_MEAN) / PIXEL_STD)


def test_augment_flips_and_shifts_per_image_reproducibly():
    batch = torch.full((64, 1, 28, 28), -1.0)
    batch[:, 0, 10:18, 4:8] = 2.0  # a block left of centre
    first = augment(batch, torch.Generator().manual_seed(1))
    again = augment(batch, torch.Generator().manual_seed(1))
    assert torch.equal(first, again) and first.shape == batch.shape
    # Every image keeps its 8 x 4 block, moved by at most 1 pixel, flipped in about half.
    assert torch.all((first == 2.0).sum((1, 2, 3)) == 32)
    centre = ((first == 2.0).float() * torch.arange(28.0)).sum((1, 2, 3)) / 32  # mean column
    flipped = centre > 14
    assert 16 < flipped.sum() < 48
    assert torch.all((centre[~flipped] - 5.5).abs() <= 1) and torch.all((centre[flipped] - 21.5).abs() <= 1)


def test_iterate_batches_covers_every_example_once():
    inputs, labels = torch.arange(10.0), torch.arange(10)
    seen = torch.cat([batch for _, batch in iterate_batches(inputs, labels, 3, torch.Generator().manual_seed(0))])
    assert sorted(seen.tolist()) == list(range(10))


class FixedLogits(nn.Module):
    """Predicts class (label + shift) for images whose first pixel encodes the label."""

    def __init__(self, shift: np.ndarray):
        super().__init__()
        self.shift = shift

    def forward(self, x):
        labels = torch.round((x[:, 0, 0, 0] * PIXEL_STD + PIXEL_MEAN) * 255).long()  # the label back
        predicted = (labels + torch.as_tensor(self.shift[labels.numpy()])) % 10
        return nn.functional.one_hot(predicted, 10).float() * 10


def test_evaluate_counts_per_class_accuracy_and_confusion():
    labels = np.repeat(np.arange(10, dtype=np.uint8), 4)  # 4 images per class
    images = np.zeros((40, 28, 28), dtype=np.uint8)
    images[:, 0, 0] = labels  # first pixel carries the label for FixedLogits
    shift = np.zeros(10, dtype=np.int64)
    shift[3] = 1  # every Dress is called a Coat
    result = evaluate(FixedLogits(shift), images, labels, torch.device("cpu"))
    assert result.accuracy == pytest.approx(36 / 40)
    assert result.per_class_accuracy["Dress"] == 0.0 and result.per_class_accuracy["Coat"] == 1.0
    assert result.confusion[3][4] == 4 and result.confusion[4][4] == 4
    assert sum(map(sum, result.confusion)) == 40


@pytest.fixture(scope="module")
def small_subset():
    images, labels = load_split("train")
    chosen = np.random.default_rng(0).choice(len(labels), 1024, replace=False)
    return np.ascontiguousarray(images[chosen]), np.ascontiguousarray(labels[chosen])


# ProductCNN at a quarter of its width: the same code path, a few seconds on two cores.
SMALL_CONFIGS = {"SeedCNN": {}, "ProductCNN": {"channels1": 8, "channels2": 16, "channels3": 32, "embedding": 32}}


CPU = torch.device("cpu")


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SMALL_CONFIGS))
def test_a_short_training_run_lowers_the_loss_and_reports_each_epoch(name, small_subset):
    reports = []
    settings = FashionTrainConfig(name, epochs=3, batch_size=64, augment=name == "ProductCNN",
                                  model_config=SMALL_CONFIGS[name])
    history = fit(settings, FashionData(*small_subset, device=CPU), on_epoch=reports.append)
    assert reports == history.epochs and [r.epoch for r in reports] == [1, 2, 3]
    assert reports[-1].train_loss < reports[0].train_loss * 0.8
    assert reports[-1].train_accuracy > 0.35  # chance is 0.1
    assert not history.model.training and not history.stopped  # returned in eval mode


def test_training_is_reproducible_and_stops_between_batches(small_subset):
    data = FashionData(small_subset[0][:256], small_subset[1][:256], device=CPU)
    settings = FashionTrainConfig("SeedCNN", epochs=2, batch_size=64)
    losses = [[r.train_loss for r in fit(settings, data).epochs] for _ in range(2)]
    assert losses[0] == losses[1]
    stop = threading.Event()
    stopped = fit(settings, data, on_epoch=lambda report: stop.set(), stop=stop)
    assert stopped.stopped and len(stopped.epochs) == 1 and stopped.epochs[0].train_loss == losses[0][0]


def test_zero_epochs_is_refused(small_subset):
    with pytest.raises(InputError, match="epochs"):
        fit(FashionTrainConfig("SeedCNN", epochs=0), FashionData(*small_subset, device=CPU))
