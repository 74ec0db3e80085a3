"""A feed's poll state and how one poll changes it: a pure function, unit-tested without I/O.

The state store persists ``FeedState``; the poller calls ``advance`` after every fetch with
what happened, and gets back the new state: validators to send next time, when to poll next,
and the health fields ``newswatch feeds`` shows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from newswatch.ingest.politeness import Limits, Outcome, next_delay

__all__ = ["FeedState", "PollResult", "advance"]


@dataclass(frozen=True, slots=True)
class FeedState:
    feed_id: str
    configured_url: str | None = None  # the registry URL this state was built for
    url: str | None = None  # where to fetch now (differs after a permanent redirect)
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: float = 0.0  # unix seconds; 0 = due now
    last_fetch_at: float | None = None
    last_success_at: float | None = None
    last_status: int | None = None
    last_error_kind: str | None = None
    last_error: str | None = None
    failing_since: float | None = None
    consecutive_failures: int = 0
    items_published: int = 0
    errors_total: int = 0

    def fetch_url(self, configured_url: str) -> str:
        """The URL to request: a stored permanent redirect, unless the registry URL changed."""
        if self.url and self.configured_url == configured_url:
            return self.url
        return configured_url

    def validators(self, configured_url: str) -> tuple[str | None, str | None]:
        """ETag and Last-Modified to send; none if the registry URL changed since."""
        if self.configured_url not in (None, configured_url):
            return None, None
        return self.etag, self.last_modified


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll of a feed came to, in the terms the schedule cares about."""

    status: int | None
    error_kind: str | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    published: int = 0
    ttl_s: float | None = None
    update_period_s: float | None = None
    max_age_s: float | None = None
    retry_after_s: float | None = None


def advance(state: FeedState, configured_url: str, interval_s: float, result: PollResult,
            now: float, limits: Limits, *, dead_after_s: float,
            rng: random.Random | None = None) -> FeedState:
    """The state after one poll at ``now`` (unix seconds)."""
    if state.configured_url != configured_url:  # new feed, or its registry URL was edited
        state = FeedState(feed_id=state.feed_id, configured_url=configured_url,
                          items_published=state.items_published, errors_total=state.errors_total,
                          failing_since=state.failing_since,
                          consecutive_failures=state.consecutive_failures)
    ok = result.error_kind is None and result.status in (200, 304)
    if ok:
        delay = next_delay(interval_s, Outcome(True, 0, result.ttl_s, result.update_period_s,
                                               result.max_age_s), limits)
        validators = {}
        if result.status == 200:  # a full answer replaces the validators, even with none
            validators = {"etag": result.etag, "last_modified": result.last_modified}
        elif result.etag or result.last_modified:  # a 304 may refresh them
            validators = {"etag": result.etag or state.etag,
                          "last_modified": result.last_modified or state.last_modified}
        return replace(
            state, **validators,
            url=result.permanent_url or state.url,
            next_poll_at=now + delay, last_fetch_at=now, last_success_at=now,
            last_status=result.status, last_error_kind=None, last_error=None,
            failing_since=None, consecutive_failures=0,
            items_published=state.items_published + result.published,
        )
    failures = state.consecutive_failures + 1
    failing_since = state.failing_since if state.failing_since is not None else now
    if now - failing_since >= dead_after_s:
        delay = limits.backoff_max_s  # dead: still tried, but only this rarely
    else:
        delay = next_delay(interval_s, Outcome(False, failures,
                                               retry_after_s=result.retry_after_s), limits, rng)
    changes: dict[str, object] = {}
    if result.error_kind == "parse":
        # the body was unreadable: make sure the next fetch is a full one, not a 304
        changes = {"etag": None, "last_modified": None}
    return replace(
        state, **changes,
        next_poll_at=now + delay, last_fetch_at=now, last_status=result.status,
        last_error_kind=result.error_kind or "other", last_error=result.error,
        failing_since=failing_since, consecutive_failures=failures,
        errors_total=state.errors_total + 1,
    )
