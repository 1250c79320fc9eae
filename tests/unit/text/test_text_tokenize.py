import pytest

from shopdl_core.text.tokenize import PAD, PAD_ID, UNK, UNK_ID, Vocabulary, tokenize


@pytest.mark.parametrize("text, expected", [
    ("Love it!", ["love", "it", "!"]),
    ("Is it real?", ["is", "it", "real", "?"]),
    ("I didn't like it", ["i", "did", "not", "like", "it"]),
    ("I didn\u2019t like it", ["i", "did", "not", "like", "it"]),  # typographic apostrophe
    ("It won't last, I can't wear it", ["it", "will", "not", "last", ",", "i", "can", "not", "wear", "it"]),
    ("cannot recommend", ["can", "not", "recommend"]),
    ("dont want", ["do", "not", "want"]),  # typed without the apostrophe
    ("It's great. I'm happy", ["it", "'s", "great", ".", "i", "'m", "happy"]),
    ("Sooooo GOOD!!!!", ["soo", "good", "!", "!"]),
    ("size 10 fits", ["size", "10", "fits"]),
])
def test_tokenize_keeps_sentiment_marks_and_negations(text, expected):
    assert tokenize(text) == expected


def test_tokenize_keeps_emoji_non_latin_and_tag_characters_as_tokens():
    assert tokenize("Très bien 😍 好") == ["très", "bien", "😍", "好"]
    assert tokenize("<b>ok</b>") == ["<", "b", ">", "ok", "<", "/", "b", ">"]


def test_tokenize_drops_invisible_characters_and_whitespace():
    assert tokenize("  \n\t ") == []
    assert tokenize("\u200b\ufeff") == []
    assert tokenize("nice\u200bdress") == ["nice", "dress"]


def test_vocabulary_keeps_frequent_tokens_in_a_stable_order():
    texts = [["good", "dress", "!"], ["good", "fit"], ["good", "dress"], ["rare"]]
    vocab = Vocabulary.build(texts, min_freq=2)
    assert vocab.itos == [PAD, UNK, "good", "dress"]
    assert vocab.stoi[PAD] == PAD_ID and vocab.stoi[UNK] == UNK_ID
    assert vocab.encode(["good", "rare", "dress", "never-seen"]) == [2, UNK_ID, 3, UNK_ID]


def test_vocabulary_breaks_frequency_ties_alphabetically_and_caps_its_size():
    texts = [["b", "a", "c"], ["c", "b", "a"]]
    assert Vocabulary.build(texts, min_freq=1).itos[2:] == ["a", "b", "c"]
    assert len(Vocabulary.build(texts, min_freq=1, max_size=4)) == 4


@pytest.mark.parametrize("tokens", [["good", PAD, UNK], [PAD, UNK, "a", "a"]])
def test_vocabulary_rejects_a_malformed_token_list(tokens):
    with pytest.raises(ValueError):
        Vocabulary(tokens)
