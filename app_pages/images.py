"""Product photos: classify, tag, explain and find similar catalogue products from a photo."""

import streamlit as st

from shopdl_core import config
from shopdl_core.checkpoints import read_model_card
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.ui.common import format_bytes, shared_device
from shopdl_core.ui.search import search_box
from shopdl_core.ui.vision import (
    PHOTO_MODEL,
    SILHOUETTE_MODELS,
    VISION_MODELS,
    chosen_photo_bytes,
    decode_and_classify,
    photo_digest,
    evaluation_charts,
    load_vision_model,
    model_input_picture,
    silhouette_real_photo_accuracy,
    answer_line,
    similar_product_cards,
    tag_badges,
    top_classes_chart,
)
from shopdl_core.vision.explain import grad_cam, heat_map_overlay
from shopdl_core.vision.photo_eval import FASHION_TO_PHOTO
from shopdl_core.vision.preprocess import prepare_product_photo
from shopdl_core.vision.search import UNSURE_BELOW, photo_model_batch, predict_photos, similar_products

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

decoded = None
if photo_bytes is not None:
    try:
        # The uploaded file's name is not echoed: messages render as Markdown.
        decoded, prediction = decode_and_classify(photo_digest(photo_bytes), photo_bytes)
    except InputError as exc:
        st.error(str(exc))

if decoded is not None:
    device = shared_device()
    show_heat_map = st.toggle("Show where the model looked (Grad-CAM)", value=False, key="image_heat_map",
                              help="The places whose features raised the predicted class's score, from the "
                                   "model's last feature map (7 x 7 cells), drawn over the photo.")
    photo_column, result_column = st.columns([2, 3])
    with photo_column:
        width, height = decoded.original_size
        if show_heat_map:
            class_index = trained.class_names.index(prediction.label)
            cam = grad_cam(trained.model, photo_model_batch(trained.model, [decoded]).to(device), class_index)
            st.image(heat_map_overlay(decoded, cam),
                     caption=f"Where {PHOTO_MODEL} looked for “{prediction.label}” (red: most)")
        else:
            st.image(decoded.picture, caption=f"The photo ({width} x {height} pixels)")
    with result_column:
        if prediction.unsure:
            st.subheader("Not one of our kinds of product, or unsure")
            why = (f"the photo looks less like any of its training photos (similarity {prediction.familiarity:.2f}) "
                   f"than 97.5 % of real garment photos do (at least {trained.familiar_above:.2f})"
                   if prediction.unfamiliar else f"that is under the {UNSURE_BELOW:.0%} it needs to name a kind")
            st.warning(
                f"{PHOTO_MODEL}'s best guess is **{prediction.label}** at {prediction.top(1)[0][1]:.0%}, but {why}. "
                f"It knows ten kinds of clothing ({', '.join(config.PHOTO_CLASSES)}); anything else "
                "(a bag, a cat, a chair) or an unclear photo lands here."
            )
        else:
            st.subheader(prediction.label)
        st.vega_lite_chart(top_classes_chart(prediction), width="stretch")
        tag_badges(prediction)
        st.caption(f"Calibrated probabilities (temperature {trained.temperature:.2f}, fitted on held-out "
                   "training photos).")
    st.subheader("Similar products")
    st.caption(f"The catalogue's nearest products by cosine similarity in {PHOTO_MODEL}'s pooled features.")
    similar_product_cards(similar_products(trained.catalog_index, prediction.embedding))

    st.header("The same photo, three models")
    columns = st.columns(3)
    with columns[0].container(border=True):
        st.markdown(f"**{PHOTO_MODEL}** · reads the colour photo")
        answer_line("unsure" if prediction.unsure else prediction.label, prediction.top(1)[0][1])
        st.caption(f"Accuracy on the {trained.metrics['photos']} validation photos: "
                   f"{trained.metrics['accuracy']:.1%} (ten kinds).")
    try:
        silhouette = prepare_product_photo(decoded, name="This photo")
    except InputError as exc:
        silhouette = None
        silhouette_error = str(exc)
    for column, name in zip(columns[1:], SILHOUETTE_MODELS):
        with column.container(border=True):
            st.markdown(f"**{name}** · Fashion-MNIST, reads a 28 x 28 silhouette")
            if silhouette is None:
                st.info(silhouette_error)
                continue
            model = load_vision_model(name)
            answer = predict_photos(model.model, [silhouette], model.class_names, device)[0]
            left, right = st.columns([1, 1])
            left.image(model_input_picture(silhouette.pixels), caption="What it sees")
            with right:
                answer_line(answer.label, answer.top(1)[0][1])
            real = silhouette_real_photo_accuracy(name)
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
