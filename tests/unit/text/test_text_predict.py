import pytest
import torch

from shopdl_core.checkpoints import save_checkpoint
from shopdl_core.errors import CheckpointError, InputError
from shopdl_core.registry import build_model
from shopdl_core.i18n import set_language
from shopdl_core.text.predict import MAX_TOKENS, ReviewScore, SentimentModel, load_sentiment_model, review_tokens
from shopdl_core.text.tokenize import Vocabulary

VOCAB = ["<pad>", "<unk>", "love", "it", "!", "hate", "not", "good", "."]


def _scorer(name="AttentionRNN"):
    torch.manual_seed(0)
    model = build_model(name, {"vocab_size": len(VOCAB), "embed_dim": 8, "hidden_dim": 6}).eval()
    return SentimentModel(name, model, Vocabulary(VOCAB), "cpu")


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("   \n\t", "empty"), ("\u200b\u200b", "no words"), (None, "must be text"),
])
def test_review_tokens_rejects_nothing_to_score(text, message):
    with pytest.raises(InputError, match=message):
        review_tokens(text)


def test_score_gives_label_probability_attention_and_unknown_share():
    score = _scorer().score("Love it!! Très bien 😍")
    assert score.tokens == ["love", "it", "!", "!", "très", "bien", "😍"]
    assert score.known == [True, True, True, True, False, False, False]
    assert score.unknown_share == pytest.approx(3 / 7) and not score.mostly_unknown
    assert 0.0 <= score.prob_positive <= 1.0
    assert score.label == ("positive" if score.prob_positive >= 0.5 else "negative")
    assert len(score.weights) == 7 and sum(score.weights) == pytest.approx(1.0, abs=1e-5)
    assert score.to_dict()["attention"] and score.truncated_from is None


def test_review_rnn_scores_have_no_attention():
    score = _scorer("ReviewRNN").score("not good.")
    assert score.weights is None and "attention" not in score.to_dict()


def test_long_review_is_cut_to_max_tokens_and_says_so():
    score = _scorer().score("love " * (MAX_TOKENS + 50))
    assert len(score.tokens) == MAX_TOKENS and len(score.weights) == MAX_TOKENS
    assert score.truncated_from == MAX_TOKENS + 50


def test_mostly_unknown_words_are_flagged():
    score = _scorer().score("这件衣服很好 сидит отлично")
    assert score.known_count == 0 and score.mostly_unknown


def test_far_from_training_counts_unseen_words_only_for_a_vocabulary_of_its_own():
    words = ["oh", "great", "another", "dress", "."]
    far = ReviewScore(tokens=words, known=[True] * 5, prob_positive=0.9, weights=None, truncated_from=None,
                      seen=[True, True, False, True, True])
    assert far.far_from_training == "25% of its words never occurred in the clothing reviews the model learnt from"
    near = ReviewScore(tokens=words, known=[True] * 5, prob_positive=0.9, weights=None, truncated_from=None,
                       seen=[True] * 5)
    assert near.far_from_training is None and not near.unsure
    # Word pieces (the multilingual model: no ``seen``) start with "▁", not a letter: before, such a
    # review counted as 100 % unseen words.
    pieces = ReviewScore(tokens=["▁Oh", "▁great", ","], known=[True] * 3, prob_positive=0.45, weights=None,
                         truncated_from=None)
    assert pieces.far_from_training is None and pieces.unsure  # P within 0.15 of 0.5: unsure, not far


def test_review_errors_in_chinese():
    set_language("zh")
    try:
        with pytest.raises(InputError, match="评论是空的"):
            review_tokens(" ")
    finally:
        set_language("en")


def test_score_many_keeps_input_order_and_names_an_empty_review():
    scorer = _scorer()
    texts = ["love it", "hate it . not good", "love"]
    many = scorer.score_many(texts, batch_size=2)
    for text, score in zip(texts, many):
        single = scorer.score(text)
        assert score.tokens == single.tokens
        assert score.prob_positive == pytest.approx(single.prob_positive, abs=1e-6)
    with pytest.raises(InputError, match="Review 2"):
        scorer.score_many(["love", " "])


def test_load_rejects_unknown_names_and_damaged_checkpoints(tmp_path):
    with pytest.raises(InputError, match="Unknown review model"):
        load_sentiment_model("BERT")
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="could not be read"):
        load_sentiment_model("AttentionRNN", path=broken)


def test_checkpoint_round_trip_and_vocabulary_mismatch(tmp_path):
    scorer = _scorer()
    config = {"vocab_size": len(VOCAB), "embed_dim": 8, "hidden_dim": 6}
    common = dict(kind="text", model_name="AttentionRNN", config=config, metrics={}, fingerprint="f")
    path = save_checkpoint(tmp_path / "ok.pt", scorer.model, extras={"vocab": VOCAB, "split_seed": 7}, **common)
    loaded = load_sentiment_model("AttentionRNN", path=path)
    assert loaded.split_seed == 7 and loaded.fingerprint == "f" and not loaded.model.training
    assert loaded.score("love it").prob_positive == pytest.approx(scorer.score("love it").prob_positive)
    bad = save_checkpoint(tmp_path / "bad.pt", scorer.model, extras={"vocab": VOCAB[:-1]}, **common)
    with pytest.raises(CheckpointError, match="vocabulary has 8 tokens"):
        load_sentiment_model("AttentionRNN", path=bad)
    with pytest.raises(CheckpointError, match="holds 'AttentionRNN'"):
        load_sentiment_model("ReviewRNN", path=path)
