"""When to poll a feed next: pure functions of what the last fetch told us.

Publishers say how often they want to be polled in several ways (RSS ``ttl``,
``sy:updatePeriod``, ``Cache-Control: max-age``, ``Retry-After`` on 429/503). Those hints may
only make us poll *less* often than configured, and always within ``[min, max]``, so a typo in
someone's feed can neither hammer their server nor silence the feed for a month.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

from newswatch.ingest.backoff import backoff_delay

__all__ = ["Limits", "Outcome", "is_dead", "next_delay", "parse_max_age", "parse_retry_after"]

_MAX_AGE_RE = re.compile(r"(?:^|[,\s])(s-maxage|max-age)\s*=\s*\"?(\d+)", re.IGNORECASE)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def parse_max_age(cache_control: str | None) -> int | None:
    """``max-age`` (``s-maxage`` wins, we are a shared cache of sorts) of a Cache-Control header."""
    if not cache_control:
        return None
    found = {name.lower(): int(seconds) for name, seconds in _MAX_AGE_RE.findall(cache_control)}
    return found.get("s-maxage", found.get("max-age"))


@dataclass(frozen=True, slots=True)
class Limits:
    min_interval_s: float = 60.0
    max_interval_s: float = 6 * 3600.0
    backoff_base_s: float = 60.0
    backoff_max_s: float = 6 * 3600.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one fetch said about the schedule."""

    ok: bool  # 200 or 304
    failures: int = 0  # consecutive failures including this one (0 when ok)
    ttl_s: float | None = None
    update_period_s: float | None = None
    max_age_s: float | None = None
    retry_after_s: float | None = None


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def next_delay(configured_s: float, outcome: Outcome, limits: Limits,
               rng: random.Random | None = None) -> float:
    """Seconds until the next poll of a feed."""
    if outcome.ok:
        hints = [h for h in (outcome.ttl_s, outcome.update_period_s, outcome.max_age_s) if h]
        wanted = max([configured_s, *hints])
        return _clamp(wanted, limits.min_interval_s, limits.max_interval_s)
    delay = backoff_delay(max(1, outcome.failures), base_s=limits.backoff_base_s,
                          max_s=limits.backoff_max_s, rng=rng)
    if outcome.retry_after_s:
        # the server told us when; still capped so a silly date cannot park the feed forever
        delay = max(delay, min(outcome.retry_after_s, limits.backoff_max_s))
    return delay


def is_dead(failing_since: datetime | None, now: datetime, dead_after_s: float) -> bool:
    """A feed failing without a single success for ``dead_after_s`` is dead."""
    return failing_since is not None and (now - failing_since).total_seconds() >= dead_after_s
