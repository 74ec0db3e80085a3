"""Per-feed health from the state store: what ``newswatch feeds`` shows.

A feed that keeps failing is not retried at full speed forever (see ``schedule.advance``), but
backing off silently would hide it; after ``dead_after_s`` of failures without one success it
is reported as dead, here and in the ``newswatch_feeds_dead`` gauge, so a person fixes or
removes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from newswatch.ingest.registry import FeedConfig
from newswatch.ingest.schedule import FeedState

__all__ = ["FeedHealth", "Health", "feed_health", "format_table"]

Health = Literal["ok", "failing", "dead", "never_polled", "disabled"]


@dataclass(frozen=True, slots=True)
class FeedHealth:
    feed: FeedConfig
    state: FeedState | None
    health: Health

    def as_dict(self) -> dict[str, object]:
        state = self.state
        return {
            "id": self.feed.id, "url": self.feed.url, "health": self.health,
            "fetch_url": state.fetch_url(self.feed.url) if state else self.feed.url,
            "last_success": _iso(state.last_success_at) if state else None,
            "last_fetch": _iso(state.last_fetch_at) if state else None,
            "last_status": state.last_status if state else None,
            "items_published": state.items_published if state else 0,
            "errors": state.errors_total if state else 0,
            "last_error": (f"{state.last_error_kind}: {state.last_error}"
                           if state and state.last_error_kind else None),
            "failing_since": _iso(state.failing_since) if state else None,
            "next_poll": _iso(state.next_poll_at) if state and state.next_poll_at else None,
        }


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def classify(feed: FeedConfig, state: FeedState | None, now: float,
             dead_after_s: float) -> Health:
    if not feed.enabled:
        return "disabled"
    if state is None or state.last_fetch_at is None:
        return "never_polled"
    if state.failing_since is None:
        return "ok"
    return "dead" if now - state.failing_since >= dead_after_s else "failing"


def feed_health(feeds: Iterable[FeedConfig], states: Mapping[str, FeedState], now: float,
                dead_after_s: float) -> list[FeedHealth]:
    return [FeedHealth(feed, states.get(feed.id),
                       classify(feed, states.get(feed.id), now, dead_after_s))
            for feed in feeds]


def _ago(ts: float | None, now: float) -> str:
    if ts is None:
        return "-"
    seconds = max(0, int(now - ts))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def format_table(rows: list[FeedHealth], now: float) -> str:
    """A fixed-width table for a terminal, one feed per line, then the last errors."""
    header = ("FEED", "HEALTH", "LAST SUCCESS", "STATUS", "ITEMS", "ERRORS", "FAILING SINCE")
    lines = [header]
    for row in rows:
        state = row.state
        lines.append((
            row.feed.id, row.health.upper() if row.health == "dead" else row.health,
            _ago(state.last_success_at, now) if state else "-",
            str(state.last_status) if state and state.last_status is not None else "-",
            str(state.items_published) if state else "0",
            str(state.errors_total) if state else "0",
            _ago(state.failing_since, now) if state and state.failing_since else "-",
        ))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in lines]
    errors = [f"  {row.feed.id}: {row.state.last_error_kind}: {row.state.last_error}"
              for row in rows if row.state and row.state.last_error_kind]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.health] = counts.get(row.health, 0) + 1
    text.append("")
    text.append(f"{len(rows)} feeds: " + ", ".join(f"{n} {h}" for h, n in sorted(counts.items())))
    if errors:
        text.append("last errors:")
        text.extend(errors)
    return "\n".join(text)
