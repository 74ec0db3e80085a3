"""Demo feeds dated relative to now: what ``newswatch up`` serves is what a live desk sees.

The demo feeds are written with fixed dates (November 2026). Served as they are, every item
would be weeks old by the time anyone runs the demo, and alerts would either fire on old news
or, with freshness rules, not at all. ``shift_dates`` moves every date so that the newest item
of all the feeds is a few minutes old, and compresses the spread between items, so the
newest items alert and the oldest are past a rule's ``max_age`` (stored and counted, no alert)
— both as they would be live.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

__all__ = ["newest_date", "shift_dates"]

_RFC822 = re.compile(rb"<(pubDate|lastBuildDate)>([^<]+)</\1>")
_ISO = re.compile(rb"<(updated|published)>([^<]+)</\1>")


def _dates(xml: bytes) -> list[datetime]:
    found = [parsedate_to_datetime(m.group(2).decode().strip()) for m in _RFC822.finditer(xml)]
    found += [datetime.fromisoformat(m.group(2).decode().strip()) for m in _ISO.finditer(xml)]
    return found


def newest_date(feeds: list[bytes]) -> datetime:
    """The latest date in any of the feeds."""
    return max(d for xml in feeds for d in _dates(xml))


def shift_dates(xml: bytes, newest: datetime, now: datetime, *, compress: float = 4.0,
                lag: timedelta = timedelta(minutes=5)) -> bytes:
    """``xml`` with every date ``d`` replaced by ``now - lag - (newest - d) / compress``, in
    the date's own format and offset."""

    def moved(when: datetime) -> datetime:
        target = now - lag - (newest - when) / compress
        return target.astimezone(when.tzinfo)

    def rfc822(match: re.Match[bytes]) -> bytes:
        when = parsedate_to_datetime(match.group(2).decode().strip())
        tag = match.group(1)
        return b"<%s>%s</%s>" % (tag, format_datetime(moved(when)).encode(), tag)

    def iso(match: re.Match[bytes]) -> bytes:
        when = datetime.fromisoformat(match.group(2).decode().strip())
        tag = match.group(1)
        return b"<%s>%s</%s>" % (tag, moved(when).isoformat(timespec="seconds").encode(), tag)

    return _ISO.sub(iso, _RFC822.sub(rfc822, xml))
