import pytest
import torch

from shopdl_core.text.data import pad_batch
from shopdl_core.text.model import AttentionRNN, AttentionRNNConfig, ReviewRNN, ReviewRNNConfig, build_model
from shopdl_core.text.tokenize import PAD_ID

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
