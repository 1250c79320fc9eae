"""The auxiliary loss: valence read from projected pretrained vectors, fitted to a lexicon."""

import pytest
import torch

from shopdl_core.registry import build_model
from shopdl_core.text.train import LexiconTargets, auxiliary_loss


def _model_with_vectors(vectors: torch.Tensor):
    torch.manual_seed(0)
    model = build_model("AttentionRNN", {"vocab_size": len(vectors), "embed_dim": 6, "hidden_dim": 3,
                                         "domain_size": 2, "vector_dim": vectors.shape[1]})
    model.embedding.set_word_knowledge(vectors, None)
    return model


def test_auxiliary_loss_is_the_mean_squared_error_of_the_valence_head():
    vectors = torch.randn(10, 3)
    model = _model_with_vectors(vectors)
    lexicon = LexiconTargets(torch.tensor([3, 5, 8]), torch.tensor([0.5, -0.25, 1.0]))
    encoder = model.embedding
    with torch.no_grad():
        predicted = encoder.valence_head(encoder.projection(vectors.half().float()[[3, 5, 8]])).squeeze(-1)
        expected = ((predicted - lexicon.valences) ** 2).mean()
        assert auxiliary_loss(model, lexicon, torch.arange(3)).item() == pytest.approx(expected.item(), rel=1e-6)
        # Only the rows named in the batch count.
        assert auxiliary_loss(model, lexicon, torch.tensor([1])).item() == pytest.approx(
            ((predicted[1] - lexicon.valences[1]) ** 2).item(), rel=1e-6)


def test_it_trains_only_the_projection_and_its_head_and_carries_polarity_to_unseen_words():
    # Toy "pretrained" vectors whose first coordinate carries polarity, as GloVe's geometry does
    # for opinion words; 40 of them are in the lexicon, 40 never are.
    generator = torch.Generator().manual_seed(1)
    vectors = torch.randn(82, 4, generator=generator)
    vectors[:2] = 0.0
    polarity = torch.tanh(vectors[:, 0])
    model = _model_with_vectors(vectors)
    lexicon = LexiconTargets(torch.arange(2, 42), polarity[2:42])
    optimiser = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(150):
        optimiser.zero_grad()
        auxiliary_loss(model, lexicon, torch.arange(40)).backward()
        assert model.embedding.domain.weight.grad is None or not model.embedding.domain.weight.grad.any()
        assert model.rnn.weight_ih_l0.grad is None
        optimiser.step()
    encoder = model.embedding
    with torch.no_grad():
        unseen = encoder.valence_head(encoder.projected(torch.arange(42, 82))).squeeze(-1)
    agreement = (torch.sign(unseen) == torch.sign(polarity[42:82])).float().mean().item()
    assert agreement >= 0.9
