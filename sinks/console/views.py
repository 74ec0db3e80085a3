"""The JSON the console's pages read: alert rows, an alert's detail with its story and marked
evidence, map counts, feed health. Built from the store's records; no HTTP here."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newswatch.sinks.alerts.store import AlertQuery, SqlAlertStore
from newswatch.sinks.console.evidence import highlight, marks_of

from newswatch.contracts import Alert, TaggedArticle
from newswatch.durations import parse_duration

__all__ = ["SEVERITIES", "STATES", "alert_detail", "alert_row", "feeds_view", "map_counts",
           "query_from_params", "safe_url"]

STATES = ("new", "updated", "acknowledged", "resolved")
SEVERITIES = ("info", "low", "medium", "high", "critical")
_MAX_LIMIT = 1000


class BadQuery(ValueError):
    """A filter value the console does not understand (shown to the user)."""


def _many(params: Mapping[str, Any], name: str) -> tuple[str, ...]:
    getlist = getattr(params, "getlist", None)
    raw = getlist(name) if getlist else ([params[name]] if name in params else [])
    return tuple(v.strip() for item in raw for v in str(item).split(",") if v.strip())


def query_from_params(params: Mapping[str, Any], now: datetime) -> AlertQuery:
    """``?state=new,updated&severity=high&rule=x&country=PK&event_type=attack&since=2h``.
    No state given: all but resolved (as ``newswatch alerts list``); ``state=all``: every."""
    states = _many(params, "state")
    if states == ("all",):
        states = ()
    elif not states:
        states = STATES[:3]
    for name, values, allowed in (("state", states, STATES),
                                  ("severity", _many(params, "severity"), SEVERITIES)):
        bad = [v for v in values if v not in allowed]
        if bad:
            raise BadQuery(f"{name} {bad[0]!r}: expected one of {', '.join(allowed)}")
    since = None
    if params.get("since"):
        try:
            since = now - parse_duration(str(params["since"]))
        except ValueError:
            raise BadQuery(f"since {params['since']!r}: use a duration such as 30m, 2h, 3d"
                           ) from None
    try:
        limit = max(1, min(_MAX_LIMIT, int(params.get("limit") or 200)))
    except ValueError:
        raise BadQuery("limit must be a number") from None
    return AlertQuery(states=states, severities=_many(params, "severity"),
                      rules=_many(params, "rule"),
                      countries=tuple(c.upper() for c in _many(params, "country")),
                      event_types=_many(params, "event_type"), actors=_many(params, "actor"),
                      admin1=tuple(c.upper() for c in _many(params, "admin1")),
                      story_id=params.get("story") or None, since=since, limit=limit)


def safe_url(url: str | None) -> str | None:
    """Links only to http(s): a feed cannot put ``javascript:`` behind a click."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(UTC).isoformat(timespec="seconds") if when else None


def alert_row(a: Alert) -> dict[str, Any]:
    return {"id": a.id, "version": a.version, "state": a.state, "severity": a.severity,
            "rule_id": a.rule_id, "rule_name": a.rule_name, "title": a.title,
            "story_id": a.story_id, "primary_country": a.primary_country,
            "countries": a.countries, "admin1": a.admin1, "actors": a.actors,
            "event_types": a.event_types, "article_count": a.article_count,
            "source_count": a.source_count, "silenced": bool(a.silenced_by),
            "first_seen_at": _iso(a.first_seen_at), "updated_at": _iso(a.updated_at),
            "url": safe_url(a.url)}


def _article_view(article: TaggedArticle, source: str | None = None) -> dict[str, Any]:
    tags = {"countries": [t.code for t in article.regions.countries],
            "admin1": [t.code for t in article.regions.admin1],
            "actors": [t.name for t in article.actors],
            "persons": [t.name for t in article.persons],
            "event_types": [t.type for t in article.event_types],
            "watchlist": [f"{t.watchlist}: {t.term}" for t in article.watchlist_hits]}
    return {"id": article.id, "title_html": highlight(article.title, marks_of(article, "title")),
            "text_html": highlight(article.text, marks_of(article, "text")),
            "url": safe_url(article.url), "source": source or article.feed_title or article.feed_id or "",
            "published_at": _iso(article.published_at), "tags": tags}


def alert_detail(store: SqlAlertStore, alert: Alert) -> dict[str, Any]:
    """The alert, its history, its story's articles and the kept ones with marked evidence."""
    state = store.get_story(alert.story_id)
    story = state.story if state else None
    history = [{"version": h.version, "change": h.change, "at": _iso(h.at), "by": h.actor,
                "comment": h.comment} for h in store.history(alert.id)]
    outlets = {s.id: s.source for s in story.articles} if story else {}
    kept = [_article_view(a, outlets.get(a.id)) for a in store.articles_of_story(alert.story_id)]
    silences = [{"id": s.id, "matchers": s.describe(), "ends_at": _iso(s.ends_at),
                 "by": s.created_by, "comment": s.comment}
                for s in (store.get_silence(i) for i in alert.silenced_by) if s is not None]
    others = [alert_row(a) for a in store.list_alerts(AlertQuery(story_id=alert.story_id,
                                                                   limit=50))
              if a.id != alert.id]
    return {
        "others": others,
        "alert": {**alert_row(alert), "summary": alert.summary, "sources": alert.sources,
                  "acknowledged_by": alert.acknowledged_by,
                  "acknowledged_at": _iso(alert.acknowledged_at),
                  "resolved_by": alert.resolved_by, "resolved_at": _iso(alert.resolved_at),
                  "comment": alert.comment, "last_seen_at": _iso(alert.last_seen_at)},
        "history": history, "silences": silences,
        "story": None if story is None else {
            "id": story.id, "title": story.title, "article_count": story.article_count,
            "source_count": story.source_count, "sources": story.sources,
            "first_seen_at": _iso(story.first_seen_at), "last_seen_at": _iso(story.last_seen_at),
            "articles": [{"id": s.id, "title": s.title, "url": safe_url(s.url),
                          "source": s.source, "published_at": _iso(s.published_at),
                          "joined_at": _iso(s.joined_at)} for s in story.articles]},
        "articles": kept,
    }


def _by_place(rows: list[tuple[str | None, str, int]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for place, severity, count in rows:
        if not place:
            continue
        entry = out.setdefault(place, {"total": 0, "by_severity": {}, "max": "info"})
        entry["total"] += count
        entry["by_severity"][severity] = count
        if SEVERITIES.index(severity) > SEVERITIES.index(entry["max"]):
            entry["max"] = severity
    return out


def map_counts(store: SqlAlertStore, states: tuple[str, ...]) -> dict[str, Any]:
    """Per country (primary country) and per first-level division named: alerts by severity
    and the highest severity (the map's colour)."""
    return {"countries": _by_place(store.alert_counts(states or STATES)),
            "divisions": _by_place(store.admin1_counts(states or STATES))}


def feeds_view(feeds_file: Path | None, state_dir: Path, dead_after_s: float,
               stale_after_s: float = 6 * 3600) -> dict[str, Any]:
    """Each feed's health from the poller's state (as ``newswatch feeds`` shows it), plus
    ``stale``: polled fine but nothing new for ``stale_after_s``."""
    from newswatch.ingest.health import feed_health
    from newswatch.ingest.registry import load_feeds
    from newswatch.ingest.state import STATE_FILE, StateStore

    if feeds_file is None:
        return {"feeds": [], "note": "no feeds file configured (NEWSWATCH_FEEDS_FILE)"}
    loaded = load_feeds(feeds_file)
    states = {}
    note = None
    now = time.time()
    per_day: dict[str, int] = {}
    if (state_dir / STATE_FILE).exists():
        with StateStore.in_dir(state_dir) as store:
            states = store.all()
            # new items in the last 24 hours, from the ids the poller remembers with the time
            # it first saw them
            per_day = {feed_id: sum(1 for _id, _hash, seen_at in store.seen_items(feed_id)
                                    if now - seen_at <= 86400) for feed_id in states}
    else:
        note = f"no poll state in {state_dir} yet"
    rows = []
    for row in feed_health(loaded.feeds, states, now, dead_after_s):
        item = row.as_dict()
        item["items_last_24h"] = per_day.get(row.feed.id, 0)
        last = row.state.last_success_at if row.state else None
        item["stale"] = bool(row.health == "ok" and last is not None
                             and now - last > stale_after_s)
        item["name"] = row.feed.name or row.feed.id
        rows.append(item)
    return {"feeds": rows, "note": note, "errors": [str(e) for e in loaded.errors],
            "stale_after": str(timedelta(seconds=stale_after_s))}
