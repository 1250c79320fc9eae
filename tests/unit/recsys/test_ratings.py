import numpy as np
import pandas as pd
import pytest

from shopdl_core.errors import InputError
from shopdl_core.recsys.ratings import (
    item_popularity, ratings_from_table, table_from_csv, table_from_matrix, user_baselines,
)

PRODUCTS = {"Running Trainers": "P086", "Cotton Crew Tee": "P001"}


def table(rows):
    return pd.DataFrame(rows, columns=["Shopper", *PRODUCTS])


def test_valid_table_reads_blanks_and_zeros_as_unrated_and_keeps_half_stars():
    matrix = ratings_from_table(table([["Ana", 4.5, None], [" Ben ", 0, "3"]]), PRODUCTS)
    assert matrix.shoppers == ("Ana", "Ben")
    assert matrix.product_ids == ("P086", "P001")
    np.testing.assert_array_equal(matrix.values, [[4.5, 0.0], [0.0, 3.0]])


@pytest.mark.parametrize("value, shown", [("abc", "'abc'"), (-1.0, "'-1'"), (5.5, "'5.5'"), ("nan", "'nan'"),
                                          (0.5, "'0.5'"), ("inf", "'inf'")])
def test_bad_cell_is_named_by_row_and_column(value, shown):
    with pytest.raises(InputError) as error:
        ratings_from_table(table([["Ana", 4.0, 3.0], ["Ben", 2.0, value]]), PRODUCTS)
    assert f"row 'Ben', column 'Cotton Crew Tee' holds {shown}" in str(error.value)


def test_many_bad_cells_name_the_first_three_and_count_the_rest():
    message = str(pytest.raises(InputError, ratings_from_table,
                                table([["A", "x", "y"], ["B", "z", "w"], ["C", 9, 3]]), PRODUCTS).value)
    assert "row 'A', column 'Running Trainers' holds 'x'" in message
    assert "(and 2 more)" in message


@pytest.mark.parametrize("names, expected", [
    (["Ana", "Ana"], "Shopper 'Ana' appears twice (rows 1 and 2)"),
    (["Ana", "  "], "Row 2 has no shopper name"),
    (["Ana", None], "Row 2 has no shopper name"),
])
def test_shopper_names_must_be_present_and_unique(names, expected):
    with pytest.raises(InputError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        ratings_from_table(table([[name, 4.0, None] for name in names]), PRODUCTS)


def test_empty_matrix_and_wrong_columns_are_refused():
    with pytest.raises(InputError, match="empty"):
        ratings_from_table(table([]), PRODUCTS)
    wrong = pd.DataFrame([["Ana", 4.0, 3.0]], columns=["Shopper", "Running Trainers", "Sneaker"])
    with pytest.raises(InputError, match="missing 'Cotton Crew Tee'; unexpected 'Sneaker'"):
        ratings_from_table(wrong, PRODUCTS)


def test_csv_round_trip_and_bad_csv():
    matrix = ratings_from_table(table([["Ana", 4.5, None], ["Ben", 1.0, 2.0]]), PRODUCTS)
    csv = table_from_matrix(matrix, PRODUCTS).to_csv(index=False).encode()
    back = table_from_csv(csv, PRODUCTS)
    assert back["Shopper"].tolist() == ["Ana", "Ben"]
    np.testing.assert_array_equal(back["Cotton Crew Tee"].to_numpy(), [np.nan, 2.0])
    with pytest.raises(InputError, match="unexpected 'Hat'"):
        table_from_csv(b"Shopper,Running Trainers,Hat\nAna,4,3\n", PRODUCTS)
    with pytest.raises(InputError, match="row 'Ana', column 'Cotton Crew Tee' holds 'great'"):
        table_from_csv(b"Shopper,Running Trainers,Cotton Crew Tee\nAna,4,great\n", PRODUCTS)
    with pytest.raises(InputError, match="not a readable UTF-8 CSV"):
        table_from_csv(b"\xff\xfe\x00garbage", PRODUCTS)


def test_baselines_are_means_damped_towards_the_global_mean():
    values = np.array([[5.0, 0.0, 4.0], [2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    # global mean 11/3; damping 3: (9 + 11) / 5 = 4, (2 + 11) / 4 = 3.25, unrated = 11/3
    np.testing.assert_allclose(user_baselines(values), [4.0, 3.25, 11 / 3])
    # items, damping 5: (7 + 55/3) / 7, (0 + 55/3) / 5, (4 + 55/3) / 6
    np.testing.assert_allclose(item_popularity(values), [(7 + 55 / 3) / 7, 11 / 3, (4 + 55 / 3) / 6])
