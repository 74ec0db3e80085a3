"""Alerts: rules over tagged articles -> alerts (stored, notified, published).

Pure core: ``rules`` (validated YAML), ``matching`` and ``engine`` (decide new / update /
duplicate). Edges: ``store`` (SQLite), ``notify`` (console), ``routes`` (apprise, delivered
from the outbox). ``sink.AlertSink`` ties them together for the Kafka runner:
``AlertSink(rules, store).handle(tagged) -> [Alert]``.
"""

from newswatch.sinks.alerts.engine import AlertHistory, Decision, MemoryHistory, evaluate
from newswatch.sinks.alerts.notify import ConsoleNotifier, Notifier, NotifyError
from newswatch.sinks.alerts.rules import Rule, RulesError, RuleSet, load_rules, parse_rules
from newswatch.sinks.alerts.sink import AlertSink
from newswatch.sinks.alerts.store import (
    AlertStore,
    AlertStoreError,
    AlertStoreFull,
    SqliteAlertStore,
)

__all__ = [
    "AlertHistory",
    "AlertSink",
    "AlertStore",
    "AlertStoreError",
    "AlertStoreFull",
    "ConsoleNotifier",
    "Decision",
    "MemoryHistory",
    "Notifier",
    "NotifyError",
    "Rule",
    "RuleSet",
    "RulesError",
    "SqliteAlertStore",
    "evaluate",
    "load_rules",
    "parse_rules",
]
