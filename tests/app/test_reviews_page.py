"""AppTest of app_pages/reviews.py: examples, highlighting, escaping, bad input, CSV batch mode."""

import json

import pytest

from shopdl_core.text.predict import MAX_TOKENS
from tests.conftest import open_app

PAGE = "app_pages/reviews.py"


@pytest.fixture(scope="module")
def page():
    # One app per module: the first run loads the three models; later tests set widgets and rerun.
    return open_app(PAGE)


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def _type(at, text):
    at.text_area(key="review_text").set_value(text)
    at.run()
    assert not at.exception
    return at


def test_default_review_gets_a_label_a_bar_and_a_highlight(page):
    assert not page.exception and not page.error
    text = _markdown(page)
    assert "👍 positive" in text
    assert text.count("rgba(194, 65, 12,") > 10  # attention shading on the words
    assert "low attention" in text  # the attention legend
    assert "pushed towards positive" in text  # the word-attribution legend
    assert text.count("rgba(21, 128, 61,") > 5  # words that pushed the multilingual model up
    assert len(page.get("progress")) == 3  # one probability bar per model


def test_clicking_the_negative_example_scores_it_negative(page):
    page.button(key="example_negative").click().run()
    assert not page.exception
    assert page.text_area(key="review_text").value.startswith("Very disappointed")
    assert _markdown(page).count("👎 negative") == 3  # the three models agree


def test_script_and_img_tags_are_escaped_never_rendered(page):
    _type(page, 'Nice dress <script>alert("x")</script> <img src=x onerror=alert(1)>')
    text = _markdown(page)
    assert "<script" not in text and "<img" not in text
    assert "&lt;</span> <span" in text and ">script</span>" in text
    assert ">onerror</span>" in text and "&quot;" in text


def test_a_rerun_reuses_the_word_attribution_instead_of_scoring_each_word_again(page, monkeypatch):
    from shopdl_core.text.encoder.sentiment import MultilingualSentiment
    calls = []
    attribute = MultilingualSentiment.attribute
    monkeypatch.setattr(MultilingualSentiment, "attribute", lambda self, text: calls.append(text) or attribute(self, text))
    _type(page, "The zip of this rerun-test jacket broke on the second day.")
    page.run()  # a rerun with the same review, as after a click elsewhere or a language switch
    assert not page.exception
    assert calls == ["The zip of this rerun-test jacket broke on the second day."]
    assert "pushed towards negative" in _markdown(page)


@pytest.mark.parametrize("blank", ["", "   \n  "])
def test_empty_text_shows_an_error(page, blank):
    _type(page, blank)
    assert any("empty" in e.value for e in page.error)


def test_very_long_text_is_cut_with_a_message(page):
    _type(page, "Lovely soft dress. " * 200)
    assert any(f"the first {MAX_TOKENS}" in i.value for i in page.info)


def test_emoji_and_non_latin_text_says_how_many_words_it_knew(page):
    _type(page, "отличное платье 😍😍")
    warning = " ".join(w.value for w in page.warning)
    assert "English shop reviews" in warning and "knew only 0 of" in warning


def test_a_chinese_review_is_scored_and_highlighted_and_the_rnns_abstain(page):
    page.button(key="example_差评").click().run()
    assert not page.exception and not page.error
    text = _markdown(page)
    assert text.count("👎 negative") == 1  # only the multilingual model gives a verdict
    assert len(page.get("progress")) == 1
    assert sum("reads English only" in i.value for i in page.info) == 2  # each RNN card says so
    assert "rgba(194, 65, 12," in text  # shaded towards negative
    assert ">破" in text  # the review's words, each a span of the attribution
    assert "Language read: Chinese" in " ".join(c.value for c in page.caption)


def test_a_typed_chinese_review_gets_a_positive_verdict(page):
    _type(page, "质量很好，物流也快，非常满意")
    assert "👍 positive" in _markdown(page)


RAW_COLUMNS = {"language", "sentiment", "prob_positive", "unknown_share", "note", "far_from_training"}


def test_csv_batch_scores_rows_and_offers_a_download(page):
    _type(page, "Love it!")
    csv = "id,comment,stars\n1,Love it! Fits perfectly.,5\n2,Cheap and it tore after one wash.,1\n3,,3\n"
    page.file_uploader(key="review_csv").upload("reviews.csv", csv.encode("utf-16"), "text/csv")
    page.run()
    assert not page.exception and not page.error
    assert any(c.value == "3 row(s), read as UTF-16." for c in page.caption)
    assert page.selectbox(key="review_column").value == "comment"
    page.button(key="score_csv").click().run()
    assert not page.exception
    table = page.dataframe[0].value
    assert table["Sentiment"].tolist() == ["positive", "negative", "–"]  # a dash: the row has no text
    assert table["Notes"].tolist()[2] == "empty cell: not scored"
    assert table["P(positive)"].isna().tolist() == [False, False, True]  # an empty bar, not "None"
    assert not RAW_COLUMNS & set(table.columns)  # plain headers, not the scored file's field names
    assert any("were not scored" in w.value for w in page.warning)
    assert page.text_area(key="review_text").value == "Love it!"  # the typed review is kept


def test_csv_chart_counts_reviews_in_whole_numbers(page):
    csv = "comment\nLove it! Fits perfectly.\nCheap and it tore after one wash.\n\n"
    page.file_uploader(key="review_csv").upload("chart.csv", csv.encode(), "text/csv")
    page.run()
    page.button(key="score_csv").click().run()
    assert not page.exception
    spec = json.loads(page.get("vega_lite_chart")[0].proto.spec)
    x = spec["encoding"]["x"]
    assert x["axis"]["tickMinStep"] == 1 and x["axis"]["format"] == "d"  # no 0.1 ... 3.0 axis
    assert spec["encoding"]["color"]["scale"]["domain"] == ["positive", "negative", "not scored"]


def test_a_utf8_csv_with_a_byte_order_mark_says_utf8(page):
    page.file_uploader(key="review_csv").upload("bom.csv", "review\nSoft and warm.\n".encode("utf-8-sig"),
                                                "text/csv")
    page.run()
    assert any(c.value == "1 row(s), read as UTF-8." for c in page.caption)


def test_csv_without_a_text_column_gets_a_message_and_keeps_the_review():
    at = open_app(PAGE)
    _type(at, "Great coat, warm and stylish.")
    at.file_uploader(key="review_csv").upload("numbers.csv", b"id,stars\n1,5\n2,1\n", "text/csv")
    at.run()
    assert not at.exception
    assert any("No column of the CSV holds text" in e.value for e in at.error)
    assert "👍 positive" in _markdown(at)


def test_a_review_of_something_else_is_flagged_next_to_its_score(page):
    _type(page, "The waiter was rude and the soup was cold, we left hungry.")
    text = _markdown(page)
    assert text.count("Unlike the reviews it learnt from") == 2  # next to each recurrent model's score
    assert "never occurred in the clothing reviews" in text
    assert "underline dashed" in text  # words read through their pretrained vectors


@pytest.mark.parametrize("example", ["positive", "negative", "mixed", "sarcastic"])
def test_an_ordinary_clothing_review_is_not_flagged(page, example):
    # Before, "Far from the training reviews" also stood for "P(positive) near 0.5", and the
    # multilingual model's word pieces counted as unseen words (docs/i18n-reviews.md).
    page.button(key=f"example_{example}").click().run()
    assert "Unlike the reviews it learnt from" not in _markdown(page)
