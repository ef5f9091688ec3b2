"""The compiled pair loops on tables small enough to add up by hand."""

import numpy as np
import pandas as pd
import pytest

from mhr_indicators.survey.compiled import index_type
from mhr_indicators.survey.table_loops import (
    add_up_pairs,
    linearised_scores,
    stratum_variance,
)

# six finest pairs in PSU order: (finest cell, PSU) and sums (w y, w x, cases, w, w > 0)
CELL = np.array([0, 2, 1, 2, 0, 3], dtype=np.int32)
PSU = np.array([0, 0, 1, 1, 2, 2], dtype=np.int32)
VALUES = np.array(
    [
        [1.0, 2.0, 1, 2.0, 1],
        [3.0, 4.0, 2, 4.0, 2],
        [5.0, 6.0, 1, 6.0, 1],
        [7.0, 8.0, 3, 8.0, 3],
        [9.0, 10.0, 1, 10.0, 0],  # a case of zero weight
        [11.0, 12.0, 2, 12.0, 2],
    ]
)
COLUMNS = (0, 1, 2, 3, 4)


def test_add_up_pairs_merges_finest_cells_within_a_psu():
    # coarse cells: finest 0 and 1 -> A (0), 2 -> B (1), 3 left out
    coarse = np.array([0, 0, 1, -1], dtype=np.int64)
    indptr, psu, pairs, cells = add_up_pairs(CELL, PSU, coarse, 2, VALUES)
    # A holds finest 0 in PSUs 0 and 2 and finest 1 in PSU 1; B finest 2 in PSUs 0 and 1
    assert indptr.tolist() == [0, 3, 5]
    assert psu.tolist() == [0, 1, 2, 0, 1]
    assert pairs[:, 0].tolist() == [1.0, 5.0, 9.0, 3.0, 7.0]
    assert cells[:, 0].tolist() == [15.0, 10.0]
    assert cells[:, 2].tolist() == [3.0, 5.0]


def test_add_up_pairs_adds_two_finest_cells_of_one_psu_into_one_pair():
    coarse = np.zeros(4, dtype=np.int64)  # everything in one cell
    indptr, psu, pairs, cells = add_up_pairs(CELL, PSU, coarse, 1, VALUES)
    assert indptr.tolist() == [0, 3]
    assert psu.tolist() == [0, 1, 2]
    assert pairs[:, 0].tolist() == [4.0, 12.0, 20.0]
    assert pairs[:, 1].tolist() == [6.0, 14.0, 22.0]
    assert cells[0, 0] == 36.0


def test_linearised_scores_ratio_total_and_degrees_of_freedom():
    coarse = np.array([0, 0, 1, -1], dtype=np.int64)
    indptr, psu, pairs, cells = add_up_pairs(CELL, PSU, coarse, 2, VALUES)
    value = cells[:, 0] / cells[:, 1]  # A: 15 / 18, B: 10 / 12
    den = cells[:, 1]
    psu_stratum = np.array([0, 0, 1], dtype=np.int64)  # PSUs 0, 1 in stratum 0; PSU 2 in 1
    strata = (np.array([2, 1]), np.array([False, True]), np.array([2.0, 0.5]))  # n, lonely, coef
    df, ptr, score_psu, score, variance = linearised_scores(
        indptr, psu, pairs, COLUMNS, value, den, psu_stratum, *strata, False, index_type(3)
    )
    # A: cases of positive weight in PSUs 0 and 1 only (stratum 0): 2 PSUs - 1 stratum
    # B: PSUs 0 and 1, stratum 0: 2 - 1
    assert df.tolist() == [1.0, 1.0]
    assert ptr.tolist() == [0, 3, 5]
    r = 15 / 18
    expected_a = [(1 - r * 2) / 18, (5 - r * 6) / 18, (9 - r * 10) / 18]
    np.testing.assert_allclose(score[:3], expected_a, rtol=1e-14)
    assert score_psu.tolist() == [0, 1, 2, 0, 1]
    assert ptr.dtype == score_psu.dtype == np.int32  # the type asked for, as SciPy keeps them
    # A: stratum 0 centred over its 2 PSUs, times 2; stratum 1 (lonely) uncentred, times 0.5
    a0, a1, a2 = expected_a
    want_a = 2.0 * (a0**2 + a1**2 - (a0 + a1) ** 2 / 2) + 0.5 * a2**2
    assert variance[0] == pytest.approx(want_a, rel=1e-12)
    # the same as stratum_variance of the scores (the path kept for the "average" policy)
    again = stratum_variance(ptr, score_psu, score, psu_stratum, *strata)
    np.testing.assert_array_equal(variance, again)
    _, _, _, totals, _ = linearised_scores(
        indptr, psu, pairs, COLUMNS, value, den, psu_stratum, *strata, True, index_type(3)
    )
    assert totals.tolist() == [1.0, 5.0, 9.0, 3.0, 7.0]


def test_linearised_scores_leave_out_pairs_without_a_case_and_zero_a_nan_cell():
    pairs = np.array([[2.0, 4.0, 1, 4.0, 1], [0.0, 0.0, 0, 0.0, 0]])
    indptr = np.array([0, 2], dtype=np.int64)
    psu = np.array([0, 1], dtype=np.int64)
    nan, den, strata = np.array([np.nan]), np.array([4.0]), np.zeros(2, np.int64)
    per_stratum = (np.array([2]), np.array([False]), np.array([1.0]))
    df, ptr, score_psu, score, variance = linearised_scores(
        indptr, psu, pairs, COLUMNS, nan, den, strata, *per_stratum, False, index_type(2)
    )
    assert ptr.tolist() == [0, 1] and score_psu.tolist() == [0]
    assert score.tolist() == [0.0] and variance.tolist() == [0.0]
    assert df.tolist() == [0.0]  # one PSU, one stratum


def test_stratum_variance_by_hand():
    # 2 strata: stratum 0 has PSUs 0, 1, 2 (n = 3), stratum 1 has PSU 3 alone (lonely)
    psu_stratum = np.array([0, 0, 0, 1], dtype=np.int64)
    n_psu = np.array([3, 1], dtype=np.int64)
    lonely = np.array([False, True])
    coef = np.array([1.5, 0.5])
    # row 0: scores 1 (PSU 0), 3 (PSU 2) and 2 (PSU 3), indices unsorted; row 1: empty
    indptr = np.array([0, 3, 3], dtype=np.int32)
    indices = np.array([2, 3, 0], dtype=np.int32)
    data = np.array([3.0, 2.0, 1.0])
    out = stratum_variance(indptr, indices, data, psu_stratum, n_psu, lonely, coef)
    # stratum 0: sum z^2 - (sum z)^2 / 3 = 10 - 16 / 3 = 14 / 3, times 1.5 = 7
    # stratum 1 (lonely, not centred): 4, times 0.5 = 2
    assert out[0] == pytest.approx(9.0, rel=1e-14)
    assert out[1] == 0.0


def test_pair_groups_number_the_cell_psu_pairs_in_psu_order():
    from mhr_indicators.survey.compiled import pair_groups

    code = np.array([1, 0, 1, -1, 0, 1, 0], dtype=np.int64)
    psu = np.array([2, 0, 0, 1, 2, 2, 0], dtype=np.int64)
    group, cell, pair_psu = pair_groups(code, psu, np.argsort(psu, kind="stable"), 2, index_type(7))
    assert group.dtype == cell.dtype == pair_psu.dtype == np.int32  # the type asked for
    # PSU 0 holds rows 1, 2, 6 (cells 0, 1, 0); PSU 1 only row 3 (no cell); PSU 2 rows 0, 4, 5
    assert pair_psu.tolist() == [0, 0, 2, 2]
    assert cell.tolist() == [0, 1, 1, 0]
    assert group.tolist() == [2, 0, 1, -1, 3, 2, 0]


def test_linearised_scores_read_the_columns_they_are_given():
    # a mean's table holds w once (w x is w) and cases once (no zero weight): w y, w, cases
    table = np.array([[3.0, 4.0, 2.0], [1.0, 2.0, 1.0]])
    indptr = np.array([0, 2], dtype=np.int64)
    psu = np.array([0, 1], dtype=np.int64)
    value, den = np.array([4.0 / 6.0]), np.array([6.0])
    per_stratum = (np.array([1, 1]), np.array([True, True]), np.array([1.0, 1.0]))
    df, _, _, score, _ = linearised_scores(
        indptr, psu, table, (0, 1, 2, 1, 2), value, den, np.array([0, 1]), *per_stratum, False,
        index_type(2),
    )  # fmt: skip
    np.testing.assert_allclose(score, [(3 - 4 * 4 / 6) / 6, (1 - 2 * 4 / 6) / 6], rtol=1e-14)
    assert df.tolist() == [0.0]  # 2 PSUs in 2 strata


def test_row_sums_skip_missing_values_and_count_positive_weights():
    from mhr_indicators.survey.compiled import row_sums

    group = np.array([0, 0, 1, -1, 1, 0], dtype=np.int64)
    w = np.array([2.0, 3.0, 0.0, 9.0, 4.0, 5.0])
    y = np.array([1.0, np.nan, 1.0, 1.0, 0.0, 1.0], dtype=np.float32)
    x = np.array([2.0, 1.0, 3.0, 1.0, np.nan, 1.0])
    mean, not_binary = row_sums(group, w, y, y, 2, False)
    # group 0: rows 0 and 5 (row 1 has no y); group 1: rows 2 (w = 0) and 4
    np.testing.assert_array_equal(mean[0], [7.0, 7.0, 2.0, 7.0, 2.0])
    np.testing.assert_array_equal(mean[1], [0.0, 4.0, 2.0, 4.0, 1.0])
    assert not_binary == 0
    ratio, _ = row_sums(group, w, y, x, 2, True)
    np.testing.assert_array_equal(ratio[0], [7.0, 9.0, 2.0, 7.0, 2.0])
    np.testing.assert_array_equal(ratio[1], [0.0, 0.0, 1.0, 0.0, 0.0])  # row 4 has no x


def test_row_sums_count_the_valid_values_that_are_neither_0_nor_1():
    from mhr_indicators.survey.compiled import row_sums

    group = np.array([0, 0, -1, 1, 1, 0], dtype=np.int64)
    w = np.ones(6)
    # 0.5 and 2 in the cells; 7 outside them (group -1) and NaN are not counted
    y = np.array([0.5, 1.0, 7.0, 2.0, np.nan, 0.0])
    assert row_sums(group, w, y, y, 2, False)[1] == 2
    # as a ratio's numerator, the row whose denominator is missing is not valid
    x = np.array([1.0, 1.0, 1.0, np.nan, 1.0, 1.0])
    assert row_sums(group, w, y, x, 2, True)[1] == 1


def test_kernels_compile_in_memory_where_no_cache_folder_is_writable(monkeypatch):
    from numba.core import caching

    from mhr_indicators.survey.compiled import compiled

    impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl  # renamed in Numba 0.6x
    monkeypatch.setattr(impl, "_locator_classes", [])  # as if no cache folder were writable

    def double(x):
        return 2 * x

    assert compiled(double)(21) == 42


def test_replicate_sums_by_hand():
    from mhr_indicators.survey.compiled import replicate_sums

    cell = np.array([0, 1, -1, 0], dtype=np.int64)
    weights = np.array([[1.0, 2.0], [3.0, 4.0], [9.0, 9.0], [5.0, 6.0]])
    values = np.array([[2.0, 1.0], [1.0, 1.0], [7.0, 1.0], [3.0, 1.0]])
    out = replicate_sums(cell, weights, values, 2)
    # variable 0, cell 0: 2 * (1, 2) + 3 * (5, 6); cell 1: 1 * (3, 4); row 2 in no cell
    np.testing.assert_array_equal(out[0], [[17.0, 22.0], [3.0, 4.0]])
    np.testing.assert_array_equal(out[1], [[6.0, 8.0], [3.0, 4.0]])


def test_sparse_product_adds_up_the_rows_a_contrast_names():
    import scipy.sparse as sp

    from mhr_indicators.survey.table_loops import sparse_product

    # scores of three cells over four PSUs; contrasts: cell 0 - cell 2, 2 x cell 1, all three
    scores = sp.csr_matrix(np.array([[1.0, 0, 2, 0], [0, 3, 0, 0], [4, 0, 0, 5]]))
    contrast = sp.csr_matrix(np.array([[1.0, 0, -1], [0, 2, 0], [1, 1, 1]]))
    indptr, indices, data = sparse_product(
        contrast.indptr, contrast.indices, contrast.data,
        scores.indptr, scores.indices, scores.data, 4, index_type(8),
    )  # fmt: skip
    got = sp.csr_matrix((data, indices, indptr), shape=(3, 4)).toarray()
    # by hand: [1-4, 0, 2, -5], [0, 6, 0, 0], [1+4, 3, 2, 5]
    assert got.tolist() == [[-3.0, 0, 2, -5], [0, 6, 0, 0], [5, 3, 2, 5]]
    assert indptr.tolist() == [0, 3, 4, 8]  # each row's PSUs once
    assert indptr.dtype == indices.dtype == np.int32


def test_index_type_is_32_bits_where_the_indices_fit():
    assert index_type(5, 2**31 - 2).dtype == np.int32
    assert index_type(5, 2**31 - 1).dtype == np.int64
    assert index_type().dtype == np.int32


def test_small_integers_finds_the_codes_a_column_holds_or_gives_up():
    from mhr_indicators.survey.compiled import small_integers

    seen, missing, complete = small_integers(np.array([3.0, 0.0, np.nan, 3.0]), 5)
    assert seen.tolist() == [True, False, False, True, False] and missing and complete
    seen, missing, complete = small_integers(np.array([1, 4], dtype=np.int8), 5)
    assert seen.tolist() == [False, True, False, False, True] and not missing and complete
    for values in ([1.0, 0.5], [1.0, -1.0], [1.0, 5.0]):  # not an integer, negative, too big
        assert not small_integers(np.array(values), 5)[2]


def test_distinct_values_of_codes_and_of_other_columns():
    import pandas as pd

    from mhr_indicators.survey import distinct_values

    codes = distinct_values(pd.Series([1.0, np.nan, 0.0, 1.0]))
    assert codes.dtype == np.float64
    np.testing.assert_array_equal(np.sort(codes), [0.0, 1.0, np.nan])
    assert distinct_values(pd.Series([7, 2, 7], dtype=np.int64)).tolist() == [2, 7]
    assert sorted(distinct_values(pd.Series([-1.5, 3.0, -1.5]))) == [-1.5, 3.0]
    text = distinct_values(pd.Series(["b", None, "a", "b"]))
    assert len(text) == 3 and {"a", "b"} < set(text) and pd.isna(text).sum() == 1


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", "string[python]", object])
def test_text_codes_are_those_of_pandas_factorize(dtype):
    import pandas as pd

    from mhr_indicators.survey.cells import factorize_column

    words = ["b", "a", None, "é", "A", "b", "ä", "a"]
    # Arrow data in several chunks, as a concatenation of frames gives them
    column = pd.concat([pd.Series(words[:3], dtype=dtype), pd.Series(words[3:], dtype=dtype)])
    codes, levels = factorize_column(column)
    expected_codes, expected_levels = pd.factorize(column, sort=True)
    np.testing.assert_array_equal(codes, expected_codes)
    assert levels.equals(expected_levels) and levels.dtype == expected_levels.dtype
    assert list(levels) == ["A", "a", "b", "ä", "é"]  # by code point, missing left out
    assert codes.tolist() == [2, 1, -1, 4, 0, 2, 3, 1]


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ([1.0, np.nan, 0.0, 1.0, np.nan], np.float32),  # a derived 0/1 column
        ([3.0, 0.0, 7.0, 3.0, -0.0], np.float64),
        ([5, 2, 5, 1023, 0], np.int64),
        ([4, 1, 4], np.uint8),
        ([2, 1024, 2], np.int64),  # beyond the small integers: hashed
        ([0.5, 1.0, np.nan], np.float64),  # not integers: hashed
        ([-1, 2, 2], np.int16),  # negative: hashed
    ],
)
def test_number_codes_are_those_of_pandas_factorize(values, dtype):
    from mhr_indicators.survey.cells import factorize_column

    column = pd.Series(values, dtype=dtype)
    codes, levels = factorize_column(column)
    expected_codes, expected_levels = pd.factorize(column, sort=True)
    np.testing.assert_array_equal(codes, expected_codes)
    assert levels.equals(expected_levels) and levels.dtype == expected_levels.dtype


def test_number_cells_codes_the_keys_of_valid_rows_in_sorted_order():
    from mhr_indicators.survey.compiled import number_cells

    key = np.array([5, 2, 5, 7, 2, 0], dtype=np.int32)
    valid = np.array([True, True, True, False, True, False])
    observed, code = number_cells(key, valid, 8)
    assert observed.tolist() == [2, 5]  # 7 and 0 only in rows that are not valid
    assert code.tolist() == [1, 0, 1, -1, 0, -1]
    observed, code = number_cells(key, np.zeros(6, dtype=bool), 8)
    assert observed.tolist() == [] and code.tolist() == [-1] * 6


@pytest.mark.parametrize("size", [8, 2**20])  # counted in compiled passes; by a hash table
def test_number_keys_either_way(size):
    from mhr_indicators.survey.keys import number_keys

    key = np.array([5, 2, 5, 7, 2, 0], dtype=np.int32)
    valid = np.array([True, True, True, False, True, False])
    observed, code = number_keys(key, valid, size)
    assert observed.tolist() == [2, 5] and code.tolist() == [1, 0, 1, -1, 0, -1]
    observed, code = number_keys(key, np.zeros(6, dtype=bool), size)
    assert observed.tolist() == [] and code.tolist() == [-1] * 6


def test_mixed_radix_adds_a_column_to_the_keys():
    from mhr_indicators.survey.compiled import mixed_radix

    key = np.array([0, 1, 2, 0], dtype=np.int32)
    complete = np.ones(4, dtype=bool)
    # a missing code as the level 3 of a base of 4
    mixed_radix(key, np.array([1, -1, 0, 2], dtype=np.int8), 4, 3, complete)
    assert key.tolist() == [1, 7, 8, 2] and complete.all()
    # a missing code that is no level: the row is not complete
    mixed_radix(key, np.array([0, 1, -1, 0], dtype=np.int16), 3, -1, complete)
    assert complete.tolist() == [True, True, False, True]
    assert key[complete].tolist() == [3, 22, 6]


@pytest.mark.parametrize("keep_missing", [False, True])
def test_cells_of_two_columns_with_missing_values(keep_missing):
    from mhr_indicators.survey.cells import make_cells

    data = pd.DataFrame(
        {"sex": ["F", None, "M", "F", "M"], "g": [1.0, 1.0, 2.0, np.nan, 1.0]}
    )
    cells = make_cells(data, ["sex", "g"], np.ones(5, dtype=bool), keep_missing=keep_missing)
    labels = [
        tuple("NA" if pd.isna(v) else v for v in row)
        for row in cells.labels.astype(object).itertuples(index=False)
    ]
    if keep_missing:  # a missing value is a level of its own, last
        assert labels == [("F", 1.0), ("F", "NA"), ("M", 1.0), ("M", 2.0), ("NA", 1.0)]
        assert cells.code.tolist() == [0, 4, 3, 1, 2]
    else:  # rows with a missing value are in no cell
        assert labels == [("F", 1.0), ("M", 1.0), ("M", 2.0)]
        assert cells.code.tolist() == [0, -1, 2, -1, 1]
