"""Product photos: classify, tag, explain and find similar catalogue products from a photo."""

import streamlit as st

from shopdl_core import config
from shopdl_core.checkpoints import read_model_card
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.i18n import N_, _, current_language, pgettext
from shopdl_core.ui import charts
from shopdl_core.ui.common import EVALUATION_SECTION, format_bytes, format_share
from shopdl_core.ui.search import search_box
from shopdl_core.ui.vision import (
    PHOTO_MODEL,
    VISION_MODELS,
    analysed_photo,
    answer_line,
    chosen_photo_bytes,
    class_name,
    evaluation_charts,
    kind_list,
    load_vision_model,
    model_input_picture,
    photo_digest,
    shown_classes,
    silhouette_real_photo_accuracy,
    similar_product_cards,
    tag_badges,
)
from shopdl_core.vision.analyse import explain_unsure
from shopdl_core.vision.photo_eval import FASHION_TO_PHOTO

st.title(_("📷 Product photos"))
st.markdown(_(
    "Upload a photo of a garment, or pick a sample. **{model}**, an ImageNet-pretrained "
    "EfficientNet-Lite0 fine-tuned on real photos of clothes, names its kind, tags it, shows where "
    "it looked and finds the catalogue products that look most alike. Below, the same photo goes "
    "through the two Fashion-MNIST networks trained from scratch, to show what pretrained "
    "features buy."
).format(model=PHOTO_MODEL))

try:
    trained = load_vision_model(PHOTO_MODEL)
except CheckpointError as exc:
    st.error(str(exc))
    st.stop()

search_box("image_search")

photo_bytes = chosen_photo_bytes("image")

analysis = None
if photo_bytes is not None:
    try:
        # The uploaded file's name is not echoed: messages render as Markdown.
        analysis = analysed_photo(photo_digest(photo_bytes), photo_bytes)
    except InputError as exc:
        st.error(str(exc))


def render_answer(analysis) -> None:
    """PhotoCNN's answer: the kind, its tags and probabilities; or, for a photo it does not
    recognise, one plain line with the details behind an expander (no tags, no products)."""
    st.subheader(_(analysis.answer) if analysis.unsure else class_name(analysis.answer))
    if analysis.unsure:
        with st.expander(_("Why, and what it guessed")):
            st.markdown(explain_unsure(analysis.prediction, trained.familiar_above))  # in this page's language
            st.markdown(_("{model} knows ten kinds of clothing ({kinds}); anything else (a bag, a cat, a chair) "
                          "or an unclear photo lands here.").format(model=PHOTO_MODEL, kinds=kind_list()))
            st.vega_lite_chart(charts.top_classes(shown_classes(analysis.top)), width="stretch")
        return
    st.vega_lite_chart(charts.top_classes(shown_classes(analysis.top)), width="stretch")
    tag_badges(analysis.tags)
    st.caption(_("Percentages you can take at their word: of the answers given at 80%, about 8 in 10 are right."),
               help=_("Calibrated probabilities: the model's scores are divided by a temperature of "
                      "{temperature:.2f}, fitted on held-out training photos.").format(temperature=trained.temperature))


def render_photo(analysis, photo_bytes: bytes):
    """The photo, or where the model looked on it (the toggle); returns the analysis drawn."""
    if st.toggle(_("Show where the model looked"), value=False, key="image_heat_map",
                 help=_("Grad-CAM: the places whose features raised the predicted class's score, from the "
                        "model's last feature map (7 x 7 cells), drawn over the photo.")):
        analysis = analysed_photo(photo_digest(photo_bytes), photo_bytes, explain=True)
    width, height = analysis.photo.original_size
    if analysis.heat_map is not None:
        st.image(analysis.heat_map, caption=_("Where {model} looked for “{kind}” (red: most)").format(
            model=PHOTO_MODEL, kind=class_name(analysis.prediction.label)))
    else:
        st.image(analysis.photo.picture, caption=_("The photo ({width} x {height} pixels)").format(
            width=width, height=height))
    return analysis


if analysis is not None:
    # The answer comes first: on a phone the columns stack, and it must sit right under the upload.
    result_column, photo_column = st.columns([3, 2])
    with photo_column:
        analysis = render_photo(analysis, photo_bytes)
    with result_column:
        render_answer(analysis)
    if analysis.similar is not None:
        st.subheader(_("Similar products"))
        st.caption(_("The catalogue products whose photos look most like this one to {model}.").format(
            model=PHOTO_MODEL),
                   help=_("Cosine similarity of {model}'s pooled features (1,280 numbers per photo), shown on "
                          "each card: 1 would be the same photo.").format(model=PHOTO_MODEL))
        similar_product_cards(analysis.similar)

    st.header(_("The same photo, three models"))
    columns = st.columns(3)
    with columns[0].container(border=True):
        st.markdown(_("**{model}** · reads the colour photo").format(model=PHOTO_MODEL))
        answer_line(N_("unsure") if analysis.unsure else analysis.prediction.label, analysis.top[0][1])
        st.caption(_("Accuracy on the {photos} validation photos: {accuracy:.1%} (ten kinds).").format(
            photos=trained.metrics["photos"], accuracy=trained.metrics["accuracy"]))
    for column, answer in zip(columns[1:], analysis.silhouettes):
        with column.container(border=True):
            st.markdown(_("**{model}** · Fashion-MNIST, reads a 28 x 28 silhouette").format(model=answer.model))
            if answer.problem is not None:
                st.info(answer.problem)
                continue
            left, right = st.columns([1, 1])
            left.image(model_input_picture(answer.pixels), caption=_("What it sees"))
            with right:
                answer_line(answer.label, answer.probability)
            real = silhouette_real_photo_accuracy(answer.model)
            st.caption(_("Right on {accuracy:.1%} of the {photos} validation photos of the seven kinds it has a "
                         "class for.").format(accuracy=real["real_photo_accuracy"], photos=real["real_photos"]))
    matches = _("; ").join(_("{kind} = {names}").format(kind=pgettext("photo class", kind),
                                                       names=_(" or ").join(class_name(name) for name in names))
                           for kind, names in FASHION_TO_PHOTO.items())
    st.caption(_("Fashion-MNIST classes count as right where the meaning is clear: {matches}. Hats, shorts and "
                 "skirts have no Fashion-MNIST class; bags have no photo class.").format(matches=matches))

st.header(_(EVALUATION_SECTION))
model_name = st.segmented_control(_("Model"), VISION_MODELS, default=PHOTO_MODEL, key="vision_model") or PHOTO_MODEL
try:
    shown = load_vision_model(model_name)
except CheckpointError as exc:
    st.error(str(exc))
    st.stop()
metrics = shown.metrics
card = read_model_card(config.checkpoint_path(model_name)) or {}
columns = st.columns(4)
if shown.reads_photos:
    columns[0].metric(_("Validation accuracy"), format_share(metrics["accuracy"]),
                      help=_("On the {photos} validation photos of the clothing dataset, never used for training "
                             "or for any choice.").format(photos=metrics["photos"]))
    columns[1].metric(_("Calibration error"), f"{metrics['ece']:.3f}",
                      _("{change:+.3f} after calibration").format(
                          change=metrics["ece"] - metrics["ece_uncalibrated"]),
                      delta_color="inverse",
                      help=_("Expected calibration error (15 bins) on the validation photos, after dividing the "
                             "logits by {temperature:.2f}; before: {before:.3f}.").format(
                          temperature=metrics["temperature"], before=metrics["ece_uncalibrated"]))
    columns[2].metric(_("Similar products of the same kind"), format_share(metrics["precision_at_6"]),
                      help=_("Precision@6: the share of the six catalogue neighbours of each validation photo "
                             "that are of its kind. "
                             "A catalogue photo cropped, resized and recompressed finds itself first {hits:.0%} "
                             "of the time.").format(hits=metrics["rank1_hit_rate"]))
else:
    columns[0].metric(_("Test accuracy"), format_share(metrics["accuracy"]),
                      help=_("On the 10,000 Fashion-MNIST test images."))
    real = silhouette_real_photo_accuracy(model_name)
    columns[1].metric(_("Real-photo accuracy"), format_share(real["real_photo_accuracy"]),
                      help=_("On the {photos} validation photos of the seven kinds it has a class for, through "
                             "the 28 x 28 silhouette.").format(photos=real["real_photos"]))
    if "photo_like_accuracy" in metrics:
        columns[2].metric(_("Photo-like accuracy"), format_share(metrics["photo_like_accuracy"]),
                          help=_("Fashion-MNIST test images dressed as shop photos, through the silhouette path."))
columns[3].metric(_("Training"), _("{minutes:.1f} min").format(minutes=metrics["train_seconds"] / 60),
                  help=_("{epochs} epochs on {device}; {parameters:,} parameters; checkpoint {size}.").format(
                      epochs=len(metrics["history"]), device=metrics["train_device"].upper(),
                      parameters=card.get("parameters", 0), size=format_bytes(card.get("size_bytes"))))
per_class_spec, confusion_spec = evaluation_charts(model_name, current_language())
per_class_column, confusion_column = st.columns([2, 3])
with per_class_column:
    st.markdown(_("**Accuracy per class**"))
    st.vega_lite_chart(per_class_spec, width="stretch")
with confusion_column:
    where = _("validation photos") if shown.reads_photos else _("Fashion-MNIST test images")
    st.markdown(_("**Confusion matrix** ({where}; rows: true class, columns: predicted)").format(where=where))
    st.vega_lite_chart(confusion_spec, width="stretch")
