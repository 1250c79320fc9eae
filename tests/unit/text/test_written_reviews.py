"""The written review sets (English and Chinese) and their one loader."""

import pytest

from shopdl_core.errors import InputError
from shopdl_core.text.written import KINDS, bigram_share, load_written_reviews, near_copies, written_dir


def test_chinese_training_and_heldout_sets_are_balanced_and_in_several_hands():
    train = load_written_reviews(written_dir("zh"))
    heldout = load_written_reviews(written_dir("zh-heldout"))
    for frame, writers, per_writer in ((train, 4, 150), (heldout, 2, 150)):
        assert list(frame.columns[:4]) == ["domain", "label", "kind", "text"] and "topic" in frame
        assert frame["writer"].nunique() >= writers
        assert (frame.groupby("writer").size() >= per_writer).all()
        assert (frame.groupby("writer")["label"].mean() - 0.5).abs().max() < 0.03
        assert set(frame["kind"]) == set(KINDS) and set(frame["domain"]) == {"clothing", "other"}
        assert (frame.loc[frame["kind"] == "sarcasm", "label"] == 0).all()  # sarcasm: praise that means no
        assert frame["text"].is_unique
    assert not set(train["writer"]) & set(heldout["writer"])
    # The held-out set measures a stranger's hand: no review there is a near-copy of a training one.
    assert near_copies(list(heldout["text"]), list(train["text"])) == []


def test_the_english_set_reads_through_the_same_loader():
    english = load_written_reviews(written_dir("en"))
    assert list(english.columns) == ["domain", "label", "kind", "text", "writer"]
    assert set(english["kind"]) == set(KINDS)


def test_bigram_share_is_taken_of_the_shorter_text():
    # "不掉色" has the bigrams 不掉, 掉色; both are in the longer review; punctuation is ignored.
    assert bigram_share("不掉色", "洗了不掉色，不起球") == 1.0
    assert bigram_share("好看", "难吃") == 0.0
    assert bigram_share("Great fit", "great fit!") == 1.0
    assert near_copies(["物流很快", "颜色好看"], ["颜色很好看", "物流快"]) == [(1, 0)]


def test_bad_written_files_and_set_names_are_refused(tmp_path):
    with pytest.raises(InputError, match="must be one of"):
        written_dir("fr")
    header = "domain\tlabel\tkind\ttext\n"
    (tmp_path / "w.tsv").write_text(header + "other\t1\tirony\t好\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown kind"):
        load_written_reviews(tmp_path)
    (tmp_path / "w.tsv").write_text(header + "other\t1\tplain\t \n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a text"):
        load_written_reviews(tmp_path)
