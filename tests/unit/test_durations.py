from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.durations import parse_duration, parse_seconds


@pytest.mark.parametrize(("text", "seconds"), [
    ("30m", 1800), ("1h30m", 5400), ("2d", 172800), ("45s", 45), ("0", 0), (90, 90),
    ("90", 90), ("1.5h", 5400), (" 10 m ", 600), ("10 min", 600), ("15 sec", 15),
    ("1D", 86400), (timedelta(minutes=2), 120),
    # ISO 8601, as pydantic writes a timedelta (a settings dump reads back)
    ("P30D", 2_592_000), ("PT1H", 3600), ("pt1h30m", 5400), ("P1DT2H", 93600), ("P1W", 604800),
])
def test_reads_common_forms(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)
    assert parse_seconds(text) == seconds


@pytest.mark.parametrize("text", ["abc", "30x", "m30", "1h x", "-5", -5, "", "90 30m", True,
                                  [1], None, "P", "PX", "P-1D", "-P1D", "P1D x"])
def test_rejects_nonsense(text):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize("value", [86_400_000_000_000, 1e300, float("inf"), float("nan"),
                                   "99999999999999d", "36501d"])
def test_a_duration_out_of_range_is_a_value_error(value):
    # found by the rules property tests: timedelta raised OverflowError, which crashed
    # `rules check` and a rules reload instead of refusing the file
    with pytest.raises(ValueError, match="out of range: at most 100 years"):
        parse_duration(value)
    assert parse_duration("36500d") == timedelta(days=36_500)


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.none(), st.booleans()))
def test_any_value_is_a_duration_or_a_value_error(value):
    try:
        found = parse_duration(value)
    except ValueError as exc:
        assert "duration" in str(exc)
        return
    assert timedelta(0) <= found <= timedelta(days=36_500)
