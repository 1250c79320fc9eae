import pytest
import torch

from shopdl_core.text.data import pad_batch
from shopdl_core.text.model import (AttentionRNN, AttentionRNNConfig, ReviewRNN, ReviewRNNConfig, build_model,
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


def test_an_ensemble_averages_its_members_logits_and_attention():
    torch.manual_seed(0)
    ensemble = build_model("AttentionRNN", _word_config(members=3)).eval()
    assert type(ensemble).__name__ == "Ensemble" and len(ensemble.members) == 3
    ids, lengths = pad_batch([[5, 9, 2, 17], [3, 4]])
    logits, weights = ensemble(ids, lengths)
    outputs = [member(ids, lengths) for member in ensemble.members]
    torch.testing.assert_close(logits, torch.stack([o[0] for o in outputs]).mean(0))
    torch.testing.assert_close(weights, torch.stack([o[1] for o in outputs]).mean(0))
    torch.testing.assert_close(weights.sum(1), torch.ones(2))
    assert weights[1, 2:].abs().sum() == 0  # padding still has no weight
    # The members differ (their own initial weights), so the mean is not any one of them.
    assert not torch.allclose(outputs[0][0], outputs[1][0])


def test_ensemble_members_share_their_frozen_word_tables_in_the_checkpoint(tmp_path):
    from shopdl_core.checkpoints import load_checkpoint, restore_model, save_checkpoint

    torch.manual_seed(0)
    ensemble = build_model("AttentionRNN", _word_config(members=2))
    ensemble.embedding.set_word_knowledge(torch.randn(30, 4), torch.rand(30) - 0.5, torch.zeros(30))
    tables = [member.embedding.vectors for member in ensemble.members]
    assert tables[0].data_ptr() == tables[1].data_ptr()  # one tensor, filled once for both
    path = save_checkpoint(tmp_path / "ensemble.pt", ensemble, kind="text", model_name="AttentionRNN",
                           config=_word_config(members=2), metrics={}, fingerprint="x")
    checkpoint = load_checkpoint(path, kind="text")
    stored = checkpoint.state_dict
    assert stored["members.0.embedding.vectors"].data_ptr() == stored["members.1.embedding.vectors"].data_ptr()
    restored = restore_model(checkpoint, lambda cfg: build_model("AttentionRNN", cfg))
    ids, lengths = pad_batch([[5, 9, 25, 17]])
    ensemble.eval()
    torch.testing.assert_close(restored(ids, lengths)[0], ensemble(ids, lengths)[0])


def test_a_single_member_config_builds_the_plain_network():
    assert isinstance(build_model("AttentionRNN", _word_config(members=1)), AttentionRNN)
    assert isinstance(build_model("ReviewRNN", {"vocab_size": 30, "members": 1}), ReviewRNN)


def test_domain_dropout_reads_words_through_their_vectors_alone_in_training_only():
    from shopdl_core.text.model import AttentionRNNConfig as Config, WordEncoder

    torch.manual_seed(0)
    encoder = WordEncoder(Config(**{**_word_config(), "domain_dropout": 1.0}))
    encoder.set_word_knowledge(torch.randn(30, 4), torch.rand(30) - 0.5, torch.zeros(30))
    torch.nn.init.normal_(encoder.domain.weight)  # trained rows are not zero
    ids = torch.tensor([[3, 7, 25]])  # two clothing words and one from the vectors only
    without_rows = WordEncoder(Config(**_word_config()))
    without_rows.load_state_dict(encoder.state_dict())
    torch.nn.init.zeros_(without_rows.domain.weight)
    encoder.train()
    torch.testing.assert_close(encoder(ids), without_rows(ids))  # every row dropped
    encoder.eval()
    assert not torch.allclose(encoder(ids)[0, :2], without_rows(ids)[0, :2])  # rows used at inference
    torch.testing.assert_close(encoder(ids)[0, 2], without_rows(ids)[0, 2])


@pytest.mark.parametrize("cell", CELLS)
def test_attention_with_final_states_reads_each_review_to_its_own_end(cell):
    torch.manual_seed(0)
    model = AttentionRNN(AttentionRNNConfig(vocab_size=30, embed_dim=8, hidden_dim=6, cell=cell,
                                            final_states=True)).eval()
    assert model.classifier.in_features == 4 * 6  # attention summary + two final states
    alone, _ = model(torch.tensor([[3, 4, 5]]), torch.tensor([3]))
    ids, lengths = pad_batch([[3, 4, 5], [6, 7, 8, 9, 10, 11]])
    torch.testing.assert_close(model(ids, lengths)[0][0], alone[0])
    # The forward state after "3 4" differs from the one after "3 4 5".
    assert not torch.allclose(model(torch.tensor([[3, 4, 5]]), torch.tensor([2]))[0], alone)


@pytest.mark.parametrize("model_name", ["ReviewRNN", "AttentionRNN"])
def test_stacked_layers_keep_padding_out(model_name):
    torch.manual_seed(0)
    model = build_model(model_name, {"vocab_size": 30, "embed_dim": 8, "hidden_dim": 6, "layers": 2}).eval()
    assert model.rnn.num_layers == 2
    alone = model(torch.tensor([[3, 4, 5]]), torch.tensor([3]))
    ids, lengths = pad_batch([[3, 4, 5], [6, 7, 8, 9, 10, 11]])
    batched = model(ids, lengths)
    alone, batched = (alone[0], batched[0]) if isinstance(alone, tuple) else (alone, batched)
    torch.testing.assert_close(batched[0], alone[0])
