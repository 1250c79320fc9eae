"""Product photos: classify, tag, explain and find similar catalogue products from a photo."""

import streamlit as st

from shopdl_core import config
from shopdl_core.checkpoints import read_model_card
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.ui import charts
from shopdl_core.ui.common import format_bytes
from shopdl_core.ui.search import search_box
from shopdl_core.ui.vision import (
    PHOTO_MODEL,
    VISION_MODELS,
    analysed_photo,
    answer_line,
    chosen_photo_bytes,
    evaluation_charts,
    load_vision_model,
    model_input_picture,
    photo_digest,
    silhouette_real_photo_accuracy,
    similar_product_cards,
    tag_badges,
)
from shopdl_core.vision.photo_eval import FASHION_TO_PHOTO

st.title("📷 Product photos")
st.markdown(
    f"Upload a photo of a garment, or pick a sample. **{PHOTO_MODEL}**, an ImageNet-pretrained "
    "EfficientNet-Lite0 fine-tuned on real photos of clothes, names its kind, tags it, shows where "
    "it looked and finds the catalogue products that look most alike. Below, the same photo goes "
    "through the two Fashion-MNIST networks trained from scratch, to show what pretrained "
    "features buy."
)

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
    st.subheader(analysis.answer)
    if analysis.unsure:
        with st.expander("Why, and what it guessed"):
            st.markdown(analysis.why_unsure)
            st.markdown(f"{PHOTO_MODEL} knows ten kinds of clothing ({', '.join(config.PHOTO_CLASSES)}); "
                        "anything else (a bag, a cat, a chair) or an unclear photo lands here.")
            st.vega_lite_chart(charts.top_classes(analysis.top), width="stretch")
        return
    st.vega_lite_chart(charts.top_classes(analysis.top), width="stretch")
    tag_badges(analysis.tags)
    st.caption(f"Calibrated probabilities (temperature {trained.temperature:.2f}, fitted on held-out "
               "training photos).")


if analysis is not None:
    if st.toggle("Show where the model looked (Grad-CAM)", value=False, key="image_heat_map",
                 help="The places whose features raised the predicted class's score, from the "
                      "model's last feature map (7 x 7 cells), drawn over the photo."):
        analysis = analysed_photo(photo_digest(photo_bytes), photo_bytes, explain=True)
    photo_column, result_column = st.columns([2, 3])
    with photo_column:
        width, height = analysis.photo.original_size
        if analysis.heat_map is not None:
            st.image(analysis.heat_map, caption=f"Where {PHOTO_MODEL} looked for “{analysis.prediction.label}” (red: most)")
        else:
            st.image(analysis.photo.picture, caption=f"The photo ({width} x {height} pixels)")
    with result_column:
        render_answer(analysis)
    if analysis.similar is not None:
        st.subheader("Similar products")
        st.caption(f"The catalogue's nearest products by cosine similarity in {PHOTO_MODEL}'s pooled features.")
        similar_product_cards(analysis.similar)

    st.header("The same photo, three models")
    columns = st.columns(3)
    with columns[0].container(border=True):
        st.markdown(f"**{PHOTO_MODEL}** · reads the colour photo")
        answer_line("unsure" if analysis.unsure else analysis.prediction.label, analysis.top[0][1])
        st.caption(f"Accuracy on the {trained.metrics['photos']} validation photos: "
                   f"{trained.metrics['accuracy']:.1%} (ten kinds).")
    for column, answer in zip(columns[1:], analysis.silhouettes):
        with column.container(border=True):
            st.markdown(f"**{answer.model}** · Fashion-MNIST, reads a 28 x 28 silhouette")
            if answer.problem is not None:
                st.info(answer.problem)
                continue
            left, right = st.columns([1, 1])
            left.image(model_input_picture(answer.pixels), caption="What it sees")
            with right:
                answer_line(answer.label, answer.probability)
            real = silhouette_real_photo_accuracy(answer.model)
            st.caption(f"Right on {real['real_photo_accuracy']:.0%} of the {real['real_photos']} validation photos "
                       "of the seven kinds it has a class for.")
    st.caption(
        "Fashion-MNIST classes count as right where the meaning is clear: "
        + "; ".join(f"{kind} = {' or '.join(names)}" for kind, names in FASHION_TO_PHOTO.items())
        + ". Hats, shorts and skirts have no Fashion-MNIST class; bags have no photo class."
    )

st.header("How good is this model?")
model_name = st.segmented_control("Model", VISION_MODELS, default=PHOTO_MODEL, key="vision_model") or PHOTO_MODEL
try:
    shown = load_vision_model(model_name)
except CheckpointError as exc:
    st.error(str(exc))
    st.stop()
metrics = shown.metrics
card = read_model_card(config.checkpoint_path(model_name)) or {}
columns = st.columns(4)
if shown.reads_photos:
    columns[0].metric("Validation accuracy", f"{metrics['accuracy']:.1%}",
                      help=f"On the {metrics['photos']} validation photos of the clothing dataset, "
                           "never used for training or for any choice.")
    columns[1].metric("Calibration error", f"{metrics['ece']:.3f}",
                      f"{metrics['ece'] - metrics['ece_uncalibrated']:+.3f} by temperature scaling",
                      delta_color="inverse",
                      help="Expected calibration error (15 bins) on the validation photos, after dividing "
                           f"the logits by {metrics['temperature']:.2f}; before: {metrics['ece_uncalibrated']:.3f}.")
    columns[2].metric("Similar products: precision@6", f"{metrics['precision_at_6']:.1%}",
                      help="Share of the six catalogue neighbours of each validation photo that are of its kind. "
                           f"A catalogue photo cropped, resized and recompressed finds itself first "
                           f"{metrics['rank1_hit_rate']:.0%} of the time.")
else:
    columns[0].metric("Test accuracy", f"{metrics['accuracy']:.1%}", help="On the 10,000 Fashion-MNIST test images.")
    real = silhouette_real_photo_accuracy(model_name)
    columns[1].metric("Real-photo accuracy", f"{real['real_photo_accuracy']:.1%}",
                      help=f"On the {real['real_photos']} validation photos of the seven kinds it has a "
                           "class for, through the 28 x 28 silhouette.")
    if "photo_like_accuracy" in metrics:
        columns[2].metric("Photo-like accuracy", f"{metrics['photo_like_accuracy']:.1%}",
                          help="Fashion-MNIST test images dressed as shop photos, through the silhouette path.")
columns[3].metric("Training", f"{metrics['train_seconds'] / 60:.1f} min",
                  help=f"{len(metrics['history'])} epochs on {metrics['train_device']}; "
                       f"{card.get('parameters', 0):,} parameters; checkpoint {format_bytes(card.get('size_bytes'))}.")
per_class_spec, confusion_spec = evaluation_charts(model_name)
per_class_column, confusion_column = st.columns([2, 3])
with per_class_column:
    st.markdown("**Accuracy per class**")
    st.vega_lite_chart(per_class_spec, width="stretch")
with confusion_column:
    where = "validation photos" if shown.reads_photos else "Fashion-MNIST test images"
    st.markdown(f"**Confusion matrix** ({where}; rows: true class, columns: predicted)")
    st.vega_lite_chart(confusion_spec, width="stretch")
