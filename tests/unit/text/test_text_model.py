import pytest
import torch

from shopdl_core.text.data import pad_batch
from shopdl_core.registry import build_model
from shopdl_core.text.model import (AttentionRNN, AttentionRNNConfig, ReviewRNN, ReviewRNNConfig,
                                    negation_scope)
from shopdl_core.text.tokenize import PAD, PAD_ID, UNK, Vocabulary, tokenize

CELLS = ("rnn", "gru", "lstm")


def _tiny(model_class, config_class, cell):
    torch.manual_seed(0)
    return model_class(config_class(vocab_size=30, embed_dim=8, hidden_dim=6, cell=cell)).eval()


@pytest.mark.parametrize("cell", CELLS)
def test_review_rnn_output_does_not_change_when_a_review_is_padded(cell):
    model = _tiny(ReviewRNN, ReviewRNNConfig, cell)
    review = [5, 9, 2, 17]
    alone = model(torch.tensor([review]), torch.tensor([4]))
    # The same review padded to 10 steps, in a batch beside a longer one.
    ids, lengths = pad_batch([review, list(range(2, 12))])
    batched = model(ids, lengths)
    padded = model(torch.tensor([review + [PAD_ID] * 6]), torch.tensor([4]))
    torch.testing.assert_close(batched[0], alone[0])
    torch.testing.assert_close(padded, alone)


@pytest.mark.parametrize("cell", CELLS)
def test_review_rnn_reads_to_the_last_real_token(cell):
    model = _tiny(ReviewRNN, ReviewRNNConfig, cell)
    short = model(torch.tensor([[5, 9, PAD_ID]]), torch.tensor([2]))
    longer = model(torch.tensor([[5, 9, 4]]), torch.tensor([3]))
    assert not torch.allclose(short, longer)


@pytest.mark.parametrize("cell", CELLS)
def test_attention_gives_padding_zero_weight_and_sums_to_one(cell):
    model = _tiny(AttentionRNN, AttentionRNNConfig, cell)
    ids, lengths = pad_batch([[3, 4, 5], [6, 7, 8, 9, 10, 11], [12]])
    logits, weights = model(ids, lengths)
    assert logits.shape == (3, 2) and weights.shape == (3, 6)
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(3))
    for row, length in enumerate(lengths.tolist()):
        assert torch.all(weights[row, length:] == 0)
        assert torch.all(weights[row, :length] > 0)
    assert weights[2, 0].item() == pytest.approx(1.0)


def test_attention_output_does_not_change_when_a_review_is_padded():
    model = _tiny(AttentionRNN, AttentionRNNConfig, "gru")
    alone_logits, alone_weights = model(torch.tensor([[3, 4, 5]]), torch.tensor([3]))
    logits, weights = model(torch.tensor([[3, 4, 5, PAD_ID, PAD_ID]]), torch.tensor([3]))
    torch.testing.assert_close(logits, alone_logits)
    torch.testing.assert_close(weights[:, :3], alone_weights)


def test_forward_stores_nothing_on_the_module():
    model = _tiny(AttentionRNN, AttentionRNNConfig, "gru")
    before = set(vars(model)) | {name for name, _ in model.named_buffers()}
    model(torch.tensor([[3, 4]]), torch.tensor([2]))
    assert set(vars(model)) | {name for name, _ in model.named_buffers()} == before


def test_build_model_from_a_config_dict_and_reject_an_unknown_cell():
    model = build_model("AttentionRNN", {"vocab_size": 30, "embed_dim": 8, "hidden_dim": 6, "cell": "lstm"})
    assert isinstance(model, AttentionRNN) and isinstance(model.rnn, torch.nn.LSTM) and model.rnn.bidirectional
    with pytest.raises(ValueError, match="cell must be one of"):
        build_model("ReviewRNN", {"vocab_size": 30, "cell": "transformer"})


def _encoder_model(**options):
    torch.manual_seed(0)
    config = {"vocab_size": 12, "embed_dim": 4, "hidden_dim": 3, "domain_size": 6, "vector_dim": 2, **options}
    model = build_model("AttentionRNN", config)
    vectors = torch.randn(12, 2)
    vectors[:2] = 0.0  # padding and <unk> have no pretrained vector
    model.embedding.set_word_knowledge(vectors, torch.linspace(-1, 1, 12) if options.get("valence") else None)
    return model.eval()


def test_words_beyond_the_domain_are_read_through_their_vector_alone():
    model = _encoder_model(valence=True)
    encoder = model.embedding
    with torch.no_grad():
        encoder.domain.weight.normal_()  # as after training
        ids = torch.tensor([[2, 7, 11]])
        embedded = encoder(ids)
        glove_part = encoder.projection(encoder.vectors[ids].float())
        valence_part = encoder.valence_weight(encoder.valences[ids].unsqueeze(-1))
    # Id 2 is a review word (its trainable row counts); 7 and 11 came from GloVe (no row).
    torch.testing.assert_close(embedded[0, 0], encoder.domain.weight[2] + glove_part[0, 0] + valence_part[0, 0])
    torch.testing.assert_close(embedded[0, 1:], glove_part[0, 1:] + valence_part[0, 1:])
    assert encoder.vectors.dtype == torch.float16  # stored at half size in the checkpoint


def test_the_padding_row_stays_zero_in_the_domain_embedding():
    model = _encoder_model()
    embedded = model.embedding(torch.tensor([[0]]))
    torch.testing.assert_close(embedded[0, 0], model.embedding.projection.bias)  # zero vector -> bias


def _scope(text):
    tokens = tokenize(text)
    vocab = Vocabulary([PAD, UNK, *dict.fromkeys(tokens)])
    roles = torch.tensor(vocab.negation_roles())[torch.tensor([vocab.encode(tokens)])]
    return [t for t, inside in zip(tokens, negation_scope(roles)[0].tolist()) if inside]


def test_negation_scope_runs_from_a_negator_to_the_next_clause_mark_or_turn():
    assert _scope("No bugs, no clutter, it just works.") == ["bugs", "clutter"]
    assert _scope("Not a single crash since I bought it") == ["a", "single", "crash", "since", "i", "bought", "it"]
    assert _scope("It isn't cheap but it is worth it") == ["cheap"]  # "is" "not" "cheap", then the turn
    assert _scope("Lovely and soft.") == []
    # A batch: the scope of one review never leaks into the next row.
    roles = torch.tensor([[1, 0, 0], [0, 0, 0]], dtype=torch.int8)
    assert negation_scope(roles).tolist() == [[False, True, True], [False, False, False]]


def test_valence_is_reversed_inside_a_negation_scope():
    model = _encoder_model(valence=True, negation=True)
    encoder = model.embedding
    roles = torch.zeros(12, dtype=torch.int8)
    roles[3] = 1  # id 3 is a negator
    encoder.set_word_knowledge(None, None, roles)
    with torch.no_grad():
        encoder.valence_weight.weight.fill_(1.0)
        encoder.scope_vector.zero_()
        plain = encoder(torch.tensor([[9]]))[0, 0]
        negated = encoder(torch.tensor([[3, 9]]))[0, 1]
        without_valence = plain - encoder.valences[9]
    torch.testing.assert_close(negated, without_valence - encoder.valences[9])


def _word_config(**extra):
    return dict(vocab_size=30, embed_dim=8, hidden_dim=6, attention_dim=5, domain_size=20, vector_dim=4,
                valence=True, negation=True, **extra)


def test_stored_configs_may_name_retired_options_at_the_product_value():
    from shopdl_core.errors import CheckpointError
    from shopdl_core.text.model import RETIRED_OPTIONS

    # The shipped checkpoints store domain_dropout 0.0 and final_states False (experiments/README.md).
    model = build_model("AttentionRNN", _word_config(**RETIRED_OPTIONS))
    assert isinstance(model, AttentionRNN) and "final_states" not in model.config.to_dict()
    assert isinstance(build_model("ReviewRNN", {"vocab_size": 30, "layers": 1, "members": 1}), ReviewRNN)
    with pytest.raises(CheckpointError, match="layers=2"):
        build_model("ReviewRNN", {"vocab_size": 30, "layers": 2})
