"""Feed dates -> timezone-aware UTC, cheapest reader first.

Measured on these machines: the standard library reads RFC-822 dates at ~340,000/s, dateparser
at ~340/s. Almost every feed date is RFC-822 or ISO-8601, so the standard library goes first and
dateparser only sees what nothing else could read (e.g. Portuguese month names), with a cache
because a feed repeats the same strings on every poll.

dateparser is also the one cost a feed controls: 3,000 distinct unreadable dates took two
minutes. So every feed's slow reading runs against a ``DateBudget`` (seconds and dateparser
calls per feed, plus a deadline shared by the poll cycle); once it is spent, the remaining
dates that only dateparser could read fall back to ``fetched_at``, and the warning says why.

The raw string is read before the parser library's ``*_parsed`` struct: feedparser-rs ignores
an ISO-8601 offset written without a colon ('2026-02-17T17:36:36-0500' comes back as 17:36
UTC), while reading the string ourselves gets it right for both libraries.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any, Literal

__all__ = [
    "EARLIEST_PLAUSIBLE",
    "FUTURE_TOLERANCE",
    "DateBudget",
    "PublishedAt",
    "parse_date",
    "published_at",
    "read_date",
]

EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
"""Anything older is a placeholder (epoch, 1900-01-01) rather than a real publication date."""

FUTURE_TOLERANCE = timedelta(days=1)
"""Clock skew and time-zone mistakes put real dates a few hours ahead; a day is generous."""

# Zone names email.utils resolves itself; any other trailing word is a zone it would silently
# drop (it returns a naive datetime for 'CET'), so those strings go to the slower readers.
_RFC822_ZONES = frozenset(
    {"UT", "UTC", "GMT", "Z", "AST", "ADT", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"}
)

Source = Literal["feed", "fetched_at"]


def _as_utc(dt: datetime) -> datetime:
    # A feed date without a zone is taken as UTC, as feedparser does.
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _read_iso(s: str) -> datetime | None:
    try:
        return _as_utc(datetime.fromisoformat(s))
    except ValueError:
        return None


def _read_rfc822(s: str) -> datetime | None:
    try:
        dt = parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if dt.tzinfo is None:
        last = s.rsplit(None, 1)[-1]
        if last.isalpha() and last.upper() not in _RFC822_ZONES:
            return None  # unknown zone name: email.utils dropped it, let a slower reader try
    return _as_utc(dt)


# The year as written, in the RFC-822 layout ('Tue, 17 Feb 0000 ...') and the ISO one: email.utils
# reads any year below 100 as a two-digit one (0000 -> 2000, 0099 -> 1999), and dateparser may
# do the same, so a year written with three or four digits below 1000 is refused up front.
_WRITTEN_YEAR = re.compile(r"^\s*(?:[^\W\d_]+\.?,?\s*)?\d{1,2}\.?\s+[^\W\d_]+\.?,?\s+(\d{3,4})\b"
                           r"|^\s*(\d{3,4})-\d")


def _invalid_year(s: str) -> bool:
    m = _WRITTEN_YEAR.match(s)
    return m is not None and int(m.group(1) or m.group(2)) < 1000


def _read_fast(s: str) -> datetime | None:
    if s[:4].isdigit():
        return _read_iso(s) or _read_rfc822(s)
    return _read_rfc822(s) or _read_iso(s)


def _read_struct(parsed: time.struct_time | tuple | None) -> datetime | None:
    # Both feedparser and feedparser-rs hand out UTC struct_times.
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(tuple(parsed)[:6] + (0, 0, 0)), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


_DATEPARSER_SETTINGS = {
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    # Relative phrases ('2 hours ago') would depend on the clock and defeat the cache.
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
}

# RFC-822 layout with the day and month names in another language ('Seg, 24 Set 2018 19:42:40
# -0300'): the most common odd format in real feeds. Once the language is known, translating the
# month name and handing the string to email.utils costs microseconds instead of dateparser's
# milliseconds (~80 ms per date when dateparser must also detect the language).
_LOCALISED_RFC822 = re.compile(
    r"^(?:[^\W\d_]+\.?,?\s+)?(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})\s+"
    r"(\d{1,2}:\d{2}(?::\d{2})?)\s*([+-]\d{4}|[A-Za-z]{1,5})?$"
)
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


@lru_cache(maxsize=128)
def _month_names(language: str) -> dict[str, str]:
    """Localised month name/abbreviation -> English abbreviation, from dateparser's CLDR data."""
    try:
        from dateparser.languages.loader import default_loader

        info = default_loader.get_locale(language).info
    except (ImportError, AttributeError, KeyError, TypeError, ValueError):
        # an unknown language, or dateparser's internal data layout changed: no fast path
        return {}
    table: dict[str, str] = {}
    for month in _MONTHS:
        for name in info.get(month, ()):
            table[str(name).lower().rstrip(".")] = month[:3].title()
    return table


def _read_localised(s: str, language: str) -> datetime | None:
    m = _LOCALISED_RFC822.match(s)
    if not m:
        return None
    day, month_name, year, clock, zone = m.groups()
    month = _month_names(language).get(month_name.lower())
    if month is None:
        return None
    return _read_rfc822(f"{day} {month} {year} {clock} {zone or ''}".strip())


@lru_cache(maxsize=32)
def _dateparser(language: str | None) -> Any:
    from dateparser.date import DateDataParser  # lazy: most processes never need dateparser

    languages = [language] if language else None
    return DateDataParser(languages=languages, settings=_DATEPARSER_SETTINGS)


@lru_cache(maxsize=8192)
def _read_slow(s: str, language: str | None) -> tuple[datetime | None, str | None]:
    """dateparser, with the language it recognised (so the rest of the feed can go faster)."""
    try:
        data = _dateparser(language).get_date_data(s)
    except ValueError:  # a language dateparser does not know: let it detect one
        if language is None:
            return None, None
        return _read_slow(s, None)
    except (TypeError, OverflowError):
        return None, None
    if data.date_obj is None:
        # Feeds declare the wrong language often enough: let dateparser detect one instead.
        return _read_slow(s, None) if language is not None else (None, None)
    detected = (data.locale or "").split("-", 1)[0] or language
    return _as_utc(data.date_obj), detected


class DateBudget:
    """How much slow date reading (dateparser) one feed may cost: ``seconds`` of it and
    ``reads`` calls that missed the cache, and nothing after ``deadline`` (a ``time.monotonic``
    value; the poller gives every feed of a cycle the same one, and the monotonic clock is the
    same in its parser processes). ``None`` everywhere a budget is optional means unbounded."""

    __slots__ = ("_deadline", "_reads", "_reads_left", "_seconds", "_seconds_left")

    def __init__(self, seconds: float, reads: int, deadline: float | None = None) -> None:
        self._seconds = self._seconds_left = seconds
        self._reads = self._reads_left = reads
        self._deadline = deadline

    def allows(self) -> bool:
        return self.spent() is None

    def spent(self) -> str | None:
        """Which limit is spent, in words for the article's warning, or None."""
        if self._seconds_left <= 0 or self._reads_left <= 0:
            return f"{self._seconds:g} s or {self._reads} slow dates per feed"
        if self._deadline is not None and time.monotonic() >= self._deadline:
            return "the poll cycle's"
        return None

    def charge(self, seconds: float, reads: int) -> None:
        self._seconds_left -= seconds
        self._reads_left -= reads


def read_date(
    raw: str | None,
    parsed: time.struct_time | tuple | None = None,
    *,
    language: str | None = None,
    slow: bool = True,
) -> tuple[datetime | None, str | None]:
    """Like ``parse_date``, also returning the language dateparser recognised, if it was used.
    ``slow=False`` skips dateparser (the feed's date budget is spent)."""
    s = raw.strip() if raw else ""
    if s and _invalid_year(s):
        return None, None  # the library's struct would carry the same misread year
    if s:
        dt = _read_fast(s)
        if dt is not None:
            return dt, None
    dt = _read_struct(parsed)
    if dt is not None or not s:
        return dt, None
    primary = language.split("-", 1)[0].lower() if language else None
    if primary:
        dt = _read_localised(s, primary)
        if dt is not None:
            return dt, primary
    if not slow:
        return None, None
    return _read_slow(s, primary)


def parse_date(
    raw: str | None,
    parsed: time.struct_time | tuple | None = None,
    *,
    language: str | None = None,
) -> datetime | None:
    """Read one feed date as aware UTC, or None when nothing can read it.

    ``raw`` is the date string as written in the feed, ``parsed`` the parser library's UTC
    ``struct_time`` for it, ``language`` a hint for localised names (e.g. 'pt' for 'Seg, 24
    Set'). Order: standard library, the library's struct, localised RFC-822, dateparser.
    """
    return read_date(raw, parsed, language=language)[0]


class PublishedAt:
    """The publication time chosen for an article, where it came from, and why."""

    __slots__ = ("language", "source", "value", "warning")

    def __init__(
        self,
        value: datetime,
        source: Source,
        warning: str | None = None,
        language: str | None = None,
    ) -> None:
        self.value = value
        self.source: Source = source
        self.warning = warning
        self.language = language  # the language of the date's words, when they had to be read

    def __repr__(self) -> str:
        return f"PublishedAt({self.value.isoformat()}, {self.source!r}, {self.warning!r})"


def published_at(
    candidates: list[tuple[str | None, time.struct_time | tuple | None]],
    fetched_at: datetime,
    *,
    language: str | None = None,
    budget: DateBudget | None = None,
) -> PublishedAt:
    """Pick the first plausible date among ``(raw, parsed)`` candidates, else ``fetched_at``.

    Candidates come in preference order (published, then updated). A date that cannot be read,
    is more than a day after ``fetched_at`` or before 1990 is not trusted: the article gets
    ``fetched_at`` with source ``"fetched_at"`` and a warning naming the rejected value.
    ``language`` on the result is the language the date's words were read in, if that took
    more than the standard library: pass it back in for the feed's next entries. ``budget``
    bounds the dateparser calls (one budget per feed, shared by its entries).
    """
    fetched = _as_utc(fetched_at)
    rejected: list[str] = []
    for raw, parsed in candidates:
        if not (raw and raw.strip()) and not parsed:  # nothing, or only whitespace
            continue
        shown = (raw or "").strip() or str(tuple(parsed)[:6])
        if budget is None:
            dt, detected = read_date(raw, parsed, language=language)
        elif (spent := budget.spent()) is not None:
            dt, detected = read_date(raw, parsed, language=language, slow=False)
            if dt is None and raw and raw.strip():
                rejected.append(f"date {shown!r} not read: the date-parsing budget "
                                f"({spent}) is spent")
                continue
        else:
            misses, started = _read_slow.cache_info().misses, time.monotonic()
            dt, detected = read_date(raw, parsed, language=language)
            budget.charge(time.monotonic() - started, _read_slow.cache_info().misses - misses)
        if dt is None:
            rejected.append(f"unreadable date {shown!r}")
        elif dt > fetched + FUTURE_TOLERANCE:
            rejected.append(f"date in the future {shown!r}")
        elif dt < EARLIEST_PLAUSIBLE:
            rejected.append(f"date before 1990 {shown!r}")
        else:
            return PublishedAt(dt, "feed", language=detected)
    warning = "; ".join(rejected) + "; used fetched_at" if rejected else None
    return PublishedAt(fetched, "fetched_at", warning)
