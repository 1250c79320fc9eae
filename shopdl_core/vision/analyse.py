"""One call behind the photo page and the lab's "try it": ``analyse_photo(data, model=...)``.

It decodes the bytes (by their content), asks PhotoCNN for its calibrated answer, and returns
everything a page shows as one :class:`PhotoAnalysis`: the label and top classes, whether the
model is unsure and why (in plain words), the tags and similar products (only for a photo it
recognises as one of its kinds: an unsure photo is not treated as a product), the 28 x 28
silhouettes read by the two Fashion-MNIST CNNs, and Grad-CAM when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PIL import Image

from shopdl_core.errors import InputError
from shopdl_core.i18n import N_, _, pgettext
from shopdl_core.vision.explain import grad_cam, heat_map_overlay
from shopdl_core.vision.photo_eval import FAMILIAR_PERCENTILE
from shopdl_core.vision.preprocess import DecodedPhoto, decode_photo, prepare_product_photo
from shopdl_core.vision.search import (UNSURE_BELOW, PhotoPrediction, classify_photos, photo_model_batch,
                                       predict_photos, similar_products)
from shopdl_core.vision.trained import TrainedVisionModel

NOT_CLOTHING = N_("This does not look like one of our ten kinds of clothing")


@dataclass(frozen=True)
class SilhouetteAnswer:
    """A Fashion-MNIST CNN's reading of the photo's 28 x 28 silhouette, or why there is none."""

    model: str
    pixels: np.ndarray | None  # (28, 28) uint8: what the network sees
    label: str | None
    probability: float | None
    problem: str | None = None  # why no silhouette could be made (a message for the page)


@dataclass(frozen=True)
class PhotoAnalysis:
    photo: DecodedPhoto
    prediction: PhotoPrediction  # PhotoCNN's calibrated answer (its best guess even when unsure)
    top: list[tuple[str, float]]  # the three most probable kinds
    unsure: bool
    why_unsure: str | None  # plain words, for the details under the answer
    tags: tuple[str, ...]  # category, department, colour; none for an unsure photo
    similar: pd.DataFrame | None  # the nearest catalogue products; None for an unsure photo
    silhouettes: tuple[SilhouetteAnswer, ...] = ()
    heat_map: Image.Image | None = None  # Grad-CAM over the photo, when asked for

    @property
    def answer(self) -> str:
        """The one line a page leads with."""
        return NOT_CLOTHING if self.unsure else self.prediction.label

    @property
    def colour(self) -> str | None:
        return self.tags[2] if self.tags else None


def explain_unsure(prediction: PhotoPrediction, familiar_above: float) -> str | None:
    """Why the model will not name a kind, without its jargon, in the current language; None
    when it names one."""
    if not prediction.unsure:
        return None
    guess = _("Its best guess is {kind} at {probability:.0%}").format(
        kind=pgettext("photo class", prediction.label), probability=prediction.top(1)[0][1])
    if prediction.unfamiliar:
        out_of = round(100 / FAMILIAR_PERCENTILE)  # 2.5 % below the threshold: 1 in 40
        return _("{guess}, but the photo looks unlike the photos it learned from: its closest match among "
                 "them scores {familiarity:.2f} (1 would be the same photo), while {many} in {out_of} real "
                 "garment photos have a match of at least {threshold:.2f}.").format(
            guess=guess, familiarity=prediction.familiarity, many=out_of - 1, out_of=out_of,
            threshold=familiar_above)
    return _("{guess}; it names a kind only when it is at least {sure:.0%} sure.").format(guess=guess, sure=UNSURE_BELOW)


def read_silhouettes(photo: DecodedPhoto, models: Sequence[TrainedVisionModel],
                     colour: str | None = None) -> tuple[SilhouetteAnswer, ...]:
    """``colour``: the photo's colour when the caller has read it (the namer then runs once)."""
    try:
        silhouette = prepare_product_photo(photo, name="This photo", colour=colour)
    except InputError as exc:
        return tuple(SilhouetteAnswer(m.name, None, None, None, str(exc)) for m in models)
    answers = []
    for trained in models:
        answer = predict_photos(trained.model, [silhouette], trained.class_names, trained.device)[0]
        answers.append(SilhouetteAnswer(trained.name, silhouette.pixels, answer.label, answer.top(1)[0][1]))
    return tuple(answers)


def analyse_photo(data: bytes | DecodedPhoto, model: TrainedVisionModel, *,
                  silhouette_models: Sequence[TrainedVisionModel] = (), explain: bool = False,
                  prediction: PhotoPrediction | None = None) -> PhotoAnalysis:
    """Everything the pages show about one photo. ``data``: the file's bytes (checked by their
    content; InputError for anything that is not a photo), or a photo already decoded.
    ``prediction``: PhotoCNN's answer when the caller already has it (a cache)."""
    photo = data if isinstance(data, DecodedPhoto) else decode_photo(data, name=_("This file"))
    prediction = prediction or classify_photos(model, [photo])[0]
    known = not prediction.unsure
    heat_map = None
    if explain:
        batch = photo_model_batch(model.model, [photo]).to(model.device)
        heat_map = heat_map_overlay(photo, grad_cam(model.model, batch, model.class_names.index(prediction.label)))
    return PhotoAnalysis(
        photo=photo, prediction=prediction, top=prediction.top(3), unsure=prediction.unsure,
        why_unsure=explain_unsure(prediction, model.familiar_above),
        tags=prediction.tags if known else (),
        similar=similar_products(model.catalog_index, prediction.embedding) if known else None,
        silhouettes=read_silhouettes(photo, silhouette_models, prediction.colour), heat_map=heat_map,
    )
