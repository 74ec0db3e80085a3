from datetime import timedelta

import pytest

from newswatch.durations import parse_duration, parse_seconds


@pytest.mark.parametrize(("text", "seconds"), [
    ("30m", 1800), ("1h30m", 5400), ("2d", 172800), ("45s", 45), ("0", 0), (90, 90),
    ("90", 90), ("1.5h", 5400), (" 10 m ", 600), ("10 min", 600), ("15 sec", 15),
    ("1D", 86400), (timedelta(minutes=2), 120),
])
def test_reads_common_forms(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)
    assert parse_seconds(text) == seconds


@pytest.mark.parametrize("text", ["abc", "30x", "m30", "1h x", "-5", -5, "", "90 30m", True,
                                  [1], None])
def test_rejects_nonsense(text):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)
