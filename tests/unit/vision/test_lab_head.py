"""The Model lab's photo head: settings checks, data preparation, training, and `bench lab`."""

import threading

import numpy as np
import pytest

from shopdl_core import config
from shopdl_core.__main__ import main
from shopdl_core.errors import InputError
from shopdl_core.vision.lab_head import (LabFeatures, LabHeadConfig, load_lab_features, prepare_lab_data, quantise,
                                         fit)


def toy_features(per_class=20, seed=0):
    """Three well-separated classes in 16 dimensions (non-negative, as ReLU6 features are)."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 6, size=(3, 16))

    def draw(n):
        labels = np.repeat(np.arange(3), n)
        return np.clip(centres[labels] + rng.normal(scale=0.5, size=(len(labels), 16)), 0, 6).astype(np.float32), labels
    train, train_labels = draw(per_class)
    validation, validation_labels = draw(per_class // 2)
    return LabFeatures(train, train_labels, validation, validation_labels)


THREE = config.PHOTO_CLASSES[:3]


@pytest.mark.parametrize("settings, message", [
    (LabHeadConfig(classes=()), "at least two classes"),
    (LabHeadConfig(classes=("dress", "dress")), "at least two classes"),
    (LabHeadConfig(classes=("dress", "sock")), "Unknown classes: sock"),
    (LabHeadConfig(train_share=0.01), "between 5 % and 100 %"),
    (LabHeadConfig(label_noise=0.6), "between 0 % and 50 %"),
    (LabHeadConfig(learning_rate=0.0), "above 0"),
    (LabHeadConfig(learning_rate=float("nan")), "above 0"),
    (LabHeadConfig(epochs=0), "Epochs must be between 1"),
    (LabHeadConfig(weight_decay=-1.0), "Weight decay"),
    (LabHeadConfig(hidden=-3), "hidden layer"),
])
def test_bad_settings_are_refused(settings, message):
    with pytest.raises(InputError, match=message):
        settings.checked()


def test_label_noise_flips_the_asked_share_to_other_chosen_classes():
    features = toy_features(per_class=400)
    clean = prepare_lab_data(features, LabHeadConfig(classes=THREE))
    noisy = prepare_lab_data(features, LabHeadConfig(classes=THREE, label_noise=0.3))
    changed = (clean.train_labels != noisy.train_labels).numpy()
    assert noisy.flipped == changed.sum()
    assert 0.25 < changed.mean() < 0.35
    assert set(noisy.train_labels.tolist()) == {0, 1, 2}  # only chosen classes
    assert (noisy.validation_labels == clean.validation_labels).all()  # validation stays true


def test_share_and_classes_pick_a_stratified_subset():
    features = toy_features(per_class=100)
    data = prepare_lab_data(features, LabHeadConfig(classes=THREE[:2], train_share=0.1))
    assert data.classes == THREE[:2]
    assert np.bincount(data.train_labels.numpy()).tolist() == [10, 10]
    assert len(data.validation_labels) == 100  # every validation photo of the two classes


def test_a_head_learns_separable_classes_and_stops_when_asked():
    features = toy_features()
    settings = LabHeadConfig(classes=THREE, epochs=15, learning_rate=1e-2)
    data = prepare_lab_data(features, settings)
    history = fit(settings, data)
    head = history.model
    assert history.epochs[-1].train_loss < history.epochs[0].train_loss
    assert history.last.validation_accuracy > 0.95 and not history.stopped
    assert sum(map(sum, head.confusion())) == len(data.validation_labels)
    assert head.probabilities(features.validation[:4]).sum(1) == pytest.approx(np.ones(4), abs=1e-5)
    # Seeded: the same settings give the same run.
    again = fit(settings, prepare_lab_data(features, settings))
    assert [e.train_loss for e in again.epochs] == [e.train_loss for e in history.epochs]
    stop = threading.Event()
    seen = []
    stopped = fit(settings, data, stop=stop, on_epoch=lambda e: (seen.append(e), stop.set()))
    assert len(stopped.epochs) == len(seen) == 1 and stopped.stopped


def test_quantised_features_round_trip_within_half_a_step():
    values = np.random.default_rng(1).uniform(0, 6, size=(50, 8)).astype(np.float32)
    stored, scale = quantise(values)
    assert stored.dtype == np.uint8
    assert np.abs(stored * scale - values).max() <= scale.max() / 2 + 1e-6


def test_the_shipped_features_cover_every_photo():
    features = load_lab_features()
    assert features.train.shape == (3068, 1280) and features.validation.shape == (341, 1280)
    assert np.bincount(features.validation_labels).tolist() == [32, 14, 49, 24, 49, 29, 26, 25, 12, 81]


def test_bench_lab_prints_each_experiments_time(capsys):
    assert main(["bench", "lab", "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "photo head, linear" in out and "recommender" in out and "held-out RMSE" in out
