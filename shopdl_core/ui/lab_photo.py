"""The Model lab's photo experiment in the page: its features, its worker, its charts and the
trained head's answer for a photo (the runs themselves are ``lab.py``'s)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from shopdl_core.i18n import _, L_
from shopdl_core.ui import charts
from shopdl_core.ui.lab import PHOTO, LabRun, chart_epochs, paced_append, start_run
from shopdl_core.vision.lab_head import LabFeatures, LabHead, LabHeadConfig, fit, load_lab_features, prepare_lab_data
from shopdl_core.vision.preprocess import DecodedPhoto


@st.cache_resource(show_spinner=L_("Loading the lab's photo features…"))
def photo_features() -> LabFeatures:
    return load_lab_features()


def start_photo_head(settings: LabHeadConfig, pace_s: float = 0.0) -> str | None:
    data = prepare_lab_data(photo_features(), settings)
    return start_run(PHOTO, settings, lambda run: fit(run.settings, data, on_epoch=paced_append(run),
                                                      stop=run.stop).model, pace_s)


@st.cache_resource(show_spinner=L_("Loading the ImageNet EfficientNet-Lite0…"))
def imagenet_backbone():
    from shopdl_core.vision.lab_head import imagenet_backbone as load  # torch's model code, on first use

    return load()


def head_probabilities(head: LabHead, photo: DecodedPhoto) -> np.ndarray:
    """P(class) (C,) of a trained lab head for one decoded photo, through the frozen features."""
    from shopdl_core.vision.lab_head import imagenet_features

    return head.probabilities(imagenet_features(imagenet_backbone(), [photo]))[0]


def photo_curves(run: LabRun) -> tuple[charts.Spec, charts.Spec]:
    """Loss and accuracy per epoch, train against validation."""
    epochs = chart_epochs(run.epochs)
    loss = [row for e in epochs for row in ({"epoch": e.epoch, "series": "train", "loss": e.train_loss},
                                            {"epoch": e.epoch, "series": "validation", "loss": e.validation_loss})]
    accuracy = [row for e in epochs
                for row in ({"epoch": e.epoch, "series": "train", "accuracy": e.train_accuracy},
                            {"epoch": e.epoch, "series": "validation", "accuracy": e.validation_accuracy})]
    return (charts.epoch_curves(loss, "loss", _("cross-entropy loss")),
            charts.epoch_curves(accuracy, "accuracy", _("accuracy"), percent=True))
