"""PhotoCNN's parts: the EfficientNet-Lite0 architecture, its input, calibration, Grad-CAM, search metrics."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from shopdl_core import config
from shopdl_core.vision.calibration import expected_calibration_error, fit_temperature
from shopdl_core.vision.efficientnet import (NUM_BLOCKS, EfficientNetLite0, PhotoCNN, PhotoCNNConfig,
                                             SamePadConv2d, load_imagenet_weights, model_inputs)
from shopdl_core.vision.explain import grad_cam, heat_map_overlay
from shopdl_core.vision.photo_eval import FASHION_TO_PHOTO, altered_copy, precision_at_k
from shopdl_core.vision.photos import augmented_input, stratified_split
from shopdl_core.vision.colour import product_colour
from shopdl_core.vision.preprocess import decode_photo, photo_model_input
from shopdl_core.vision.search import CatalogIndex


def jpeg(array: np.ndarray, quality: int = 92) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array.astype(np.uint8)).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def garment_photo(height=400, width=300, colour=(40, 60, 160), background=(200, 190, 170)) -> np.ndarray:
    photo = np.empty((height, width, 3), dtype=np.uint8)
    photo[:] = background
    photo[height // 5: 4 * height // 5, width // 4: 3 * width // 4] = colour
    return photo


def test_imagenet_weights_load_strictly_with_the_expected_size():
    model = load_imagenet_weights(EfficientNetLite0())  # strict=True inside: a missing key raises
    assert len(model.state_dict()) == 296
    assert sum(p.numel() for p in model.parameters()) == 4_652_008
    assert len(model._blocks) == NUM_BLOCKS == 16


def test_a_missing_key_is_refused():
    model = EfficientNetLite0()
    state = model.state_dict()
    del state["_blocks.3._depthwise_conv.weight"]
    with pytest.raises(RuntimeError, match="Missing key"):
        model.load_state_dict(state, strict=True)


@pytest.mark.parametrize("side", [224, 160, 193])
def test_output_shapes_at_any_input_size(side):
    model = PhotoCNN(PhotoCNNConfig(num_classes=10)).eval()
    with torch.inference_mode():
        batch = torch.zeros(2, 3, side, side)
        feature_map = model.feature_map(batch)
        assert feature_map.shape == (2, 1280, -(-side // 32), -(-side // 32))  # "SAME": ceil(side / 32)
        assert model.features(batch).shape == (2, 1280)
        assert model(batch).shape == (2, 10)


def test_same_padding_matches_tensorflow_for_stride_two():
    conv = SamePadConv2d(1, 1, 3, stride=2, bias=False)
    # 224 / 2 = 112 outputs: TensorFlow pads 1 pixel in total, 0 before and 1 after.
    assert SamePadConv2d._pad(224, 3, 2) == 1 and SamePadConv2d._pad(7, 3, 1) == 2
    assert conv(torch.zeros(1, 1, 224, 224)).shape == (1, 1, 112, 112)


def test_pretrained_features_separate_the_photo_classes_better_than_random(photo_features):
    """A nearest-class-mean classifier on pooled features, fitted on half of the shipped
    validation photos and scored on the other half: ImageNet features far beat random ones."""
    pretrained, random, labels = photo_features
    fit, score = stratified_split(labels, 0.5, config.SEED)

    def centroid_accuracy(features):
        unit = features / np.linalg.norm(features, axis=1, keepdims=True)
        centroids = np.stack([unit[fit][labels[fit] == c].mean(0) for c in range(len(config.PHOTO_CLASSES))])
        return float(((unit[score] @ centroids.T).argmax(1) == labels[score]).mean())

    pretrained_accuracy, random_accuracy = centroid_accuracy(pretrained), centroid_accuracy(random)
    assert pretrained_accuracy > 0.6 and pretrained_accuracy > random_accuracy + 0.25


@pytest.fixture(scope="module")
def photo_features():
    from shopdl_core.vision.photos import load_photo_folder, shipped_validation_dir

    photos = load_photo_folder(shipped_validation_dir())
    pretrained = PhotoCNN(PhotoCNNConfig())
    imagenet = load_imagenet_weights(EfficientNetLite0())
    pretrained.backbone.load_state_dict({k: v for k, v in imagenet.state_dict().items() if not k.startswith("_fc")})
    torch.manual_seed(0)
    random = PhotoCNN(PhotoCNNConfig())
    inputs = model_inputs(photos.inputs(160))
    with torch.inference_mode():
        return (pretrained.eval().features(inputs).numpy(), random.eval().features(inputs).numpy(), photos.labels)


def test_photo_input_is_the_upright_photo_squeezed_to_a_square():
    photo = decode_photo(jpeg(garment_photo(400, 300)))
    pixels = photo_model_input(photo, 224)
    assert pixels.shape == (224, 224, 3) and pixels.dtype == np.uint8
    # The garment spans the middle half of the width and three fifths of the height, squeezed alike.
    column = pixels[:, 112].astype(int)
    garment_rows = np.flatnonzero(np.abs(column - [40, 60, 160]).sum(1) < 60)
    assert garment_rows.min() == pytest.approx(224 / 5, abs=4) and garment_rows.max() == pytest.approx(4 * 224 / 5, abs=4)


def test_product_colour_ignores_a_coloured_background():
    assert product_colour(garment_photo(colour=(40, 60, 160), background=(200, 40, 40)).astype(np.float32)) == "blue"
    assert product_colour(garment_photo(colour=(210, 170, 40), background=(120, 90, 60)).astype(np.float32)) == "yellow"
    assert product_colour(garment_photo(colour=(25, 25, 25), background=(230, 230, 230)).astype(np.float32)) == "black"


def test_augmented_views_are_valid_inputs_and_vary():
    photo = decode_photo(jpeg(garment_photo()))
    rng = np.random.default_rng(0)
    views = [augmented_input(photo, 96, rng) for _ in range(4)]
    assert all(view.shape == (96, 96, 3) and view.dtype == np.uint8 for view in views)
    assert not np.array_equal(views[0], views[1])


def test_temperature_scaling_fixes_overconfidence_and_keeps_the_ranking():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 4, 2000)
    # A model right 70 % of the time whose logits are three times too sharp.
    correct = rng.random(2000) < 0.7
    predicted = np.where(correct, labels, (labels + rng.integers(1, 4, 2000)) % 4)
    logits = np.zeros((2000, 4))
    logits[np.arange(2000), predicted] = 3 * np.log(0.7 / 0.1)
    logits = torch.tensor(logits)
    temperature = fit_temperature(logits, torch.tensor(labels))
    assert temperature == pytest.approx(3.0, rel=0.1)
    before = expected_calibration_error(torch.softmax(logits, 1).numpy(), labels)
    after = expected_calibration_error(torch.softmax(logits / temperature, 1).numpy(), labels)
    assert before > 0.25 and after < 0.03
    assert torch.equal((logits / temperature).argmax(1), logits.argmax(1))


def test_calibration_error_of_a_perfectly_calibrated_forecast_is_small():
    rng = np.random.default_rng(1)
    confidence = rng.uniform(0.5, 1.0, 5000)
    labels = np.where(rng.random(5000) < confidence, 0, 1)
    probabilities = np.stack([confidence, 1 - confidence], axis=1)
    assert expected_calibration_error(probabilities, labels) < 0.03


def _two_class_head_model() -> PhotoCNN:
    torch.manual_seed(0)
    return PhotoCNN(PhotoCNNConfig(num_classes=2)).eval()


def test_grad_cam_is_a_normalised_map_over_the_feature_grid():
    model = _two_class_head_model()
    batch = model_inputs(photo_model_input(decode_photo(jpeg(garment_photo())), 224)[None])
    cam = grad_cam(model, batch, 0)
    assert cam.shape == (7, 7) and cam.min() >= 0 and cam.max() == pytest.approx(1.0)
    assert all(p.grad is None for p in model.parameters())  # nothing written to the shared model
    overlay = heat_map_overlay(decode_photo(jpeg(garment_photo())), cam)
    assert overlay.size == (192, 256)  # the decoded photo's size (at most 256 a side)


def test_grad_cam_changes_when_the_last_block_is_randomised():
    """Adebayo et al. (2018): a saliency map that survives randomising the weights explains nothing."""
    model = _two_class_head_model()
    imagenet = load_imagenet_weights(EfficientNetLite0())
    model.backbone.load_state_dict({k: v for k, v in imagenet.state_dict().items() if not k.startswith("_fc")})
    model.eval()
    batch = model_inputs(photo_model_input(decode_photo(jpeg(garment_photo())), 224)[None])
    before = grad_cam(model, batch, 1)
    torch.manual_seed(1)
    for parameter in model.backbone._blocks[-1].parameters():
        torch.nn.init.normal_(parameter, std=0.1)
    after = grad_cam(model, batch, 1)
    assert before.std() > 0  # the trained network's map has structure to lose
    assert not np.allclose(before, after, atol=0.05)
    if after.std() > 0:  # (a map that went flat has changed completely)
        assert np.corrcoef(before.ravel(), after.ravel())[0, 1] < 0.9


def test_precision_at_k_counts_neighbours_of_the_query_class():
    from shopdl_core import catalog

    frame = catalog.load_catalog()
    ids = (frame.index[frame.category == "dress"][0], frame.index[frame.category == "dress"][1],
           frame.index[frame.category == "hat"][0])
    index = CatalogIndex(tuple(ids), np.array([[1, 0], [0.9, 0.436], [0, 1]], dtype=np.float32))
    dress, hat = config.PHOTO_CLASSES.index("dress"), config.PHOTO_CLASSES.index("hat")
    queries = np.array([[1, 0], [0, 1]], dtype=np.float32)
    # query 1 (a dress): neighbours dress, dress -> 1.0; query 2 (a hat): hat, dress -> 0.5
    assert precision_at_k(index, queries, np.array([dress, hat]), k=2) == pytest.approx(0.75)


def test_altered_copy_is_a_smaller_recompressed_crop():
    original = jpeg(garment_photo(400, 300))
    altered = Image.open(io.BytesIO(altered_copy(original, np.random.default_rng(0))))
    assert altered.format == "JPEG" and altered.size == (round(300 * 0.6), round(400 * 0.6))


def test_fashion_classes_map_only_onto_real_photo_classes():
    assert set(FASHION_TO_PHOTO) <= set(config.PHOTO_CLASSES)
    assert all(set(names) <= set(config.FASHION_CLASSES) for names in FASHION_TO_PHOTO.values())
    assert not any("Bag" in names for names in FASHION_TO_PHOTO.values())


def test_a_photo_unlike_every_reference_photo_is_unsure_however_confident():
    from shopdl_core.vision.search import predict_with_photo_model

    model = _two_class_head_model()
    photo = decode_photo(jpeg(garment_photo()))
    own = predict_with_photo_model(model, [photo], ("dress", "hat"), 1.0, torch.device("cpu"))[0]
    assert own.familiarity is None and not own.unfamiliar  # no reference: no familiarity check
    same = own.embedding[None, :]
    familiar = predict_with_photo_model(model, [photo], ("dress", "hat"), 1.0, torch.device("cpu"), same, 0.9)[0]
    assert familiar.familiarity == pytest.approx(1.0, abs=1e-5) and not familiar.unfamiliar
    other = np.roll(same, 7, axis=1) * -1.0  # a reference pointing elsewhere
    stranger = predict_with_photo_model(model, [photo], ("dress", "hat"), 1e-5, torch.device("cpu"), other, 0.9)[0]
    assert max(stranger.probabilities.values()) > 0.99  # confident at a low temperature...
    assert stranger.unfamiliar and stranger.unsure  # ...yet unsure: it looks like nothing it knows


def test_int8_unit_rows_keep_cosines_close():
    from shopdl_core.vision.search import dequantise_unit_rows, quantise_unit_rows

    rng = np.random.default_rng(0)
    rows = np.abs(rng.normal(size=(50, 1280))).astype(np.float32)  # ReLU6 features are non-negative
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    stored = quantise_unit_rows(rows)
    assert stored.dtype == np.int8
    exact, rounded = rows @ rows[:5].T, dequantise_unit_rows(stored) @ rows[:5].T
    assert np.abs(exact - rounded).max() < 0.01
