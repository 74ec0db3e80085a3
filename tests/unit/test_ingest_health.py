"""Feed health classification and the ``newswatch feeds`` table, without I/O."""

from __future__ import annotations

from newswatch.ingest.health import classify, feed_health, format_table
from newswatch.ingest.registry import FeedConfig
from newswatch.ingest.schedule import FeedState

NOW = 1_800_000_000.0
FEEDS = [FeedConfig(id=name, url=f"https://{name}.example/rss") for name in
         ("fresh", "fine", "wobbly", "gone")] + [
    FeedConfig(id="paused", url="https://paused.example/rss", enabled=False)]
STATES = {
    "fine": FeedState("fine", last_fetch_at=NOW - 60, last_success_at=NOW - 60, last_status=304,
                      items_published=42),
    "wobbly": FeedState("wobbly", last_fetch_at=NOW - 60, last_success_at=NOW - 7200,
                        last_status=500, failing_since=NOW - 3600, errors_total=3,
                        last_error_kind="http_5xx", last_error="HTTP 500 from the server"),
    "gone": FeedState("gone", last_fetch_at=NOW - 60, last_status=None,
                      failing_since=NOW - 2 * 86400, errors_total=30,
                      last_error_kind="connection", last_error="connection refused"),
}


def test_classify() -> None:
    health = {row.feed.id: row.health for row in feed_health(FEEDS, STATES, NOW, 86400)}
    assert health == {"fresh": "never_polled", "fine": "ok", "wobbly": "failing",
                      "gone": "dead", "paused": "disabled"}
    assert classify(FEEDS[2], STATES["wobbly"], NOW, dead_after_s=3600) == "dead"


def test_table_shows_health_counts_and_last_errors() -> None:
    table = format_table(feed_health(FEEDS, STATES, NOW, 86400), NOW)
    lines = {line.split()[0]: line for line in table.splitlines() if line.strip()}
    assert lines["FEED"].split()[:2] == ["FEED", "HEALTH"]
    assert "DEAD" in lines["gone"] and "2d ago" in lines["gone"]
    assert "42" in lines["fine"] and "1m ago" in lines["fine"]
    assert "failing" in lines["wobbly"] and "1h ago" in lines["wobbly"]
    assert "5 feeds: 1 dead, 1 disabled, 1 failing, 1 never_polled, 1 ok" in table
    assert "gone: connection: connection refused" in table


def test_as_dict_has_the_health_fields() -> None:
    row = feed_health(FEEDS, STATES, NOW, 86400)[3].as_dict()
    assert row["health"] == "dead" and row["errors"] == 30
    assert row["failing_since"] == "2027-01-13T08:00:00+00:00"
    assert row["last_error"] == "connection: connection refused"
