import json

import numpy as np
import pytest

from shopdl_core.__main__ import main
from shopdl_core.errors import InputError
from shopdl_core.recsys.bench import plain_python_neighbours, plain_python_request
from shopdl_core.recsys.movielens import read_movielens
from shopdl_core.catalog import load_catalog, load_demo_ratings
from shopdl_core.recsys.content import catalog_item_features
from shopdl_core.recsys.ratings import RatingMatrix, user_baselines
from shopdl_core.recsys.recommend import recommend_for_shopper
from shopdl_core.recsys.similarity import SIMILARITIES, top_neighbours, user_similarity

# 4 users x 3 items in MovieLens format (ids from 1), 10 ratings.
U_DATA = [(1, 1, 5), (1, 2, 3), (1, 3, 4), (2, 1, 4), (2, 2, 2), (3, 1, 1), (3, 3, 5), (4, 2, 4), (4, 3, 4), (2, 3, 3)]


def write_movielens(folder, lines=U_DATA):
    folder.mkdir(exist_ok=True)
    (folder / "u.data").write_text("".join(f"{u}\t{i}\t{r}\t88125000{n}\n" for n, (u, i, r) in enumerate(lines)))
    (folder / "u.item").write_bytes(
        b"1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
        b"2|Caf\xe9 (1995)|01-Jan-1995||http://x|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
        b"3|Heat (1995)|01-Jan-1995||http://x|0|1|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0\n"
    )
    return folder


def test_reader_splits_u_data_into_seeded_folds_and_reads_genres(tmp_path):
    data = read_movielens(write_movielens(tmp_path / "ml"))
    assert not data.official_folds and len(data.folds) == 5
    train, test = data.folds[0]
    assert (train.n_shoppers, train.n_products) == (4, 3)
    held = sorted(zip(*(np.concatenate([t.shoppers for _, t in data.folds]),
                        np.concatenate([t.products for _, t in data.folds]))))
    assert held == sorted((u - 1, i - 1) for u, i, _ in U_DATA)  # ids become 0-based, each once
    np.testing.assert_array_equal(data.item_features[:, :4], [[0, 0, 0, 1], [0, 1, 1, 0], [0, 1, 0, 0]])


def test_reader_prefers_the_official_folds(tmp_path):
    folder = write_movielens(tmp_path / "ml")
    for n in range(1, 6):
        (folder / f"u{n}.base").write_text("1\t1\t5\t0\n2\t2\t3\t0\n")
        (folder / f"u{n}.test").write_text(f"{n % 4 + 1}\t3\t4\t0\n")
    data = read_movielens(folder)
    assert data.official_folds
    assert [int(test.shoppers[0]) for _, test in data.folds] == [1, 2, 3, 0, 1]


@pytest.mark.parametrize("line, message", [("1\t2\tfive\t0", "line 3"), ("1\t2\t7\t0", "line 3"), ("1\t2\t3", "line 3"), ("1\t2", "line 3")])
def test_reader_names_the_bad_line(tmp_path, line, message):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "u.data").write_text(f"1\t1\t5\t0\n2\t1\t4\t0\n{line}\n")
    with pytest.raises(InputError, match=message):
        read_movielens(folder)


def test_reader_refuses_a_file_with_the_wrong_number_of_columns(tmp_path):
    (tmp_path / "u.data").write_text("1\t1\t5\n2\t1\t4\n")
    with pytest.raises(InputError, match="must have 4 tab-separated columns"):
        read_movielens(tmp_path)


def test_cli_evaluates_movielens_as_json_and_reports_bad_folders(tmp_path, capsys):
    folder = write_movielens(tmp_path / "ml")
    assert main(["evaluate", "recsys", "--movielens", str(folder), "--folds", "2", "--k", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"rmse", "mae", "precision_at_10", "recall_at_10", "ndcg_at_10", "seconds", "folds",
                           "ranked_folds"}
    assert report["folds"] == 2
    assert main(["evaluate", "recsys", "--movielens", str(tmp_path / "missing")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_plain_python_neighbours_compute_the_same_similarity_as_the_vectorised_code():
    rng = np.random.default_rng(0)
    values = np.where(rng.random((12, 9)) < 0.5, rng.integers(1, 6, (12, 9)), 0).astype(float)
    for kind in SIMILARITIES:
        similarity = user_similarity(values, user_baselines(values), kind)
        expected = top_neighbours(similarity, 3)
        baseline = plain_python_neighbours(values.tolist(), range(12), 3, kind)
        # Sets per row, and each chosen shopper as similar as the vectorised choice (float ties).
        for u, (row, expected_row) in enumerate(zip(baseline, expected.tolist())):
            np.testing.assert_allclose(sorted(similarity[u, row]), sorted(similarity[u, expected_row]))


def test_plain_python_request_ranks_as_recommend_for_shopper():
    frame = load_demo_ratings()
    matrix = RatingMatrix(tuple(frame.index), tuple(frame.columns), frame.fillna(0.0).to_numpy())
    features = catalog_item_features(load_catalog(), matrix.product_ids)
    for user, shopper in enumerate(matrix.shoppers):
        for alpha in (0.0, 0.5, 1.0):
            ours = recommend_for_shopper(matrix, features, shopper, alpha=alpha, k=3, top_n=5, similarity="cosine")
            plain = plain_python_request(matrix.values.tolist(), features.tolist(), user, 3, 5, alpha)
            if ours.signal == "popular":
                continue  # a shopper with no ratings: popularity, not the request the bench times
            # Equal scores (two products at 3.0 up to float rounding) may come in either order.
            plain_ranked = sorted((-round(score, 9), matrix.product_ids[item]) for item, score in plain)
            ours_ranked = sorted((-round(item.score, 9), item.product_id) for item in ours.items)
            assert [pid for _, pid in plain_ranked] == [pid for _, pid in ours_ranked]
            np.testing.assert_allclose([score for _, score in plain], [item.score for item in ours.items], rtol=1e-5)
