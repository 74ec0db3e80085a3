"""The alert store's SQL, shared by SQLite and PostgreSQL.

``SqlAlertStore`` holds every query; a dialect subclass supplies the connection, the schema
migrations, transactions and error translation (``sqlite.SqliteAlertStore``,
``postgres.PostgresAlertStore``). Queries use ``?`` placeholders and standard SQL that both
databases run (``ON CONFLICT ... DO UPDATE``/``DO NOTHING``); a subclass rewrites the
placeholders if its driver wants others.

Times are stored as ISO-8601 text in UTC with microseconds, so text order is time order.
Alert, story and silence bodies are their JSON models; the columns beside them exist for
filtering and ordering.
"""

from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from newswatch.sinks.alerts.copies import updated_copy
from newswatch.sinks.alerts.outbox import Notification, NotifyEvent
from newswatch.sinks.alerts.silences import Silence
from newswatch.sinks.alerts.store.base import (
    AlertQuery,
    AlertStoreError,
    HistoryEntry,
    PendingRecord,
)
from newswatch.sinks.alerts.store.pending import Pending, PendingLevels
from newswatch.sinks.stories.index import StoryState

from newswatch.contracts import Alert, TaggedArticle

__all__ = ["SqlAlertStore", "ts"]

_ACTIVE = ("new", "updated", "acknowledged")
_CACHE_SIZE = 20_000
_ALL = AlertQuery()


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(method: Callable[Concatenate[SqlAlertStore, _P], _R]
            ) -> Callable[Concatenate[SqlAlertStore, _P], _R]:
    """Run a store method under the store's lock: the reads that see a batch's held rows
    (``pending``) must not run in another thread while the batch is open."""
    @functools.wraps(method)
    def locked(self: SqlAlertStore, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            return method(self, *args, **kwargs)
    return locked


def ts(value: datetime) -> str:
    """One fixed UTC text form, so text order is time order in SQL."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _stamps(times: Sequence[datetime]) -> list[str]:
    """``ts`` of each, converting each distinct time once."""
    known: dict[datetime, str] = {}
    out = []
    for value in times:
        text = known.get(value)
        if text is None:
            text = known[value] = ts(value)
        out.append(text)
    return out


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


class SqlAlertStore:
    """Alerts, history, silences, stories and outboxes over one SQL connection.

    Thread-safe: one lock serialises use of the connection (the role's consumer thread, its
    delivery workers and its timers share one store). Subclasses implement ``_connect``-time
    setup and the four hooks below.
    """

    dialect = "sql"
    location = ""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._in_tx = False
        self._depth = 0
        # parsed alerts and stories by (kind, id) -> (version, object): parsing the JSON
        # bodies costs more than reading them, and the same stories and alerts are read for
        # article after article of a story. A version read from the row decides whether the
        # cached object is current; the objects are never changed in place (every change is
        # a copy with a new version), and a rollback empties the cache.
        self._parsed: OrderedDict[tuple[str, str], tuple[int, Any]] = OrderedDict()
        self._pending: PendingLevels | None = None  # inside batch(): rows held back

    # ---- hooks for the dialect ---------------------------------------------------------------

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Execute one statement and return the cursor."""
        raise NotImplementedError

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Execute one statement for each row of parameters."""
        raise NotImplementedError

    def _begin(self) -> None:
        raise NotImplementedError

    def _end(self, commit: bool) -> None:
        raise NotImplementedError

    def _translate(self, exc: Exception, action: str) -> AlertStoreError:
        raise NotImplementedError

    def _errors(self) -> tuple[type[Exception], ...]:
        """The driver's exception classes to translate."""
        raise NotImplementedError

    def _lock_story_index(self) -> None:
        """Serialise story assignment across processes (PostgreSQL: an advisory lock)."""

    def close(self) -> None:
        raise NotImplementedError

    # ---- plumbing ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together or not at all. Nested, it is a savepoint: a
        failure inside rolls back what the inner block did and the outer one goes on (the
        alert role runs one transaction per batch and one savepoint per article)."""
        with self._lock:
            if self._in_tx:
                with self._savepoint():
                    yield
                return
            try:
                self._begin()
            except self._errors() as exc:
                raise self._translate(exc, "starting a transaction") from exc
            self._in_tx = True
            try:
                yield
                self._write_pending()
                self._end(commit=True)
            except BaseException as exc:
                self._parsed.clear()
                try:
                    self._end(commit=False)
                except self._errors():
                    pass  # the database may already have rolled back (e.g. disk full)
                if isinstance(exc, self._errors()):
                    raise self._translate(exc, "committing") from exc
                raise
            finally:
                self._in_tx = False

    @contextmanager
    def batch(self) -> Iterator[None]:
        """A transaction for a batch of articles (each one a nested ``transaction()``, so a
        savepoint), with the story and alert rows held back until it commits (``pending``):
        a story or alert changed by many articles of the batch is written once. Queries that
        do not look at held-back rows write them first (``_settle``)."""
        with self._lock:
            if self._in_tx:
                raise RuntimeError("batch() opens the transaction; it cannot be nested")
            self._pending = PendingLevels()
            try:
                with self.transaction():
                    yield
            finally:
                self._pending = None

    def _settle(self) -> None:
        pending = self._pending
        if not pending:
            return
        if pending.nested:  # a savepoint's rollback could not take back rows written now
            raise RuntimeError("a store query that does not read held-back rows ran inside "
                               "a batch's savepoint; settle before the savepoint")
        self._write_pending()

    def _write_pending(self) -> None:
        """Write what the batch held back (one statement per table) and start afresh."""
        pending = self._pending
        if not pending:
            return
        level = pending.levels[0]
        self._exec_many(
            "INSERT INTO stories (id, version, last_seen_at, state) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET version = excluded.version,"
            " last_seen_at = excluded.last_seen_at, state = excluded.state",
            [(st.story.id, st.story.version, ts(st.story.last_seen_at), st.to_json())
             for st in level.stories.values()], "saving a story")
        self._exec_many(self._SAVE_BAND, [(band, story_id) for band, ids in level.bands.items()
                                          for story_id in sorted(ids)], "saving a story")
        self._exec_many(self._SAVE_STORY_ARTICLE, list(level.story_articles.items()),
                        "saving a story")
        self._exec_many(self._SAVE_ALERT, [self._alert_row(a, body)
                                           for a, body in level.alerts.values()],
                        "saving an alert")
        for alert, _body in level.alerts.values():  # each at its latest version only
            self._remember("alert", alert.id, alert.version, alert)
        self._exec_many(self._SAVE_HISTORY, level.history, "saving an alert's history")
        self._exec_many(self._SAVE_ALERT_ARTICLE,
                        [(rule_id, article_id, alert_id, seen_at)
                         for article_id, rules in level.handled.items()
                         for rule_id, (alert_id, seen_at) in rules.items()],
                        "saving an alert's article")
        pending.levels[0] = Pending()

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """A store method's own statements as one unit: a transaction of their own when none
        is open; inside the caller's transaction, no savepoint of their own (two statements
        per write, a third of the alert role's SQL): a failure propagates, and the caller's
        savepoint (the role's, per article) or transaction rolls back all of it."""
        with self._lock:
            if self._in_tx:
                yield
                return
            with self.transaction():
                yield

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        self._depth += 1
        name = f"nw_{self._depth}"
        try:
            try:
                self._run(f"SAVEPOINT {name}")
            except self._errors() as exc:
                raise self._translate(exc, "writing") from exc
            pending = self._pending
            if pending is not None:
                pending.push()
            try:
                yield
            except BaseException:
                self._parsed.clear()
                if pending is not None:
                    pending.discard()
                try:
                    self._run(f"ROLLBACK TO SAVEPOINT {name}")
                    self._run(f"RELEASE SAVEPOINT {name}")
                except self._errors():
                    pass  # the database rolled the whole transaction back (e.g. disk full)
                raise
            if pending is not None:
                pending.release()
            try:
                self._run(f"RELEASE SAVEPOINT {name}")
            except self._errors() as exc:
                raise self._translate(exc, "writing") from exc
        finally:
            self._depth -= 1

    def _exec_many(self, sql: str, rows: Sequence[Sequence[Any]], action: str) -> None:
        if not rows:
            return
        with self._atomic():
            try:
                self._run_many(sql, rows)
            except self._errors() as exc:
                raise self._translate(exc, action) from exc

    def _cached(self, kind: str, key: str, version: int, text: str,
                parse: Callable[[str], Any]) -> Any:
        with self._lock:  # the role's threads (consumer, delivery, timers) share the cache
            entry = self._parsed.get((kind, key))
            if entry is not None and entry[0] == version:
                self._parsed.move_to_end((kind, key))
                return entry[1]
        value = parse(text)
        self._remember(kind, key, version, value)
        return value

    def _remember(self, kind: str, key: str, version: int, value: Any) -> None:
        with self._lock:
            self._parsed[(kind, key)] = (version, value)
            self._parsed.move_to_end((kind, key))
            while len(self._parsed) > _CACHE_SIZE:
                self._parsed.popitem(last=False)

    def _query(self, sql: str, params: Sequence[Any] = (), action: str = "reading"
               ) -> list[Any]:
        with self._lock:
            try:
                return list(self._run(sql, params).fetchall())
            except self._errors() as exc:
                raise self._translate(exc, action) from exc

    def _exec(self, sql: str, params: Sequence[Any], action: str) -> int:
        with self._atomic():
            try:
                return int(self._run(sql, params).rowcount or 0)
            except self._errors() as exc:
                raise self._translate(exc, action) from exc

    # Every query that does not look at held-back rows (``pending``) goes through these three:
    # they write what a batch holds back first, so such a query reads what the batch wrote.
    # Under the lock: another thread waits for the batch to end (the batch holds the lock),
    # and never sees, writes or trips over the batch's held rows.
    def _all(self, sql: str, params: Sequence[Any] = (), action: str = "reading") -> list[Any]:
        with self._lock:
            self._settle()
            return self._query(sql, params, action)

    def _do(self, sql: str, params: Sequence[Any], action: str) -> int:
        with self._lock:
            self._settle()
            return self._exec(sql, params, action)

    def _do_many(self, sql: str, rows: Sequence[Sequence[Any]], action: str) -> None:
        with self._lock:
            self._settle()
            self._exec_many(sql, rows, action)

    # ---- alerts ------------------------------------------------------------------------------

    @_locked
    def get(self, alert_id: str) -> Alert | None:
        held = self._held_alert(alert_id)
        if held is not None:
            return held
        rows = self._query("SELECT version, body FROM alerts WHERE id = ?", (alert_id,))
        if not rows:
            return None
        return self._cached("alert", alert_id, int(rows[0][0]), rows[0][1],
                            Alert.model_validate_json)

    def find_by_prefix(self, prefix: str) -> list[Alert]:
        """Alerts whose id starts with ``prefix`` (operators type short ids)."""
        rows = self._all("SELECT body FROM alerts WHERE id >= ? AND id < ? LIMIT 5",
                         (prefix, prefix + "\uffff"))
        return [Alert.model_validate_json(r[0]) for r in rows]

    def _held_alert(self, alert_id: str) -> Alert | None:
        pending = self._pending
        return pending.alert(alert_id) if pending else None

    @_locked
    def alerts_for(self, article_id: str, story_id: str
                   ) -> tuple[dict[str, Alert], dict[str, Alert]]:
        """By rule id: the alerts that already folded ``article_id`` in, and those on
        ``story_id`` (the engine's ``AlertLookup``)."""
        rows = self._query(  # one statement for both (0: handled, 1: on the story)
            "SELECT 0, x.rule_id, a.id, a.version FROM alert_articles x JOIN alerts a"
            " ON a.id = x.alert_id WHERE x.article_id = ?"
            " UNION ALL SELECT 1, rule_id, id, version FROM alerts WHERE story_id = ?",
            (article_id, story_id))
        pending = self._pending
        # the batch's held-back alerts come first; rows of rules they answer are not parsed
        held = ((pending.handled(article_id), pending.alerts_on_story(story_id)) if pending
                else ({}, {}))
        found: tuple[dict[str, Any], dict[str, Any]] = ({}, {})  # Alert by rule id
        for which, rule_id, alert_id, version in rows:
            if rule_id not in held[which]:
                found[which][rule_id] = self._fresh_alert(alert_id, int(version))
        if pending:
            for by_rule, held_ids in zip(found, held, strict=True):
                for rule_id, alert_id in held_ids.items():
                    by_rule[rule_id] = pending.alert(alert_id)
        return found

    def _fresh_alert(self, alert_id: str, version: int) -> Alert:
        """The alert at ``version`` (or as held back, newer)."""
        return self._at_version(
            "alert", alert_id, version, self._held_alert(alert_id),
            "SELECT version, body FROM alerts WHERE id = ?", Alert.model_validate_json)

    def _at_version(self, kind: str, key: str, version: int, held: Any, select: str,
                    parse: Callable[[str], Any]) -> Any:
        """``held`` (a batch's newer object) when there is one, else the object at ``version``
        from the cache, else its row read with ``select`` (version, body) and parsed: bodies
        are read only then."""
        if held is not None:
            return held
        with self._lock:
            entry = self._parsed.get((kind, key))
        if entry is not None and entry[0] == version:
            return entry[1]
        rows = self._query(select, (key,))
        return self._cached(kind, key, int(rows[0][0]), rows[0][1], parse)

    @_locked
    def alert_for_article(self, rule_id: str, article_id: str) -> Alert | None:
        """The alert this rule already folded this article into (a re-delivery), if any."""
        pending = self._pending
        if pending:
            held = pending.handled(article_id).get(rule_id)
            if held is not None:
                return pending.alert(held)
        rows = self._query(
            "SELECT a.id, a.version FROM alert_articles x JOIN alerts a"
            " ON a.id = x.alert_id WHERE x.rule_id = ? AND x.article_id = ?",
            (rule_id, article_id))
        return self._fresh_alert(rows[0][0], int(rows[0][1])) if rows else None

    def save_alert(self, alert: Alert, *, article_id: str | None = None,
                   actor: str | None = None, comment: str | None = None) -> None:
        """Upsert the alert's current version, append it to the history, and record the
        article folded into it. Idempotent per (alert id, version)."""
        self.save_alerts([alert], article_id=article_id, actor=actor, comment=comment)

    _SAVE_ALERT = (
        "INSERT INTO alerts (id, rule_id, story_id, state, severity, version,"
        " primary_country, first_seen_at, last_seen_at, raised_at, updated_at, body)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET state = excluded.state,"
        " severity = excluded.severity, version = excluded.version,"
        " primary_country = excluded.primary_country,"
        " last_seen_at = excluded.last_seen_at, updated_at = excluded.updated_at,"
        " body = excluded.body")
    _SAVE_HISTORY = (
        "INSERT INTO alert_history (alert_id, version, change, at, actor, comment, body)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id, version) DO NOTHING")
    _SAVE_ALERT_ARTICLE = (
        "INSERT INTO alert_articles (rule_id, article_id, alert_id, seen_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (rule_id, article_id) DO NOTHING")

    @staticmethod
    def _alert_row(a: Alert, body: str) -> tuple[Any, ...]:
        return (a.id, a.rule_id, a.story_id, a.state, a.severity, a.version, a.primary_country,
                ts(a.first_seen_at), ts(a.last_seen_at), ts(a.raised_at), ts(a.updated_at), body)

    @_locked
    def save_alerts(self, alerts: Sequence[Alert], *, article_id: str | None = None,
                    actor: str | None = None, comment: str | None = None,
                    bodies: Mapping[str, str] | None = None) -> None:
        """``save_alert`` for several alerts in three statements (one per table); inside a
        ``batch()``, held back until it commits. ``bodies``: alert id -> its JSON, when the
        caller has serialised them already."""
        if not alerts:
            return
        given = bodies or {}
        texts = [given.get(a.id) or a.model_dump_json() for a in alerts]
        stamps = _stamps([a.updated_at for a in alerts])  # one article's alerts share one
        history = [(a.id, a.version, a.change, at, actor, comment, body)
                   for a, body, at in zip(alerts, texts, stamps, strict=True)]
        with self._lock:
            pending = self._pending
            if pending is not None and self._in_tx:
                top = pending.top
                handled = top.handled.setdefault(article_id, {}) if article_id is not None else None
                for alert, body, at in zip(alerts, texts, stamps, strict=True):
                    top.alerts[alert.id] = (alert, body)
                    top.by_story.setdefault(alert.story_id, {})[alert.rule_id] = alert.id
                    if handled is not None and alert.rule_id not in handled:
                        handled[alert.rule_id] = (alert.id, at)
                top.history += history
            else:
                with self._atomic():
                    self._do_many(self._SAVE_ALERT, [
                        self._alert_row(a, body) for a, body in zip(alerts, texts, strict=True)],
                        "saving an alert")
                    self._do_many(self._SAVE_HISTORY, history, "saving an alert's history")
                    if article_id is not None:
                        self._do_many(self._SAVE_ALERT_ARTICLE,
                                      [(a.rule_id, article_id, a.id, at)
                                       for a, at in zip(alerts, stamps, strict=True)],
                                      "saving an alert's article")
                for alert in alerts:  # a batch's held alerts are remembered when written
                    self._remember("alert", alert.id, alert.version, alert)

    def history(self, alert_id: str) -> list[HistoryEntry]:
        rows = self._all("SELECT alert_id, version, change, at, actor, comment, body"
                         " FROM alert_history WHERE alert_id = ? ORDER BY version", (alert_id,))
        return [HistoryEntry(r[0], int(r[1]), r[2], _dt(r[3]), r[4], r[5],
                             Alert.model_validate_json(r[6])) for r in rows]

    def articles_of(self, alert_id: str) -> list[str]:
        rows = self._all("SELECT article_id FROM alert_articles WHERE alert_id = ?"
                         " ORDER BY seen_at", (alert_id,))
        return [r[0] for r in rows]

    def _where(self, query: AlertQuery) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, values in (("state", query.states), ("severity", query.severities),
                               ("rule_id", query.rules)):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params += list(values)
        if query.story_id:
            clauses.append("story_id = ?")
            params.append(query.story_id)
        if query.since is not None:
            clauses.append("updated_at >= ?")
            params.append(ts(query.since))
        # list fields live in the JSON body; a LIKE on the quoted value narrows them down and
        # _matches below decides exactly
        for values in (query.countries, query.event_types, query.actors, query.admin1):
            if values:
                clauses.append("(" + " OR ".join("body LIKE ?" for _ in values) + ")")
                params += [f'%"{v}"%' for v in values]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    @staticmethod
    def _matches(alert: Alert, query: AlertQuery) -> bool:
        if query.countries and not set(query.countries) & {
                *alert.countries, *([alert.primary_country] if alert.primary_country else [])}:
            return False
        if query.event_types and not set(query.event_types) & set(alert.event_types):
            return False
        if query.admin1 and not set(query.admin1) & set(alert.admin1):
            return False
        return not (query.actors and not set(query.actors) & set(alert.actors))

    def list_alerts(self, query: AlertQuery = _ALL) -> list[Alert]:
        """Alerts matching ``query``, most recently changed first."""
        where, params = self._where(query)
        exact = not (query.countries or query.event_types or query.actors or query.admin1)
        limit = query.limit if exact else query.limit * 4 + 100
        rows = self._all(f"SELECT body FROM alerts{where} ORDER BY updated_at DESC, id"
                         " LIMIT ? OFFSET ?", (*params, limit, query.offset if exact else 0))
        alerts = [Alert.model_validate_json(r[0]) for r in rows]
        if exact:
            return alerts
        found = [a for a in alerts if self._matches(a, query)]
        return found[query.offset:query.offset + query.limit]

    def count_alerts(self, query: AlertQuery = _ALL) -> int:
        where, params = self._where(query)
        if query.countries or query.event_types or query.actors or query.admin1:
            rows = self._all(f"SELECT body FROM alerts{where}", params)
            return sum(self._matches(Alert.model_validate_json(r[0]), query) for r in rows)
        return int(self._all(f"SELECT count(*) FROM alerts{where}", params)[0][0])

    def alert_counts(self, states: Sequence[str] = _ACTIVE) -> list[tuple[str | None, str, int]]:
        """``(primary country, severity, alerts)`` for alerts in ``states`` (the console's
        map and filter lists)."""
        rows = self._all("SELECT primary_country, severity, count(*) FROM alerts"
                         f" WHERE state IN ({', '.join('?' * len(states))})"
                         " GROUP BY primary_country, severity", tuple(states))
        return [(r[0], r[1], int(r[2])) for r in rows]

    def admin1_counts(self, states: Sequence[str] = _ACTIVE) -> list[tuple[str, str, int]]:
        """``(ISO 3166-2 division, severity, alerts)`` for alerts in ``states`` that name a
        division (the console's map). Divisions live in the JSON body: a LIKE keeps the rows
        that have any, and the body decides."""
        rows = self._all("SELECT severity, body FROM alerts"
                         f" WHERE state IN ({', '.join('?' * len(states))})"
                         " AND body LIKE ?", (*states, '%"admin1":["%'))
        counts: dict[tuple[str, str], int] = {}
        for severity, body in rows:
            for code in json.loads(body).get("admin1") or ():
                counts[(code, severity)] = counts.get((code, severity), 0) + 1
        return [(code, severity, n) for (code, severity), n in sorted(counts.items())]

    def rule_ids(self) -> list[str]:
        """Distinct rule ids of stored alerts, sorted (the console's rule filter)."""
        return [r[0] for r in self._all("SELECT DISTINCT rule_id FROM alerts ORDER BY rule_id")]

    def quiet_alerts(self, before: datetime, limit: int = 500) -> list[Alert]:
        """Open alerts (new, updated, acknowledged) raised at or before ``before`` whose latest
        article is not newer than ``before``."""
        rows = self._all("SELECT body FROM alerts WHERE state IN (?, ?, ?) AND last_seen_at <= ?"
                         " AND raised_at <= ? ORDER BY last_seen_at LIMIT ?",
                         (*_ACTIVE, ts(before), ts(before), limit))
        return [Alert.model_validate_json(r[0]) for r in rows]

    def prune(self, before: datetime) -> int:
        """Delete resolved alerts (with their history and article links) not changed since
        ``before``; returns how many. Open alerts are kept whatever their age."""
        cutoff = ts(before)
        with self._atomic():
            gone = "SELECT id FROM alerts WHERE state = 'resolved' AND updated_at < ?"
            self._do(f"DELETE FROM alert_articles WHERE alert_id IN ({gone})", (cutoff,),
                     "pruning")
            self._do(f"DELETE FROM alert_history WHERE alert_id IN ({gone})", (cutoff,),
                     "pruning")
            return self._do("DELETE FROM alerts WHERE state = 'resolved' AND updated_at < ?",
                            (cutoff,), "pruning")

    def count(self) -> int:
        return int(self._all("SELECT count(*) FROM alerts")[0][0])

    # ---- articles behind alerts --------------------------------------------------------------

    def save_article(self, article: TaggedArticle, story_id: str, now: datetime) -> None:
        """Keep a tagged article that raised or updated an alert (for the console's evidence
        view); pruned with resolved alerts' retention."""
        body = updated_copy(article, {"story_id": story_id}).model_dump_json()
        self._exec("INSERT INTO articles (id, story_id, seen_at, body) VALUES (?, ?, ?, ?)"
                   " ON CONFLICT (id) DO NOTHING", (article.id, story_id, ts(now), body),
                   "saving an article")

    def get_article(self, article_id: str) -> TaggedArticle | None:
        rows = self._all("SELECT body FROM articles WHERE id = ?", (article_id,))
        return TaggedArticle.model_validate_json(rows[0][0]) if rows else None

    def articles_of_story(self, story_id: str, limit: int = 100) -> list[TaggedArticle]:
        """Kept articles of a story, oldest first."""
        rows = self._all("SELECT body FROM articles WHERE story_id = ? ORDER BY seen_at LIMIT ?",
                         (story_id, limit))
        return [TaggedArticle.model_validate_json(r[0]) for r in rows]

    def prune_articles(self, before: datetime) -> int:
        """Forget kept articles seen before ``before`` whose story has no open alert."""
        return self._do("DELETE FROM articles WHERE seen_at < ? AND story_id NOT IN"
                        " (SELECT story_id FROM alerts WHERE state <> 'resolved')",
                        (ts(before),), "pruning articles")

    # ---- silences ----------------------------------------------------------------------------

    def save_silence(self, silence: Silence) -> None:
        self._do("INSERT INTO silences (id, starts_at, ends_at, created_by, body)"
                 " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                 " ends_at = excluded.ends_at, body = excluded.body",
                 (silence.id, ts(silence.starts_at), ts(silence.ends_at), silence.created_by,
                  silence.model_dump_json()), "saving a silence")

    def silences(self, *, active_at: datetime | None = None) -> list[Silence]:
        """All silences, or those in force at ``active_at``."""
        if active_at is None:
            rows = self._all("SELECT body FROM silences ORDER BY starts_at DESC")
        else:
            rows = self._all("SELECT body FROM silences WHERE starts_at <= ? AND ends_at > ?",
                             (ts(active_at), ts(active_at)))
        found = [Silence.model_validate_json(r[0]) for r in rows]
        return found if active_at is None else [s for s in found if s.active(active_at)]

    def get_silence(self, silence_id: str) -> Silence | None:
        rows = self._all("SELECT body FROM silences WHERE id = ?", (silence_id,))
        return Silence.model_validate_json(rows[0][0]) if rows else None

    def prune_silences(self, before: datetime) -> int:
        return self._do("DELETE FROM silences WHERE ends_at < ?", (ts(before),),
                        "pruning silences")

    # ---- stories (StoryIndex) ----------------------------------------------------------------

    _SAVE_BAND = ("INSERT INTO story_bands (band, story_id) VALUES (?, ?)"
                  " ON CONFLICT (band, story_id) DO NOTHING")
    _SAVE_STORY_ARTICLE = ("INSERT INTO story_articles (article_id, story_id) VALUES (?, ?)"
                           " ON CONFLICT (article_id) DO NOTHING")

    def _story_at(self, story_id: str, version: int) -> StoryState:
        """The story as held back, else at ``version``."""
        pending = self._pending
        return self._at_version(
            "story", story_id, version, pending.story(story_id) if pending else None,
            "SELECT version, state FROM stories WHERE id = ?", StoryState.from_json)

    @_locked
    def story_of_article(self, article_id: str) -> StoryState | None:
        pending = self._pending
        held = pending.story_of_article(article_id) if pending else None
        if held is not None:
            return self._story_at(held, -1)
        rows = self._query("SELECT s.id, s.version FROM story_articles x JOIN stories s"
                           " ON s.id = x.story_id WHERE x.article_id = ?", (article_id,))
        return self._story_at(rows[0][0], int(rows[0][1])) if rows else None

    @_locked
    def get_story(self, story_id: str) -> StoryState | None:
        pending = self._pending
        held = pending.story(story_id) if pending else None
        if held is not None:
            return held
        rows = self._query("SELECT version FROM stories WHERE id = ?", (story_id,))
        return self._story_at(story_id, int(rows[0][0])) if rows else None

    @_locked
    def candidates(self, bands: Sequence[str], since: datetime) -> list[StoryState]:
        if not bands:
            return []
        self._lock_story_index()
        found: dict[str, StoryState] = {}
        unique = list(dict.fromkeys(bands))
        pending = self._pending
        after = ts(since)
        for start in range(0, len(unique), 200):
            chunk = unique[start:start + 200]
            # last_seen_at is tested below: a story the batch holds back may be newer
            for story_id, version, last_seen in self._stories_under(chunk):
                if story_id in found or (last_seen < after and not (
                        pending and pending.story(story_id) is not None)):
                    continue
                found[story_id] = self._story_at(story_id, int(version))
        if pending:
            for story_id in pending.stories_filed_under(set(unique)) - found.keys():
                found[story_id] = pending.story(story_id)
        # one entry per story, ordered by id as the memory index is, so ties break alike
        return [state for state in (found[story_id] for story_id in sorted(found))
                if state.story.last_seen_at >= since]

    def _stories_under(self, keys: list[str]) -> list[Any]:
        """(id, version, last_seen_at) of each story filed under any of ``keys`` (at most 200),
        once: without a join per key and a sort for DISTINCT (a fifth less SQLite time than
        joining the keys)."""
        return self._query(
            "SELECT id, version, last_seen_at FROM stories WHERE id IN"
            f" (SELECT story_id FROM story_bands WHERE band IN ({', '.join('?' * len(keys))}))",
            keys)

    @_locked
    def save(self, state: StoryState, article_id: str) -> None:
        story = state.story
        with self._lock:
            pending = self._pending
            # a story's bands only grow: file it under the ones its last saved version lacked
            before = pending.story(story.id) if pending else None
            if before is None:
                entry = self._parsed.get(("story", story.id))
                before = entry[1] if entry is not None else None
            if before is None:
                new_bands = state.bands
            elif len(before.bands) == len(state.bands):  # grown by none (at its limit)
                new_bands = []
            else:
                known = set(before.bands)
                new_bands = [band for band in state.bands if band not in known]
            if pending is not None and self._in_tx:
                top = pending.top
                top.stories[story.id] = state
                top.story_articles.setdefault(article_id, story.id)
                for band in new_bands:
                    top.bands.setdefault(band, set()).add(story.id)
            else:
                with self._atomic():
                    self._do("INSERT INTO stories (id, version, last_seen_at, state)"
                             " VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                             " version = excluded.version, last_seen_at = excluded.last_seen_at,"
                             " state = excluded.state",
                             (story.id, story.version, ts(story.last_seen_at), state.to_json()),
                             "saving a story")
                    self._do_many(self._SAVE_BAND, [(band, story.id) for band in new_bands],
                                  "saving a story")
                    self._do(self._SAVE_STORY_ARTICLE, (article_id, story.id), "saving a story")
            self._remember("story", story.id, story.version, state)

    def expire(self, before: datetime) -> int:
        cutoff = ts(before)
        with self._atomic():
            gone = "SELECT id FROM stories WHERE last_seen_at < ?"
            self._do(f"DELETE FROM story_bands WHERE story_id IN ({gone})", (cutoff,),
                     "expiring stories")
            self._do(f"DELETE FROM story_articles WHERE story_id IN ({gone})", (cutoff,),
                     "expiring stories")
            return self._do("DELETE FROM stories WHERE last_seen_at < ?", (cutoff,),
                            "expiring stories")

    def list_stories(self, limit: int = 100) -> list[StoryState]:
        rows = self._all("SELECT state FROM stories ORDER BY last_seen_at DESC LIMIT ?",
                         (limit,))
        return [StoryState.from_json(r[0]) for r in rows]

    # ---- notification outbox (Outbox) --------------------------------------------------------

    def enqueue(self, route: str, group_key: str, event: NotifyEvent,
                alerts: Sequence[Alert], now: datetime) -> bool:
        payload = json.dumps([a.model_dump(mode="json") for a in alerts], ensure_ascii=False)
        added = self._exec(  # a table batches do not hold back: no need to settle
            "INSERT INTO outbox (route, group_key, event, alerts, created_at, due_at, attempts,"
            " status) VALUES (?, ?, ?, ?, ?, ?, 0, 'pending')"
            " ON CONFLICT (route, group_key) DO NOTHING",
            (route, group_key, event, payload, ts(now), ts(now)), "queueing a notification")
        return added > 0

    def claim(self, route: str, worker: str, now: datetime, lease: timedelta,
              limit: int = 50) -> list[Notification]:
        with self._atomic():
            rows = self._all(
                "SELECT id, group_key, event, alerts, created_at, attempts FROM outbox"
                " WHERE route = ? AND status = 'pending' AND due_at <= ?"
                " AND (claimed_until IS NULL OR claimed_until <= ? OR claimed_by = ?)"
                f" ORDER BY id LIMIT ?{self._claim_lock}",
                (route, ts(now), ts(now), worker, limit), "claiming notifications")
            if rows:
                ids = [r[0] for r in rows]
                self._do(f"UPDATE outbox SET claimed_by = ?, claimed_until = ?"
                         f" WHERE id IN ({', '.join('?' * len(ids))})",
                         (worker, ts(now + lease), *ids), "claiming notifications")
        return [Notification(int(r[0]), route, r[1], r[2],
                             tuple(Alert.model_validate(a) for a in json.loads(r[3])),
                             _dt(r[4]), int(r[5])) for r in rows]

    _claim_lock = ""  # PostgreSQL: " FOR UPDATE SKIP LOCKED"

    def mark_sent(self, ids: Sequence[int], now: datetime) -> None:
        if ids:
            self._do(f"UPDATE outbox SET status = 'sent', sent_at = ?, claimed_until = NULL,"
                     f" attempts = attempts + 1 WHERE id IN ({', '.join('?' * len(ids))})",
                     (ts(now), *ids), "recording a sent notification")

    def mark_failed(self, ids: Sequence[int], error: str, retry_at: datetime | None,
                    now: datetime) -> None:
        if not ids:
            return
        marks = ", ".join("?" * len(ids))
        if retry_at is None:
            self._do(f"UPDATE outbox SET status = 'failed', error = ?, claimed_until = NULL,"
                     f" attempts = attempts + 1 WHERE id IN ({marks})", (error[:500], *ids),
                     "recording a failed notification")
        else:
            self._do(f"UPDATE outbox SET due_at = ?, error = ?, claimed_until = NULL,"
                     f" attempts = attempts + 1 WHERE id IN ({marks})",
                     (ts(retry_at), error[:500], *ids), "recording a failed notification")

    def outbox_counts(self) -> dict[tuple[str, str], int]:
        rows = self._all("SELECT route, status, count(*) FROM outbox GROUP BY route, status")
        return {(r[0], r[1]): int(r[2]) for r in rows}

    def sent_notifications(self, route: str | None = None) -> list[Notification]:
        """Notifications delivered (for tests and the console), oldest first."""
        where, params = ("WHERE status = 'sent'", []) if route is None else (
            "WHERE status = 'sent' AND route = ?", [route])
        rows = self._all(f"SELECT id, route, group_key, event, alerts, created_at, attempts"
                         f" FROM outbox {where} ORDER BY id", params)
        return [Notification(int(r[0]), r[1], r[2], r[3],
                             tuple(Alert.model_validate(a) for a in json.loads(r[4])),
                             _dt(r[5]), int(r[6])) for r in rows]

    def prune_outbox(self, before: datetime) -> int:
        return self._do("DELETE FROM outbox WHERE status IN ('sent', 'failed')"
                        " AND created_at < ?", (ts(before),), "pruning the outbox")

    # ---- records to publish (TopicOutbox) ----------------------------------------------------

    def publish_later(self, topic: str, key: bytes, value: bytes, now: datetime) -> None:
        """Keep a record for the alert role to publish (changes made by the CLI, the console
        or a timer, outside the consume-produce loop). ``topic`` is the topic's name without
        the deployment's prefix (``newswatch.topics.ALERTS``): the role adds its own, so a
        command run with other settings cannot send records to another deployment's topic."""
        self._do("INSERT INTO topic_outbox (topic, record_key, record_value, created_at)"
                 " VALUES (?, ?, ?, ?)",
                 (topic, key.decode("utf-8"), value.decode("utf-8"), ts(now)),
                 "queueing a record")

    def pending_records(self, limit: int = 500) -> list[PendingRecord]:
        rows = self._all("SELECT seq, topic, record_key, record_value FROM topic_outbox"
                         " ORDER BY seq LIMIT ?", (limit,))
        return [PendingRecord(int(r[0]), r[1], r[2].encode("utf-8"), r[3].encode("utf-8"))
                for r in rows]

    def published(self, seqs: Sequence[int]) -> None:
        for start in range(0, len(seqs), 500):
            chunk = seqs[start:start + 500]
            self._do(f"DELETE FROM topic_outbox WHERE seq IN ({', '.join('?' * len(chunk))})",
                     tuple(chunk), "recording published records")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
