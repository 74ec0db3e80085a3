"""Durations as people write them in config files: ``"45s"``, ``"15m"``, ``"1h30m"``, ``"2d"``,
``"10 min"``, a number of seconds, or ISO 8601 (``"P30D"``, ``"PT1H30M"``: what pydantic writes
for a timedelta, so settings dumped to JSON read back). One reader for feeds, rules and every
later file."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError

__all__ = ["parse_duration", "parse_seconds"]

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(sec|min|[smhd])?", re.IGNORECASE)
_UNIT_SECONDS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_HELP = "use e.g. 90, '45s', '15m', '1h30m', '2d' or 'P2D'"
_ISO = TypeAdapter(timedelta)  # pydantic's reader of ISO 8601 durations
MAX_SECONDS = 100 * 365 * 86400


def parse_duration(value: Any) -> timedelta:
    """A timedelta from a duration; raises ValueError (which pydantic reports) otherwise."""
    if isinstance(value, timedelta):
        return value
    # ValueError, not TypeError: pydantic turns only ValueError into a validation message.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a duration, got {type(value).__name__}: {_HELP}")  # noqa: TRY004
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return _timedelta(value, value)
    text = value.strip().lower()
    if text.startswith("p"):
        return _iso(value)
    pos, seconds, parts = 0, 0.0, 0
    for match in _PART.finditer(text):
        if text[pos:match.start()].strip():
            break
        unit = match.group(2)
        if unit is None and match.end() != len(text.rstrip()):
            break  # a bare number only stands alone: "90", not "90 30m"
        seconds += float(match.group(1)) * _UNIT_SECONDS[unit]
        pos, parts = match.end(), parts + 1
    if not parts or text[pos:].strip():
        raise ValueError(f"cannot read duration {value!r}: {_HELP}")
    return _timedelta(seconds, value)


def _iso(value: str) -> timedelta:
    try:
        seconds = _ISO.validate_python(value.strip().upper()).total_seconds()
    except ValidationError:
        raise ValueError(f"cannot read duration {value!r}: {_HELP}") from None
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    return _timedelta(seconds, value)


def _timedelta(seconds: float, value: Any) -> timedelta:
    # timedelta itself raised OverflowError past 999,999,999 days, which pydantic does not
    # report as a validation error: `max_age: 1e15` in a rules file crashed `rules check` and
    # the alert role's reload instead of being refused. And a duration is subtracted from now
    # (retention, quiet periods, story windows), which fails long before that: at most a century
    if not seconds <= MAX_SECONDS:  # NaN too
        raise ValueError(f"duration {value!r} is out of range: at most 100 years")
    return timedelta(seconds=seconds)


def parse_seconds(value: Any) -> int:
    """Whole seconds from a duration."""
    return int(parse_duration(value).total_seconds())
