"""The ``alert`` role: tagged articles in; stories, alerts and notifications out.

Through the shared runner: each tagged article goes through the sink (story, rules, store,
outbox) and its story and alerts are published keyed by id. Between batches a timer
(``AlertTimers``) hot-reloads the rules and silences, resolves quiet alerts, prunes the store
by its retention, and publishes what the CLI or the console changed meanwhile (their changes
wait in the store's topic outbox, so an action taken while the role is down is published when
it comes back). Delivery workers, one per route, send the outbox's notifications in threads of
their own, so no route can hold up the topic.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from kafka.consumer.fetcher import ConsumerRecord
from newswatch.sinks.alerts import actions, lifecycle
from newswatch.sinks.alerts.console import ConsolePrinter
from newswatch.sinks.alerts.metrics import default_metrics
from newswatch.sinks.alerts.routes import DeliveryWorker, RouteError, select_routes
from newswatch.sinks.alerts.rules import RulesError, RuleSet
from newswatch.sinks.alerts.rules_check import load_checked_rules
from newswatch.sinks.alerts.sink import AlertSink, ArticleOutcome
from newswatch.sinks.alerts.store import AlertQuery, AlertStoreError, SqlAlertStore, open_store
from newswatch.sinks.alerts.tally import Tally
from newswatch.sinks.metrics.content import observe

from newswatch.contracts import Alert, TaggedArticle
from newswatch.kafka.runner import BatchRunner, Output, RetryLater, Transform
from newswatch.settings import ConfigError, Settings

__all__ = ["AlertTimers", "alert_records", "alert_transform", "build_alert_runner",
           "open_alert_store", "run_alert"]

log = logging.getLogger(__name__)

_OPEN = ("new", "updated", "acknowledged")
_TALLY_EVERY_S = 60.0  # how often the role logs what it has done, while articles arrive


def open_alert_store(settings: Settings) -> SqlAlertStore:
    """The store the settings name: ``alerts.store_url``, else SQLite in the state dir."""
    url = settings.alerts.store_url.get_secret_value() if settings.alerts.store_url else None
    max_bytes = (settings.alerts.max_store_mb * 1024 * 1024
                 if settings.alerts.max_store_mb else None)
    return open_store(url, settings.state_dir / "alerts.sqlite3", max_size_bytes=max_bytes)


def alert_records(alerts_topic: str, alerts: list[Alert],
                  bodies: Mapping[str, str] | None = None) -> list[Output]:
    """``news.alerts`` records keyed by alert id; ``bodies``: JSON already serialised."""
    given = bodies or {}
    return [Output(alerts_topic, a.id.encode(), (given.get(a.id) or a.model_dump_json()).encode())
            for a in alerts]


def alert_transform(sink: AlertSink, settings: Settings,
                    on_outcome: Callable[[ArticleOutcome], None] | None = None) -> Transform:
    topics = settings.topics
    metrics = sink.metrics

    def transform(record: ConsumerRecord) -> list[Output]:
        if record.value is None:
            raise ValueError("empty record value (tombstone) on the tagged topic")
        tagged = TaggedArticle.model_validate_json(record.value)
        now = datetime.now(UTC)
        try:
            outcome = sink.handle(tagged, now)
        except AlertStoreError as exc:
            raise RetryLater(f"alert store unavailable: {exc}") from exc
        observe(tagged)
        outputs: list[Output] = []
        story = sink.story_changed(outcome)
        if story is not None:
            metrics.stories.labels(outcome.story.outcome).inc()
            outputs.append(Output(topics.stories, story.id.encode(),
                                  story.model_dump_json().encode()))
        for d in outcome.decisions:
            if d.kind == "new" and d.alert is not None:
                if tagged.published_at is not None:
                    metrics.latency.labels("published").observe(
                        max(0.0, (now - tagged.published_at).total_seconds()))
                if tagged.fetched_at is not None:
                    metrics.latency.labels("fetched").observe(
                        max(0.0, (now - tagged.fetched_at).total_seconds()))
        outputs += alert_records(topics.alerts, outcome.alerts, outcome.bodies)
        if on_outcome is not None:
            on_outcome(outcome)
        return outputs

    return transform


class AlertTimers:
    """The alert role's work between batches (see the module docstring)."""

    def __init__(self, sink: AlertSink, settings: Settings, rules_path: Path, *,
                 delivery: Delivery | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.sink = sink
        self.delivery = delivery
        self.settings = settings
        self.rules_path = rules_path
        self.clock = clock
        self._rules_signature = _signature(rules_path)
        self._silence_ids: frozenset[str] = frozenset()
        self._last: dict[str, float] = {}
        self.reload_silences()

    def _due(self, name: str, every_s: float) -> bool:
        now = time.monotonic()
        if now - self._last.get(name, -1e18) >= every_s:
            self._last[name] = now
            return True
        return False

    def __call__(self) -> tuple[list[Output], Callable[[], None]]:
        try:
            cfg = self.settings.alerts
            if self._due("reload", cfg.reload_interval_s):
                self.reload_rules()
                self.reload_silences()
            if self._due("resolve", cfg.reload_interval_s):
                self.resolve_quiet()
            if self._due("prune", 3600):
                self.prune()
            pending = self.sink.store.pending_records(500)
        except AlertStoreError as exc:
            raise RetryLater(f"alert store unavailable: {exc}") from exc
        prefix = self.settings.topic_prefix
        outputs = [Output(prefix + p.topic, p.key, p.value) for p in pending]
        seqs = [p.seq for p in pending]
        return outputs, (lambda: self._published(seqs)) if seqs else _nothing

    def _published(self, seqs: list[int]) -> None:
        try:
            self.sink.store.published(seqs)
        except AlertStoreError as exc:  # they are published again next time: at least once
            log.warning("published records not yet marked in the alert store: %s", exc)

    def reload_rules(self) -> bool:
        """Re-read the rules file if it changed; each reload or refusal is logged once."""
        signature = _signature(self.rules_path)
        if signature == self._rules_signature:
            return False
        self._rules_signature = signature
        try:
            ruleset = load_checked_rules(self.rules_path)
        except RulesError as exc:
            self.sink.metrics.rules_reload_errors.inc()
            log.error("alert rules not reloaded, keeping the %d rules in force: %s",
                      len(self.sink.ruleset.rules), exc)
            return False
        if self.delivery is not None and ruleset.routes != self.sink.ruleset.routes:
            try:
                self.delivery.restart(ruleset)
            except RouteError as exc:
                self.sink.metrics.rules_reload_errors.inc()
                log.error("alert rules not reloaded, keeping the %d rules in force: %s",
                          len(self.sink.ruleset.rules), exc)
                return False
        self.sink.ruleset = ruleset
        self.sink.metrics.rules_loaded.set(len(ruleset.enabled))
        log.info("alert rules reloaded from %s: %d enabled of %d", self.rules_path,
                 len(ruleset.enabled), len(ruleset.rules))
        return True

    def reload_silences(self) -> None:
        now = self.clock()
        active = self.sink.store.silences(active_at=now)
        ids = frozenset(s.id for s in active)
        if ids != self._silence_ids:
            log.info("silences in force: %d", len(ids))
            ended = self._silence_ids - ids
            self._silence_ids = ids
            self.sink.silences = active
            if ended:
                self._unsilence(ended, now)

    def _unsilence(self, ended: frozenset[str], now: datetime) -> None:
        """Alerts covered by silences that ended get a version without them."""
        store = self.sink.store
        for alert in store.list_alerts(AlertQuery(states=_OPEN, limit=100_000)):
            if set(alert.silenced_by) & ended:
                still = [i for i in alert.silenced_by if i not in ended]
                changed = lifecycle.with_silences(alert, still, now)
                if changed is not None:
                    self._save_and_publish(changed, actor="newswatch", comment="silence ended")

    def resolve_quiet(self) -> int:
        now = self.clock()
        rules = {r.id: r for r in self.sink.ruleset.rules}
        shortest = min((r.quiet_period for r in rules.values()),
                       default=self.settings.alerts.default_quiet_period)
        resolved = 0
        for alert in self.sink.store.quiet_alerts(now - shortest):
            rule = rules.get(alert.rule_id)
            quiet = rule.quiet_period if rule else self.settings.alerts.default_quiet_period
            if now - max(alert.last_seen_at, alert.raised_at) >= quiet:
                self._save_and_publish(lifecycle.auto_resolve(alert, now), actor="newswatch")
                self.sink.metrics.resolved.labels("quiet").inc()
                resolved += 1
        if resolved:
            log.info("resolved %d quiet alerts", resolved)
        return resolved

    def prune(self) -> None:
        cfg = self.settings.alerts
        now = self.clock()
        store = self.sink.store
        pruned = store.prune(now - cfg.retention)
        expired = store.expire(now - cfg.story_retention)
        store.prune_outbox(now - cfg.retention)
        store.prune_articles(now - cfg.retention)
        store.prune_silences(now - cfg.retention)
        if pruned or expired:
            log.info("store retention: %d resolved alerts and %d quiet stories removed",
                     pruned, expired)

    def _save_and_publish(self, alert: Alert, *, actor: str, comment: str | None = None) -> None:
        actions.store_change(self.sink.store, alert, actor, comment)


@contextmanager
def _store_batch(store: SqlAlertStore) -> Iterator[None]:
    """One store transaction per consumed batch (each article a savepoint inside it, the
    story and alert rows held back until the commit, ``SqlAlertStore.batch``): one commit
    and one write per changed story and alert per batch instead of per article. The runner
    sends the batch's records only after this commit, so a failed commit publishes nothing
    and retries the whole batch. A batch re-delivered after its commit (a lost producer
    flush or offset commit) is recognised article by article and its records are published
    again with the same key and version, which consumers of a compacted topic see as one."""
    try:
        with store.batch():
            yield
    except AlertStoreError as exc:
        raise RetryLater(f"alert store unavailable: {exc}") from exc


class Delivery:
    """The delivery workers of the routes in force: one thread per route, rebuilt when a
    rules reload changes the routes (the outbox keeps what is pending meanwhile)."""

    def __init__(self, store: SqlAlertStore, ruleset: RuleSet) -> None:
        self.store = store
        self._worker: DeliveryWorker | None = None
        self._build(ruleset)

    def _build(self, ruleset: RuleSet) -> None:
        worker = DeliveryWorker.from_routes(self.store, ruleset.routes) if ruleset.routes else None
        if self._worker is not None:
            self._worker.stop()
        self._worker = worker
        if worker is not None:
            worker.start()
            log.info("routes: %s", ", ".join(r.name for r in ruleset.routes))

    def restart(self, ruleset: RuleSet) -> None:
        """New routes; raises RouteError (and keeps the old ones) when one cannot be built."""
        if ruleset.routes:
            DeliveryWorker.from_routes(self.store, ruleset.routes)  # fail before stopping
        self._build(ruleset)

    def wake(self) -> None:
        if self._worker is not None:
            self._worker.wake()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None


def _nothing() -> None:
    return None


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def load_rules_or_exit(path: Path) -> RuleSet:
    """The checked rules, or ConfigError (exit 2, one line) before anything starts."""
    try:
        return load_checked_rules(path)
    except RulesError as exc:
        raise ConfigError(str(exc)) from None


@dataclass
class AlertRole:
    """What ``build_alert_runner`` assembles; ``close`` stops delivery and closes the store."""

    runner: BatchRunner
    sink: AlertSink
    delivery: Delivery
    tally: Tally

    def run(self) -> int:
        return self.runner.run()

    def close(self) -> None:
        log.info("%s", self.tally.summary())
        self.delivery.stop()
        self.sink.store.close()


def build_alert_runner(settings: Settings, stop: threading.Event, *, json_lines: bool = False,
                       stream: TextIO | None = None,
                       store: SqlAlertStore | None = None) -> AlertRole:
    ruleset = load_rules_or_exit(settings.rules_file)
    if store is None:
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        store = open_alert_store(settings)
    metrics = default_metrics()
    metrics.rules_loaded.set(len(ruleset.enabled))
    sink = AlertSink(store, ruleset, metrics=metrics, story_config=settings.alerts.story_config())
    sink.routes = lambda alerts: select_routes(sink.ruleset.routes, alerts)
    log.info("alert store: %s; rules: %s (%d enabled)", store.location or store.dialect,
             settings.rules_file, len(ruleset.enabled))
    try:
        delivery = Delivery(store, ruleset)
    except RouteError as exc:
        raise ConfigError(str(exc)) from None
    printer = ConsolePrinter(stream or sys.stdout, json_lines=json_lines)
    tally = Tally()
    logged_at = [time.monotonic()]

    def after_article(outcome: ArticleOutcome) -> None:
        printer(outcome)
        if outcome.to_notify:
            delivery.wake()
        tally.add(outcome)
        if time.monotonic() - logged_at[0] >= _TALLY_EVERY_S:
            logged_at[0] = time.monotonic()
            log.info("%s", tally.summary())

    timers = AlertTimers(sink, settings, settings.rules_file, delivery=delivery)
    runner = BatchRunner.from_settings(
        settings, "alert", settings.groups.alert, settings.topics.tagged,
        alert_transform(sink, settings, after_article), stop, tick=timers,
        batch_scope=lambda: _store_batch(store))
    return AlertRole(runner, sink, delivery, tally)


def run_alert(settings: Settings, stop: threading.Event, *, json_lines: bool = False) -> int:
    role = build_alert_runner(settings, stop, json_lines=json_lines)
    try:
        return role.run()
    finally:
        role.close()
