import numpy as np
import pytest

from shopdl_core.errors import InputError
from shopdl_core.recsys.collaborative import UserKNN

# Shoppers A, B, C, D over three products; D has rated nothing.
VALUES = np.array([
    [5.0, 4.0, 0.0],
    [5.0, 4.0, 2.0],
    [1.0, 2.0, 5.0],
    [0.0, 0.0, 0.0],
])
A, B, C, D = range(4)


def predict(model, shopper, product):
    prediction = model.predict_pairs(np.array([shopper]), np.array([product]))
    return float(prediction.rating[0]), bool(prediction.available[0])


# Global mean 28 / 8 = 3.5, damping 3: baselines b(A) = (9 + 10.5) / 5, b(B) = (11 + 10.5) / 6,
# b(C) = (8 + 10.5) / 6.
B_A, B_B, B_C = 19.5 / 5, 21.5 / 6, 18.5 / 6


def test_cosine_prediction_is_the_baseline_plus_the_similarity_weighted_offsets_of_the_k_nearest_raters():
    model = UserKNN(k=2, similarity="cosine").fit(VALUES)
    s_ab = 41 / np.sqrt(41 * 45)  # (25 + 16) / (|A| |B|)
    s_ac = 13 / np.sqrt(41 * 30)  # (5 + 8) / (|A| |C|)
    rating, available = predict(model, A, 2)
    assert available
    assert rating == pytest.approx(B_A + (s_ab * (2 - B_B) + s_ac * (5 - B_C)) / (s_ab + s_ac), rel=1e-6)
    assert predict(UserKNN(k=1, similarity="cosine").fit(VALUES), A, 2) == (pytest.approx(B_A + 2 - B_B), True)


def test_a_generous_neighbour_does_not_lift_predictions_in_either_similarity():
    # B rates everything 1 star above A and agrees with A's taste: B's 5 on product 2 is, for A,
    # a 4 (A's baseline plus B's offset), whichever similarity chose B.
    values = np.array([[4.0, 2.0, 0.0], [5.0, 3.0, 5.0]])
    for kind in ("cosine", "pearson"):
        model = UserKNN(k=1, similarity=kind, shrinkage=0.0).fit(values)
        offset = 5.0 - model.baselines[1]
        assert predict(model, 0, 2) == (pytest.approx(model.baselines[0] + offset), True)


def test_shopper_is_never_their_own_neighbour():
    # B rated product 2 itself (2 stars); only C (5 stars) may vote on it: b(B) + 5 - b(C), capped at 5.
    model = UserKNN(k=2, similarity="cosine").fit(VALUES)
    assert predict(model, B, 2) == (pytest.approx(5.0), True)
    voters = model.neighbours(B, 2)
    assert voters.shoppers.tolist() == [C]
    assert voters.ratings.tolist() == [5.0]


def test_pearson_uses_only_positively_similar_neighbours_around_baselines():
    model = UserKNN(k=2, similarity="pearson").fit(VALUES)
    # Global mean 28 / 8 = 3.5, damping 3: b(A) = (9 + 10.5) / 5 = 3.9, b(B) = (11 + 10.5) / 6.
    # C disagrees with A (negative similarity) and does not vote, so r̂ = b(A) + (2 - b(B)).
    assert model.similarity[A, C] < 0 < model.similarity[A, B]
    rating, available = predict(model, A, 2)
    assert available
    assert rating == pytest.approx(3.9 + 2 - 21.5 / 6, rel=1e-6)
    assert model.neighbours(A, 2).shoppers.tolist() == [B]


def test_shopper_without_ratings_gets_the_global_mean_marked_unavailable():
    model = UserKNN(k=2).fit(VALUES)
    assert predict(model, D, 0) == (pytest.approx(3.5), False)
    assert not np.isnan(model.similarity).any()


def test_neighbour_ties_go_to_the_lower_shopper_index():
    values = np.array([[5.0, 0.0], [5.0, 1.0], [5.0, 4.0]])
    model = UserKNN(k=1, similarity="pearson", shrinkage=0.0).fit(values)
    model.similarity[:] = 1.0  # B and C equally similar to A: B (index 1) must win
    assert model.neighbours(0, 1).shoppers.tolist() == [1]
    assert predict(model, 0, 1)[0] == pytest.approx(model.baselines[0] + 1.0 - model.baselines[1])


@pytest.mark.parametrize("kwargs", [{"k": 0}, {"k": 2.5}, {"similarity": "jaccard"}, {"shrinkage": -1}])
def test_bad_settings_raise_input_error(kwargs):
    with pytest.raises(InputError):
        UserKNN(**kwargs)
