"""The alert sink: one tagged article in, the alerts to publish out.

Order per article, and why:

1. evaluate the rules and save the decisions in one store transaction, so cooldown and dedup
   state never half-change;
2. notify, only after the commit, and only when an alert's severity is above what was already
   notified (a new alert, an escalation, or a notification a crash interrupted);
3. return every alert touched (new, updated, and re-delivered ones) for the caller to publish
   on ``news.alerts`` keyed by ``alert.dedup_key``.

If the store cannot be written (disk full, locked, broken) ``handle`` raises
``AlertStoreError`` and nothing is notified or returned: the caller must not commit the
article's offset, so the article is retried once the store works again. Alert ids are stable
and a re-delivered article is recognised, so the retry raises no duplicate alerts. The runner
should treat ``AlertStoreError`` as an outage (pause, retry, exit non-zero if it lasts), not as
bad data for the dead-letter topic.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from newswatch.sinks.alerts.engine import Decision, evaluate
from newswatch.sinks.alerts.metrics import AlertMetrics, default_metrics
from newswatch.sinks.alerts.notify import Notifier, NotifyError, build_notifiers, wants
from newswatch.sinks.alerts.rules import RulesError, RuleSet, load_rules, severity_rank
from newswatch.sinks.alerts.store import AlertStore, AlertStoreError, SqliteAlertStore

from newswatch.contracts import Alert, TaggedArticle

__all__ = ["AlertSink"]

log = logging.getLogger(__name__)


class AlertSink:
    """Evaluates alert rules on tagged articles, keeps the alert store, sends notifications.

    ``store_path`` is a SQLite file (created if missing) or any ``AlertStore``. Notifiers given
    here replace the ``notifications:`` section of the rules file. The rules file is re-read
    when it changes (checked at most every ``reload_interval_s``); a broken edit is logged and
    the previous rules stay in force.
    """

    def __init__(self, rules_path: Path, store_path: Path | AlertStore,
                 notifiers: Sequence[Notifier] | None = None, *,
                 metrics: AlertMetrics | None = None, reload_interval_s: float = 1.0,
                 max_store_bytes: int | None = None) -> None:
        self.rules_path = Path(rules_path)
        self._fixed_notifiers = list(notifiers) if notifiers is not None else None
        self.metrics = metrics or default_metrics()
        self.reload_interval_s = reload_interval_s
        self._signature: tuple[int, int] | None = None
        self._checked_at = time.monotonic()
        self.ruleset: RuleSet = RuleSet(())
        self.notifiers: list[Notifier] = []
        # Fail fast: a sink that starts without valid rules would silently alert on nothing.
        self._load(load_rules(self.rules_path), self._stat())
        if isinstance(store_path, str | os.PathLike):
            self.store: AlertStore = SqliteAlertStore(store_path, max_size_bytes=max_store_bytes)
        else:
            self.store = store_path

    def _stat(self) -> tuple[int, int] | None:
        try:
            st = self.rules_path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _load(self, ruleset: RuleSet, signature: tuple[int, int] | None) -> None:
        self.ruleset = ruleset
        self._signature = signature
        if self._fixed_notifiers is None:
            self.notifiers = build_notifiers(ruleset.notifications)
        else:
            self.notifiers = self._fixed_notifiers
        self.metrics.rules_loaded.set(len(ruleset.enabled))
        log.info("alert rules from %s: %d enabled of %d, %d notifiers", self.rules_path,
                 len(ruleset.enabled), len(ruleset.rules), len(self.notifiers))

    def reload(self) -> bool:
        """Re-read the rules file if it changed. True when new rules are in force."""
        self._checked_at = time.monotonic()
        signature = self._stat()
        if signature == self._signature:
            return False
        if signature is None:
            log.error("alert rules file %s is gone; keeping the %d rules in force",
                      self.rules_path, len(self.ruleset.rules))
            self._signature = None
            self.metrics.rules_reload_errors.inc()
            return False
        try:
            ruleset = load_rules(self.rules_path)
        except RulesError as exc:
            # Remember the broken version so it is reported once, not on every article.
            self._signature = signature
            self.metrics.rules_reload_errors.inc()
            log.error("alert rules not reloaded, keeping the %d rules in force: %s",
                      len(self.ruleset.rules), exc)
            return False
        self._load(ruleset, signature)
        return True

    def handle(self, tagged: TaggedArticle, now: datetime | None = None) -> list[Alert]:
        """Alerts to publish for this article (new, updated or re-delivered); [] if none.

        Raises AlertStoreError when the store fails; retry the article later.
        """
        if time.monotonic() - self._checked_at >= self.reload_interval_s:
            self.reload()
        now = now or datetime.now(UTC)
        try:
            with self.store.transaction():
                decisions = evaluate(self.ruleset, tagged, now, self.store)
                for d in decisions:
                    if d.kind != "duplicate":
                        self.store.save(d.alert, d.rule.id, d.article_id, now)
        except AlertStoreError as exc:
            self.metrics.store_errors.inc()
            log.error("article %s not processed, will be retried: %s", tagged.id, exc)
            raise
        for d in decisions:
            self._count(d)
        for d in decisions:
            self._notify(d)
        return [d.alert for d in decisions]

    def _count(self, d: Decision) -> None:
        m = self.metrics
        if d.kind == "new":
            m.raised.labels(d.rule.id, d.alert.severity).inc()
        elif d.kind == "update":
            m.suppressed.labels(d.rule.id).inc()
            if d.escalated:
                m.escalated.labels(d.rule.id).inc()
        else:
            m.duplicates.labels(d.rule.id).inc()

    def _notify(self, d: Decision) -> None:
        alert = d.alert
        notified = self.store.notified_severity(alert.id)
        if notified is not None and severity_rank(alert.severity) <= severity_rank(notified):
            return
        event = "new" if notified is None else "escalated"
        for notifier in self.notifiers:
            if not wants(notifier, alert):
                continue
            try:
                notifier.notify(alert, event)
            except NotifyError as exc:
                self.metrics.notification_failures.labels(notifier.name).inc()
                log.error("notification of alert %s failed: %s", alert.id, exc)
            except Exception:
                # A notifier bug must not stop alerts from being stored and published.
                self.metrics.notification_failures.labels(notifier.name).inc()
                log.exception("notifier %s crashed on alert %s", notifier.name, alert.id)
            else:
                self.metrics.notifications.labels(notifier.name).inc()
        # Recorded even after a failure: the webhook already retried; re-sending on every
        # later article would turn one outage into a flood.
        self.store.mark_notified(alert.id, alert.severity)

    def recent(self, limit: int = 100) -> list[Alert]:
        return self.store.recent(limit)

    def close(self) -> None:
        self.store.close()
