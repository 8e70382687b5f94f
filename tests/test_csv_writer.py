"""`scenarios.csv_writer.csv_text` writes what pandas' ``to_csv`` writes, to the byte.

Its fast path formats the columns itself; wherever pandas would quote a field or format a type
differently, it must hand over to pandas. Compared on an ensemble summary, on frames hypothesis
draws (floats of every size and sign, NaN, infinities, integers, booleans, text, dates) and on
the cases that need the hand-over.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.scenarios.csv_writer import csv_text


def _pandas(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.6g")


def _fast(frame: pd.DataFrame) -> str:
    """`csv_text` where it must not hand over to pandas (fails if it does)."""
    with mock.patch.object(pd.DataFrame, "to_csv", side_effect=AssertionError("pandas")):
        return csv_text(frame)


FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 1e-300])
BIG_INTEGERS = st.integers(-(2**40), 2**40)
WORDS = st.text(alphabet="abcXYZ_-. é0123", min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.integers(0, 30),
    data=st.data(),
)
def test_any_frame_of_numbers_text_and_dates_is_written_as_pandas_writes_it(rows, data):
    frame = pd.DataFrame(
        {
            "scenario": data.draw(st.lists(WORDS, min_size=rows, max_size=rows)),
            "date": [
                dt.date(2013, 1, 1) + dt.timedelta(days=d)
                for d in data.draw(st.lists(st.integers(0, 6000), min_size=rows, max_size=rows))
            ],
            "median": data.draw(st.lists(FLOATS, min_size=rows, max_size=rows)),
            "count": data.draw(
                st.lists(st.integers(-(2**40), 2**40), min_size=rows, max_size=rows)
            ),
            "flag": data.draw(st.lists(st.booleans(), min_size=rows, max_size=rows)),
        }
    )
    frame["median"] = frame["median"].astype(np.float64)
    frame["count"] = frame["count"].astype(np.int64)
    frame["flag"] = frame["flag"].astype(bool)
    assert _fast(frame) == _pandas(frame)


@pytest.mark.parametrize(
    "column",
    [
        ["plain", "with, comma"],
        ['say "hi"', "plain"],
        ["two\nlines", "plain"],
        ["", "empty first"],
        [None, "missing"],
        [1.5, "a number among words"],
    ],
)
def test_fields_pandas_would_quote_or_format_are_left_to_pandas(column):
    frame = pd.DataFrame({"name": pd.Series(column, dtype=object), "value": [0.1, 2e-7]})
    assert csv_text(frame) == _pandas(frame)


def test_string_columns_are_fast_unless_a_value_is_missing():
    words = pd.DataFrame({"name": pd.Series(["a", "b", "a"], dtype="string"), "x": [1.0] * 3})
    assert _fast(words) == _pandas(words)
    gaps = pd.DataFrame({"name": pd.Series(["a", pd.NA, "a"], dtype="string"), "x": [1.0] * 3})
    assert csv_text(gaps) == _pandas(gaps)
    assert ",1\n" in csv_text(gaps).splitlines(keepends=True)[2]  # the missing name: empty
    mixed = pd.DataFrame({"name": pd.Series(["a", 3], dtype=object), "x": [1.0, 2.0]})
    assert csv_text(mixed) == _pandas(mixed)
    moments = pd.DataFrame({"when": pd.Series([dt.datetime(2017, 8, 1, 12, 30)], dtype=object)})
    assert csv_text(moments) == _pandas(moments)


def test_an_ensemble_summary_is_written_as_before():
    from govsim.scenarios.ensemble import simulate, summary_table
    from govsim.scenarios.loader import load_scenario

    data, _ = simulate(
        [load_scenario("baseline"), load_scenario("dso_delay")],
        2,
        7,
        municipalities=["Flevoland"],
        until="2016-06",
        progress=False,
    )
    frame = summary_table(data).to_pandas()
    assert len(frame) > 1000 and frame["median"].notna().any()
    assert _fast(frame) == _pandas(frame)
