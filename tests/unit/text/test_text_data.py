import numpy as np
import pandas as pd
import pytest
import torch

from shopdl_core.errors import InputError
from shopdl_core.text.data import (contrast_examples, encode_texts, load_reviews, pad_batch, review_text,
                                   split_reviews, training_examples)
from shopdl_core.text.tokenize import PAD_ID, UNK_ID, Vocabulary


@pytest.mark.parametrize("title, body, expected", [
    ("Love it", "Soft and warm", "Love it. Soft and warm"),
    ("Love it!", "Soft", "Love it! Soft"),
    (float("nan"), "Soft", "Soft"),
    ("Just the title", float("nan"), "Just the title"),
    ("  ", float("nan"), ""),
])
def test_review_text_joins_title_and_body(title, body, expected):
    assert review_text(title, body) == expected


def _frame(n_pos=90, n_neg=30, n_mixed=7):
    ratings = [5] * (n_pos // 2) + [4] * (n_pos - n_pos // 2) + [1] * (n_neg // 2) + [2] * (n_neg - n_neg // 2) + [3] * n_mixed
    labels = [1 if r >= 4 else 0 if r <= 2 else -1 for r in ratings]
    return pd.DataFrame({"text": [f"review {i}" for i in range(len(ratings))],
                         "title": ["" if i % 2 else f"title {i}" for i in range(len(ratings))],
                         "rating": ratings, "label": labels})


def test_split_is_stratified_disjoint_and_keeps_3_star_apart():
    splits = split_reviews(_frame(), seed=1)
    assert (len(splits.train), len(splits.val), len(splits.test)) == (96, 12, 12)
    for part in (splits.train, splits.val, splits.test):
        assert part["label"].mean() == pytest.approx(0.75)  # same class share as the whole
    texts = [set(part["text"]) for part in (splits.train, splits.val, splits.test)]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2])
    assert len(splits.mixed) == 7 and set(splits.mixed["rating"]) == {3}


def test_split_is_fixed_by_its_seed():
    frame = _frame()
    assert split_reviews(frame, seed=3).test["text"].tolist() == split_reviews(frame, seed=3).test["text"].tolist()
    assert split_reviews(frame, seed=3).test["text"].tolist() != split_reviews(frame, seed=4).test["text"].tolist()


def test_training_examples_add_titles_and_one_sentence_per_longer_review():
    train = pd.DataFrame({
        "text": ["Love it. Soft and warm fabric! Fits well too.", "Bad.", "Too small for me. Sent it back today."],
        "title": ["Love it", "", "Too small"],
        "label": [1, 0, 0],
    })
    texts, labels = training_examples(train, with_sentences=False)
    assert texts == [*train["text"], "Love it", "Too small"] and labels.tolist() == [1, 0, 0, 1, 0]
    texts, labels = training_examples(train, seed=5)
    # One sentence of at least three words from each review with two or more such sentences.
    assert texts[5] in ("Soft and warm fabric!", "Fits well too.") and labels[5] == 1
    assert texts[6] in ("Too small for me.", "Sent it back today.") and labels[6] == 0
    assert len(texts) == 7 and training_examples(train, seed=5)[0] == texts


def test_encode_texts_cuts_to_max_tokens_and_pad_batch_pads():
    vocab = Vocabulary(["<pad>", "<unk>", "good", "!"])
    ids = encode_texts(["Good good good!", "meh", "\u200b"], vocab, max_tokens=3)
    assert ids == [[2, 2, 2], [UNK_ID], [UNK_ID]]
    padded, lengths = pad_batch([[2, 3], [2], [3, 2, 2]])
    assert padded.tolist() == [[2, 3, PAD_ID], [2, PAD_ID, PAD_ID], [3, 2, 2]]
    assert lengths.tolist() == [2, 1, 3] and padded.dtype == torch.int64


def test_load_reviews_labels_ratings_and_drops_rows_without_text(tmp_path):
    path = tmp_path / "reviews.csv.gz"
    pd.DataFrame({
        "Title": ["Great", None, "Meh", None, "Awful"],
        "Review Text": ["Fits well", "Soft", "Okay I guess", None, "Tore"],
        "Rating": [5, 4, 3, 1, 2],
    }).to_csv(path, index=False)
    frame = load_reviews(path)
    assert frame["text"].tolist() == ["Great. Fits well", "Soft", "Meh. Okay I guess", "Awful. Tore"]
    assert frame["label"].tolist() == [1, 1, -1, 0]
    assert frame["title"].tolist() == ["Great", "", "Meh", "Awful"]
    with pytest.raises(InputError, match="missing"):
        load_reviews(tmp_path / "nope.csv.gz")


def test_contrast_examples_take_the_label_of_the_clause_after_the_turn():
    train = pd.DataFrame({
        "title": ["Love it", "Fell apart", "Great", ""],
        "text": ["Love it. So soft and warm here.", "Fell apart. The seams ripped at once.",
                 "Great. Fits well and looks good.", "Awful thing and do not buy it ever."],
        "label": [1, 0, 1, 0],
    })
    texts, labels = contrast_examples(train, 1.0, seed=3)
    assert len(texts) == 4 and sorted(labels.tolist()) == [0, 0, 1, 1]
    positives = {"Love it", "So soft and warm here", "Great", "Fits well and looks good"}
    for text, label in zip(texts, labels):
        first, second = text.rstrip(".").split(", ", 1)
        turn, rest = second.split(" ", 1)
        assert turn in ("but", "however", "yet")
        # The clause after the turn comes from a review of the example's label, the one before
        # from a review of the other label.
        assert any(rest == p[0].lower() + p[1:] for p in positives) == bool(label)
        assert (first in positives) != bool(label)
    assert contrast_examples(train, 1.0, seed=3)[0] == texts  # seeded


def test_written_training_reviews_are_balanced_and_share_no_review_with_the_checks():
    import re

    from shopdl_core.text.ood import load_ood_reviews
    from shopdl_core.text.recipe import writers_examples
    from shopdl_core.text.written import load_written_reviews

    written = load_written_reviews()
    assert len(written) > 3000 and written["writer"].nunique() >= 7
    assert set(written["label"]) == {0, 1} and abs(written["label"].mean() - 0.5) < 0.02
    assert not written["text"].isna().any() and written["text"].is_unique
    words = lambda text: set(re.findall(r"[a-z']+", text.lower()))  # noqa: E731
    checks = [words(t) for split in ("all", "second-writer") for t in load_ood_reviews(split)["text"]]
    overlap = max(len(w & c) / len(w | c) for w in map(words, written["text"]) for c in checks)
    assert overlap < 0.6  # README of reviews_written: closer ones were removed
    texts, labels = writers_examples(2)
    assert texts == list(written["text"]) * 2 and list(labels) == list(written["label"]) * 2


def test_written_training_files_are_checked(tmp_path):
    from shopdl_core.errors import InputError
    from shopdl_core.text.written import load_written_reviews

    with pytest.raises(InputError, match="No written training reviews"):
        load_written_reviews(tmp_path)
    (tmp_path / "x.tsv").write_text("domain\tlabel\ttext\nphones\t1\tGreat.\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks the column"):
        load_written_reviews(tmp_path)
    (tmp_path / "x.tsv").write_text("domain\tlabel\tkind\ttext\nphones\t3\tplain\tGreat.\n", encoding="utf-8")
    with pytest.raises(InputError, match="0 .negative. or 1"):
        load_written_reviews(tmp_path)


def test_example_weights_balance_the_clothing_reviews_and_count_balanced_ones_once():
    from shopdl_core.text.recipe import example_weights

    labels = np.array([1] * 9 + [0] + [0, 1] * 5)
    balanced = np.array([False] * 10 + [True] * 10)
    weights = example_weights(labels, balanced)
    assert len(weights) == 20
    # Clothing classes weigh the same in all; the balanced examples keep weight 1 each, so their
    # negatives do not dilute the rare clothing negatives' weight.
    assert weights[:10][labels[:10] == 0].sum() == pytest.approx(weights[:10][labels[:10] == 1].sum())
    assert weights[9] == pytest.approx(5.0) and list(weights[10:]) == [1.0] * 10
    assert list(example_weights(labels[:10], balanced[:10])) == list(weights[:10])
