"""Product photos: classify, tag and find similar catalogue products from a photo."""

import streamlit as st

from shopdl_core.checkpoints import read_model_card
from shopdl_core import config
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.ui.common import format_bytes, shared_device
from shopdl_core.ui.vision import (
    VISION_MODELS,
    evaluation_charts,
    load_catalog_index,
    load_vision_model,
    model_input_picture,
    sample_bytes,
    sample_photos,
    similar_product_cards,
    tag_badges,
    top_classes_chart,
)
from shopdl_core.vision.preprocess import MAX_PIXELS, prepare_product_photo
from shopdl_core.vision.search import predict_photos, similar_products

st.title("📷 Product photos")
st.markdown(
    "Upload a product photo, or pick a sample: a convolutional network trained on "
    "Fashion-MNIST names its category, tags it, and finds the catalogue products that look "
    "most alike (nearest by cosine in the network's penultimate layer)."
)

model_name = st.segmented_control(
    "Model", VISION_MODELS, default=VISION_MODELS[0], key="vision_model",
    help="ProductCNN: three conv blocks with batch norm, dropout and augmentation. "
         "SeedCNN: the seed document's LeNet-style network, without its softmax-before-loss bug.",
) or VISION_MODELS[0]
try:
    trained = load_vision_model(model_name)
except CheckpointError as exc:
    st.error(str(exc))
    st.stop()

source = st.radio("Photo", ["Pick a sample", "Upload a photo"], key="image_source", horizontal=True)
photo_bytes = None
if source == "Pick a sample":
    samples = sample_photos()
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    sample = left.selectbox("Sample", list(samples), key="image_sample")
    as_shop_photo = right.toggle(
        "Show it as a shop photo", value=True, key="image_sample_as_photo",
        help="Off: the raw 28 x 28 Fashion-MNIST image. On: the same product dark on white, "
             "in colour, larger, as a JPEG: what a shop photo looks like before preprocessing.",
    )
    photo_bytes = sample_bytes(samples[sample], as_shop_photo)
else:
    upload = st.file_uploader(
        "Product photo", type=["png", "jpg", "jpeg", "webp"], key="image_upload",
        help=f"PNG, JPEG or WebP, at least 16 x 16 and at most {MAX_PIXELS // 1_000_000} megapixels; "
             "a product on a plain background works best.",
    )
    if upload is None:
        st.info("Upload a photo of one product (or pick a sample above).")
    else:
        photo_bytes = upload.getvalue()

if photo_bytes is not None:
    try:
        # The uploaded file's name is not echoed: messages render as Markdown.
        photo = prepare_product_photo(photo_bytes, name="This file")
    except InputError as exc:
        st.error(str(exc))
    else:
        prediction = predict_photos(trained.model, [photo], trained.class_names, shared_device())[0]
        photo_column, input_column, result_column = st.columns([3, 2, 4])
        with photo_column:
            width, height = photo.original_size
            st.image(photo.photo, caption=f"The photo ({width} x {height} pixels)")
        with input_column:
            st.image(model_input_picture(photo.pixels), caption="What the model sees: 28 x 28"
                     + (", inverted" if photo.inverted else ""))
        with result_column:
            st.subheader(prediction.label)
            st.vega_lite_chart(top_classes_chart(prediction), width="stretch")
            tag_badges(prediction)
        st.subheader("Similar products")
        similar_product_cards(similar_products(load_catalog_index(model_name), prediction.embedding))

st.header("How good is this model?")
metrics = trained.metrics
card = read_model_card(config.checkpoint_path(model_name)) or {}
columns = st.columns(4)
columns[0].metric("Test accuracy", f"{metrics['accuracy']:.1%}", help="On the 10,000 Fashion-MNIST test images.")
if "photo_like_accuracy" in metrics:
    columns[1].metric(
        "Photo-like accuracy", f"{metrics['photo_like_accuracy']:.1%}",
        help=f"The first {metrics['photo_like_images']:,} test images dressed as shop photos (JPEG and "
             "transparent PNG, tinted, dark on white, uneven margins), through the full preprocessing. "
             + (f"The same images as they are: {metrics['photo_like_raw_accuracy']:.1%}."
                if "photo_like_raw_accuracy" in metrics else ""),
    )
columns[2].metric("Parameters", f"{card.get('parameters', 0):,}")
columns[3].metric("Training", f"{metrics['train_seconds'] / 60:.1f} min",
                  help=f"{len(metrics['history'])} epochs on {metrics['train_device']}; "
                       f"checkpoint {format_bytes(card.get('size_bytes'))}.")
per_class_spec, confusion_spec = evaluation_charts(model_name)
per_class_column, confusion_column = st.columns([2, 3])
with per_class_column:
    st.markdown("**Accuracy per class**")
    st.vega_lite_chart(per_class_spec, width="stretch")
with confusion_column:
    st.markdown("**Confusion matrix** (test images; rows: true class, columns: predicted)")
    st.vega_lite_chart(confusion_spec, width="stretch")
