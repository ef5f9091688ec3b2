"""The whitelisted filter grammar: parsing, three-valued logic, and refusing anything else."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mhr_indicators import ColumnNotFoundError, FilterError, parse_filter
from mhr_indicators.filters import evaluate_filter, truth_values
from mhr_indicators.survey.cells import factorize_column


@pytest.fixture(params=["values", "codes"])
def df(request) -> pd.DataFrame:
    """The test frame; under ``codes`` its text columns are tested through their integer
    codes (as a survey design gives them), which must select the same rows."""
    frame = pd.DataFrame(
        {
            "age": [10, 15, 40, 64, 65, np.nan],
            "sex": ["F", "M", "F", None, "M", "F"],
            "sector": ["A", "F", "C", None, "A", "Q"],
            "cob": ["XSY", "IND", "XSY", "SYR", None, "XSY"],
            "ref": ["XSY"] * 6,
            "flag": [True, False, True, True, False, False],
        }
    )
    frame.attrs["codes"] = request.param == "codes"
    return frame


def ev(text, df):
    codes = (lambda col: factorize_column(df[col])) if df.attrs.get("codes") else None
    return evaluate_filter(text, df, codes=codes).tolist()


def test_comparisons_and_between(df):
    assert ev("age >= 15 and age <= 64", df) == [False, True, True, True, False, False]
    assert ev("age between 15 and 64", df) == [False, True, True, True, False, False]
    assert ev("age not between 15 and 64", df) == [True, False, False, False, True, False]
    assert ev("15 <= age", df) == [False, True, True, True, True, False]
    assert ev("sex == 'F'", df) == [True, False, True, False, False, True]
    assert ev('sex != "F"', df) == [False, True, False, False, True, False]
    assert ev("flag == true", df) == [True, False, True, True, False, False]


def test_in_lists_and_column_comparisons(df):
    assert ev("sector in ('A', 'F')", df) == [True, True, False, False, True, False]
    assert ev("sector not in ('A', 'F')", df) == [False, False, True, False, False, True]
    assert ev("cob != ref", df) == [False, True, False, True, False, False]


def test_three_valued_logic_keeps_missing_out(df):
    # a missing age is neither in the population nor in its negation
    assert ev("not (age >= 15)", df) == [True, False, False, False, False, False]
    # unknown or true is true; unknown and false is false
    assert ev("age >= 15 or sex == 'F'", df) == [True, True, True, True, True, True]
    assert ev("age >= 15 and sex == 'X'", df) == [False] * 6
    assert ev("age is missing", df) == [False] * 5 + [True]
    assert ev("sex is not missing and age < 20", df) == [True, True, False, False, False, False]


def test_precedence_and_parentheses(df):
    assert ev("sex == 'M' or sex == 'F' and age > 30", df) == [
        False,
        True,
        True,
        False,
        True,
        False,
    ]
    assert ev("(sex == 'M' or sex == 'F') and age > 30", df) == [
        False,
        False,
        True,
        False,
        True,
        False,
    ]


def test_columns_property():
    assert parse_filter("age between 15 and 64 and sex in ('F')").columns == ("age", "sex")


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('ls')",
        "age >= 15; drop",
        "age + 1 > 2",
        "sex == F'",
        "age >=",
        "",
        "age in 'A'",
        "lambda: 1",
        "df.loc[0]",
    ],
)
def test_anything_outside_the_grammar_is_refused(text, df):
    with pytest.raises((FilterError, ColumnNotFoundError)):
        evaluate_filter(text, df)


def test_error_points_at_the_problem():
    with pytest.raises(FilterError) as e:
        parse_filter("age >= 15 annd sex == 'F'")
    assert e.value.position == 10
    assert "^" in str(e.value)


def test_type_mismatch_and_unknown_column(df):
    with pytest.raises(FilterError, match="cannot compare column 'sex'"):
        evaluate_filter("sex == 1", df)
    with pytest.raises(ColumnNotFoundError, match="'agee'"):
        evaluate_filter("agee > 1", df)


def test_text_tests_through_codes_match_the_values():
    frame = pd.DataFrame(
        {
            "status": pd.Series(["employed", None, "unemployed", "employed"], dtype="str"),
            "mixed": pd.Series(["a", 1, None, "a"], dtype=object),  # cannot be sorted
        }
    )
    asked = []

    def codes(col):
        asked.append(col)
        return factorize_column(frame[col])

    def both(text):
        return evaluate_filter(text, frame, codes=codes).tolist()

    assert both("'employed' == status") == [True, False, False, True]
    assert both("status != 'employed'") == [False, False, True, False]
    assert both("status in ('unemployed', 'retired')") == [False, False, True, False]
    assert both("status not in ('retired')") == [True, False, True, True]
    assert both("mixed == 'a'") == [True, False, False, True]  # compared as values
    assert set(asked) == {"status", "mixed"}
    unknown_kept = truth_values("status == 'employed'", frame, codes).tolist()
    assert unknown_kept[0] == 1.0 and np.isnan(unknown_kept[1]) and unknown_kept[2:] == [0.0, 1.0]
    narrow = truth_values("status == 'employed'", frame, codes, dtype=np.float32)
    assert narrow.dtype == np.float32
    np.testing.assert_array_equal(narrow, np.array(unknown_kept, dtype=np.float32))


@pytest.mark.parametrize(
    "text",
    [
        "age >= 15",
        "15 <= age",
        "age != 40",
        "age between 15 and 64",
        "age not between 15 and 64",
        "age == hours",
        "hours < 40 and age > 14",
        "code >= -1",
    ],
)
def test_numbers_compared_on_arrays_match_the_nullable_columns(text):
    # plain NumPy columns are compared on their arrays; nullable (extension) columns through
    # pandas: both must give the same three-valued results
    plain = pd.DataFrame(
        {
            "age": [10.0, 15.0, 40.0, 64.0, 65.0, np.nan],
            "hours": [10.0, np.nan, 40.0, 35.0, 65.0, 20.0],
            "code": np.array([0, 1, 2, 200, 3, 4], dtype=np.uint8),
        }
    )
    nullable = plain.astype({"age": "Float64", "hours": "Float64", "code": "Int64"})
    np.testing.assert_array_equal(truth_values(text, plain), truth_values(text, nullable))
    expected = {"age >= 15": [0, 1, 1, 1, 1, np.nan], "code >= -1": [1, 1, 1, 1, 1, 1]}
    if text in expected:  # by hand
        np.testing.assert_array_equal(truth_values(text, plain), expected[text])
