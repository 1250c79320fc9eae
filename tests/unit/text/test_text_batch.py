import pandas as pd
import pytest
import torch

from shopdl_core.errors import InputError
from shopdl_core.text.batch import MAX_CSV_ROWS, read_review_csv, score_frame, text_columns
from shopdl_core.registry import build_model
from shopdl_core.text.predict import SentimentModel
from shopdl_core.text.tokenize import Vocabulary

CSV = "id,review,stars\n1,Love it!,5\n2,Très déçue,1\n3,,3\n"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("latin-1", "cp1252"),
])
def test_read_review_csv_in_other_encodings(encoding, expected):
    frame, used = read_review_csv(CSV.encode(encoding))
    assert used == expected
    assert frame["review"].tolist() == ["Love it!", "Très déçue", ""]


def test_read_review_csv_sniffs_semicolons():
    frame, _ = read_review_csv("review;stars\nNice;5\n".encode())
    assert frame.columns.tolist() == ["review", "stars"]


@pytest.mark.parametrize("data, message", [
    (b"", "empty"), (b"  \n", "empty"), (b"review\n", "no rows"),
    (("review\n" + "ok\n" * (MAX_CSV_ROWS + 1)).encode(), "up to"),
])
def test_read_review_csv_rejects_unusable_files(data, message):
    with pytest.raises(InputError, match=message):
        read_review_csv(data)


def test_text_columns_prefers_longer_text_and_rejects_numbers_only():
    frame = pd.DataFrame({"id": ["1", "2"], "title": ["Good", "Bad"], "body": ["Lovely soft dress", "Tore at once"]})
    assert text_columns(frame) == ["body", "title"]
    with pytest.raises(InputError, match="No column of the CSV holds text"):
        text_columns(pd.DataFrame({"id": ["1", "2"], "stars": ["5", ""]}))


def test_score_frame_scores_filled_cells_and_notes_empty_ones():
    torch.manual_seed(0)
    vocab = ["<pad>", "<unk>", "love", "it", "!"]
    model = build_model("AttentionRNN", {"vocab_size": len(vocab), "embed_dim": 4, "hidden_dim": 3}).eval()
    scorer = SentimentModel("AttentionRNN", model, Vocabulary(vocab), "cpu")
    frame, _ = read_review_csv((CSV + "4,\u200b,2\n5,love it zzz qqq,4\n").encode())
    progress = []
    scored = score_frame(scorer, frame, "review", on_progress=lambda done, total: progress.append((done, total)))
    assert scored["id"].tolist() == ["1", "2", "3", "4", "5"]
    assert scored["sentiment"].tolist()[2:4] == ["", ""]
    assert set(scored["sentiment"][[0, 1, 4]]) <= {"positive", "negative"}
    assert scored["prob_positive"][[0, 1, 4]].between(0, 1).all() and scored["prob_positive"][2:4].isna().all()
    notes = [note.split("; ") for note in scored["note"]]
    # An untrained model is unsure of everything (P near 0.5); "Très déçue" is a guess, nothing more.
    assert notes[:4] == [["unsure: P(positive) is close to 0.5"], ["mostly unknown words: a guess"],
                         ["empty cell: not scored"], ["empty cell: not scored"]]
    assert notes[4][0] == "50% of its words never occurred in the clothing reviews the model learnt from"
    assert progress[-1] == (3, 3)
    with pytest.raises(InputError, match="no column 'text'"):
        score_frame(scorer, frame, "text")


def test_a_files_own_result_named_columns_are_kept_renamed_and_shown_apart():
    from shopdl_core.ui.text import scored_table

    torch.manual_seed(0)
    vocab = ["<pad>", "<unk>", "love", "it"]
    model = build_model("AttentionRNN", {"vocab_size": len(vocab), "embed_dim": 4, "hidden_dim": 3}).eval()
    scorer = SentimentModel("AttentionRNN", model, Vocabulary(vocab), "cpu")
    frame = pd.DataFrame({"review": ["love it", "it"], "sentiment": ["pos", "neg"], "Sentiment": ["5", "1"]})
    scored = score_frame(scorer, frame, "review")
    assert scored["sentiment (file)"].tolist() == ["pos", "neg"]  # the labels the file came with
    assert set(scored["sentiment"]) <= {"positive", "negative"}
    shown, _ = scored_table(scored, unknown_words=True)
    assert shown.columns.is_unique  # st.dataframe refuses duplicate names (a traceback on the page)
    assert {"Sentiment (in the file)", "Sentiment", "sentiment (file)"} <= set(shown.columns)
