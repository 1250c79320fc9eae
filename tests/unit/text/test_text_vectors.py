"""Pretrained vectors and lexicon valences: vocabulary extension and row lookup."""

import numpy as np
import pytest

from shopdl_core.text.tokenize import PAD, UNK, Vocabulary
from shopdl_core.text.vectors import (VADER_SCALE, WordVectors, extended_vocabulary, lexicon_examples,
                                      lookup_valence, lookup_vectors)

GLOVE = WordVectors(["the", "good", "rude", ",", "dress", "waiter", "delicious"],
                    np.arange(14, dtype=np.float32).reshape(7, 2) + 1.0)
LEXICON = {"good": 1.9, "rude": -2.0, "delicious": 2.7, "nope-not-in-glove": -1.0}
DOMAIN = Vocabulary([PAD, UNK, "dress", "good", "lbs"])


def test_known_words_get_their_vector_and_unknown_ones_the_zero_unk_row():
    vocab = extended_vocabulary(DOMAIN, GLOVE, LEXICON, extra_words=10)
    table = lookup_vectors(vocab, GLOVE)
    assert table.shape == (len(vocab), 2)
    np.testing.assert_array_equal(table[vocab.stoi["good"]], GLOVE.matrix[1])
    np.testing.assert_array_equal(table[vocab.stoi["rude"]], GLOVE.matrix[2])
    unseen = vocab.encode(["cockroach"])[0]
    assert unseen == vocab.stoi[UNK]
    np.testing.assert_array_equal(table[unseen], 0.0)
    np.testing.assert_array_equal(table[vocab.stoi[PAD]], 0.0)
    np.testing.assert_array_equal(table[vocab.stoi["lbs"]], 0.0)  # a review word GloVe lacks


def test_the_extension_keeps_domain_ids_then_adds_lexicon_and_frequent_words():
    vocab = extended_vocabulary(DOMAIN, GLOVE, LEXICON, extra_words=2)
    assert vocab.itos[:len(DOMAIN)] == DOMAIN.itos  # ids of the review words do not move
    added = vocab.itos[len(DOMAIN):]
    # Lexicon words with a vector first (sorted), then the 2 most frequent alphabetic GloVe words.
    assert added == ["delicious", "rude", "the", "waiter"]
    assert "nope-not-in-glove" not in vocab.stoi and "," not in added


def test_valence_is_the_lexicon_value_scaled_and_zero_elsewhere():
    vocab = extended_vocabulary(DOMAIN, GLOVE, LEXICON, extra_words=0)
    valence = lookup_valence(vocab, LEXICON)
    assert valence[vocab.stoi["rude"]] == pytest.approx(-2.0 / VADER_SCALE)
    assert valence[vocab.stoi["delicious"]] == pytest.approx(2.7 / VADER_SCALE)
    assert valence[vocab.stoi["dress"]] == 0.0 and valence[vocab.stoi[UNK]] == 0.0


def test_lexicon_examples_are_each_word_alone_and_negated_with_the_label_reversed():
    vocab = Vocabulary([PAD, UNK, "good", "rude", "meh"])
    texts, labels = lexicon_examples({"good": 1.9, "rude": -2.0, "meh": 0.4, "absent": 3.0}, vocab)
    assert dict(zip(texts, labels.tolist())) == {"good": 1, "rude": 0, "not good": 0, "not rude": 1}
