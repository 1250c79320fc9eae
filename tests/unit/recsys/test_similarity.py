import numpy as np

from shopdl_core.recsys.similarity import (
    cosine_similarity_rows, k_largest_mask, top_neighbours, user_pearson_similarity,
)


def test_cosine_of_zero_row_is_zero_not_nan():
    similarity = cosine_similarity_rows(np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]))
    assert not np.isnan(similarity).any()
    np.testing.assert_allclose(similarity, [[1, 1 / np.sqrt(2), 0], [1 / np.sqrt(2), 1, 0], [0, 0, 0]])


def test_pearson_runs_over_co_rated_items_and_shrinks():
    values = np.array([[5.0, 3.0, 0.0], [4.0, 2.0, 1.0], [0.0, 0.0, 0.0]])
    centres = np.array([4.0, 3.0, 3.0])
    # centred: u0 (1, -1, .), u1 (1, -1, -2); over co-rated items 0 and 1: 2 / sqrt(2 * 2) = 1;
    # two co-ratings with shrinkage 1 scale it by 2 / 3. The zero row is 0 to everyone.
    similarity = user_pearson_similarity(values, centres, shrinkage=1.0)
    np.testing.assert_allclose(similarity[0, 1], 2 / 3)
    np.testing.assert_array_equal(similarity[2], [0, 0, 0])
    unshrunk = user_pearson_similarity(values, centres, shrinkage=0.0)
    np.testing.assert_allclose(unshrunk[0, 1], 1.0)
    np.testing.assert_array_equal(unshrunk[2], [0, 0, 0])


def test_top_neighbours_exclude_self_take_the_most_similar_and_break_ties_by_index():
    similarity = np.array([
        [1.0, 0.5, 0.5, 0.2],
        [0.5, 1.0, 0.1, 0.9],
        [0.5, 0.1, 1.0, 0.1],
        [0.2, 0.9, 0.1, 1.0],
    ])
    np.testing.assert_array_equal(top_neighbours(similarity, 2), [[1, 2], [3, 0], [0, 1], [1, 0]])
    assert top_neighbours(similarity, 10).shape == (4, 3)  # never more than the other rows


def test_k_largest_mask_keeps_exactly_k_with_ties_to_the_lower_column():
    scores = np.array([[0.3, 0.7, 0.7, 0.7, -np.inf]])
    eligible = np.isfinite(scores)
    np.testing.assert_array_equal(k_largest_mask(scores, eligible, 2), [[False, True, True, False, False]])
    np.testing.assert_array_equal(k_largest_mask(scores, eligible, 4), [[True, True, True, True, False]])
