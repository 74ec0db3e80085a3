"""Alerts: rules over tagged articles and their stories -> alerts with a lifecycle.

Pure core: ``rules`` (validated YAML), ``matching``, ``engine`` (new / update / duplicate /
stale per rule and story), ``lifecycle`` (acknowledge, resolve, auto-resolve) and
``silences``. Edges: ``store`` (SQLite or PostgreSQL: alerts, history, silences, stories,
outboxes), ``routes`` (apprise, delivered from the outbox), ``console`` (the terminal). ``sink.AlertSink`` ties
the core to the store; ``role`` runs it on the Kafka runner.
"""

from newswatch.sinks.alerts.engine import AlertLookup, Decision, MemoryLookup, alert_id, evaluate
from newswatch.sinks.alerts.rules import Rule, RulesError, RuleSet, load_rules, parse_rules
from newswatch.sinks.alerts.silences import Matcher, Silence
from newswatch.sinks.alerts.store import (
    AlertQuery,
    AlertStoreError,
    AlertStoreFull,
    SqlAlertStore,
    SqliteAlertStore,
    open_store,
)

__all__ = [
    "AlertLookup",
    "AlertQuery",
    "AlertStoreError",
    "AlertStoreFull",
    "Decision",
    "Matcher",
    "MemoryLookup",
    "Rule",
    "RuleSet",
    "RulesError",
    "Silence",
    "SqlAlertStore",
    "SqliteAlertStore",
    "alert_id",
    "evaluate",
    "load_rules",
    "open_store",
    "parse_rules",
]
