"""Scheduling without I/O: backoff, publisher hints, and how one poll changes a feed's state."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from newswatch.ingest.backoff import backoff_delay
from newswatch.ingest.politeness import (
    Limits,
    Outcome,
    is_dead,
    next_delay,
    parse_max_age,
    parse_retry_after,
)
from newswatch.ingest.schedule import FeedState, PollResult, advance

LIMITS = Limits(min_interval_s=60, max_interval_s=3600, backoff_base_s=30, backoff_max_s=7200)
NOW = 1_800_000_000.0
URL = "https://a.example/rss"


def test_backoff_grows_is_jittered_and_capped() -> None:
    rng = random.Random(7)
    for failures in range(1, 12):
        ceiling = min(7200, 30 * 2 ** (failures - 1))
        delays = [backoff_delay(failures, base_s=30, max_s=7200, rng=rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len({round(d, 6) for d in delays}) > 150  # jittered, not lock-step
    assert backoff_delay(0, base_s=30, max_s=7200) == 0
    assert backoff_delay(10_000, base_s=30, max_s=7200, rng=rng) <= 7200


def test_retry_after_in_seconds_and_as_http_date() -> None:
    now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Sun, 01 Nov 2026 12:05:00 GMT", now) == 300
    assert parse_retry_after("Sun, 01 Nov 2026 11:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_max_age() -> None:
    assert parse_max_age("public, max-age=600") == 600
    assert parse_max_age("max-age=600, s-maxage=1200") == 1200
    assert parse_max_age("no-cache") is None
    assert parse_max_age(None) is None


@pytest.mark.parametrize(("configured", "hints", "expected"), [
    (900, {}, 900),
    (900, {"ttl_s": 1800}, 1800),  # the feed asks for less: fine
    (900, {"ttl_s": 300}, 900),  # the feed asks for more: never more often than configured
    (900, {"update_period_s": 86400}, 3600),  # capped at max_interval
    (900, {"max_age_s": 2400, "ttl_s": 1200}, 2400),  # the largest hint wins
    (10, {}, 60),  # raised to min_interval
])
def test_hints_only_lengthen_the_interval_within_limits(configured: float, hints: dict,
                                                        expected: float) -> None:
    assert next_delay(configured, Outcome(True, **hints), LIMITS) == expected


def test_failures_back_off_and_retry_after_is_honoured_but_capped() -> None:
    rng = random.Random(1)
    first = next_delay(900, Outcome(False, failures=1), LIMITS, rng)
    fifth = next_delay(900, Outcome(False, failures=5), LIMITS, rng)
    assert 15 <= first <= 30 and 240 <= fifth <= 480
    assert next_delay(900, Outcome(False, 1, retry_after_s=1000), LIMITS, rng) == 1000
    assert next_delay(900, Outcome(False, 1, retry_after_s=10**9), LIMITS, rng) == 7200


def test_is_dead() -> None:
    now = datetime(2026, 11, 2, tzinfo=UTC)
    assert not is_dead(None, now, 86400)
    assert not is_dead(now - timedelta(hours=23), now, 86400)
    assert is_dead(now - timedelta(hours=24), now, 86400)


def test_first_success_stores_validators_and_schedules_the_interval() -> None:
    state = advance(FeedState("a"), URL, 900, PollResult(200, etag='"x"', last_modified="L",
                                                         published=5), NOW, LIMITS,
                    dead_after_s=86400)
    assert (state.etag, state.last_modified, state.configured_url) == ('"x"', "L", URL)
    assert state.next_poll_at == NOW + 900 and state.last_success_at == NOW
    assert state.items_published == 5 and state.failing_since is None
    assert state.fetch_url(URL) == URL and state.validators(URL) == ('"x"', "L")


def test_304_keeps_validators_and_a_200_without_them_clears_them() -> None:
    state = FeedState("a", configured_url=URL, etag='"x"', last_modified="L")
    kept = advance(state, URL, 900, PollResult(304), NOW, LIMITS, dead_after_s=86400)
    assert (kept.etag, kept.last_modified) == ('"x"', "L")
    cleared = advance(state, URL, 900, PollResult(200), NOW, LIMITS, dead_after_s=86400)
    assert (cleared.etag, cleared.last_modified) == (None, None)


def test_permanent_redirect_moves_the_feed_until_the_registry_url_changes() -> None:
    moved = advance(FeedState("a"), URL, 900, PollResult(200, permanent_url="https://b/rss"),
                    NOW, LIMITS, dead_after_s=86400)
    assert moved.fetch_url(URL) == "https://b/rss"
    # the operator edits the URL in the registry: the stored redirect and validators no longer apply
    assert moved.fetch_url("https://c/rss") == "https://c/rss"
    assert moved.validators("https://c/rss") == (None, None)


def test_failures_count_up_and_a_long_failing_feed_is_dead_and_polled_rarely() -> None:
    rng = random.Random(3)
    state = FeedState("a", configured_url=URL, etag='"x"')
    state = advance(state, URL, 900, PollResult(500, "http_5xx", "HTTP 500"), NOW, LIMITS,
                    dead_after_s=86400, rng=rng)
    assert state.consecutive_failures == 1 and state.failing_since == NOW
    assert state.errors_total == 1 and state.last_error_kind == "http_5xx"
    assert state.etag == '"x"'  # a server error says nothing about the validators
    assert NOW + 15 <= state.next_poll_at <= NOW + 30
    later = NOW + 86400
    dead = advance(state, URL, 900, PollResult(None, "timeout", "slow"), later, LIMITS,
                   dead_after_s=86400, rng=rng)
    assert dead.failing_since == NOW and dead.consecutive_failures == 2
    assert dead.next_poll_at == later + LIMITS.backoff_max_s
    recovered = advance(dead, URL, 900, PollResult(304), later + 10, LIMITS, dead_after_s=86400)
    assert recovered.failing_since is None and recovered.consecutive_failures == 0
    assert recovered.errors_total == 2 and recovered.last_error is None


def test_a_parse_failure_drops_validators_so_the_next_fetch_is_full() -> None:
    state = FeedState("a", configured_url=URL, etag='"x"', last_modified="L")
    failed = advance(state, URL, 900, PollResult(200, "parse", "not a feed", etag='"y"'), NOW,
                     LIMITS, dead_after_s=86400)
    assert (failed.etag, failed.last_modified) == (None, None)
    assert failed.last_error_kind == "parse"
