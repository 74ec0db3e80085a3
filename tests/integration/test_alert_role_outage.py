"""The alert role when its store cannot be written (a full disk): the batch is not committed
and not dead-lettered, it is retried, and the role exits non-zero if the outage lasts; a role
started once the store works again raises the alert. Nothing is lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from newswatch.sinks.alerts.role import build_alert_runner
from newswatch.sinks.alerts.rules import parse_rules
from newswatch.sinks.alerts.sink import AlertSink
from newswatch.sinks.alerts.store import AlertStoreFull, SqliteAlertStore
from newswatch.sinks.alerts.testing import tagged_article

from newswatch.contracts import Alert, TaggedArticle
from newswatch.kafka.clients import ensure_topics, make_producer
from newswatch.kafka.runner import EXIT_DEPENDENCY_DOWN
from newswatch.settings import Settings
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.integration

RULES = """
rules:
  - id: pk-attack
    name: Attack in Pakistan
    severity: high
    match: {all: {countries: [PK], event_types: [attack]}}
"""


def _attack(n: int) -> TaggedArticle:
    return tagged_article(
        f"Gunmen attack checkpoint in Lakki Marwat, report {n}",
        "Police said militants attacked the checkpoint before dawn. " * 3,
        id=f"article-{n}", countries=[("PK", "Lakki Marwat")], events=[("attack", "attacked")],
        published_at=datetime.now(UTC))


def _fill(db: Path) -> int:
    """Fill a capped store until it refuses a write; the next unused article number."""
    store = SqliteAlertStore(db, max_size_bytes=96 * 1024)
    sink = AlertSink(store, parse_rules({"rules": [{
        "id": "pk-attack", "name": "Attack in Pakistan", "severity": "high",
        "match": {"all": {"countries": ["PK"], "event_types": ["attack"]}}}]}))
    try:
        for n in range(1, 2000):
            try:
                sink.handle(_attack(n), datetime.now(UTC))
            except AlertStoreFull:
                return n
    finally:
        store.close()
    raise AssertionError("the capped store never filled up")


def _run(settings: Settings, store: SqliteAlertStore
         ) -> tuple[threading.Thread, threading.Event, dict]:
    stop = threading.Event()
    result: dict = {}
    runner = build_alert_runner(settings, stop, store=store).runner
    thread = threading.Thread(target=lambda: result.setdefault("code", runner.run()))
    thread.start()
    return thread, stop, result


def test_full_alert_store_retries_then_exits_and_loses_nothing(
        make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    db = tmp_path / "alerts.sqlite3"
    settings = make_settings(broker_timeout_s=4, rules_file=rules)
    ensure_topics(settings)
    n = _fill(db)
    producer = make_producer(settings)
    producer.send(settings.topics.tagged, key=f"article-{n}".encode(),
                  value=_attack(n).model_dump_json().encode())
    producer.flush()
    producer.close()

    full = SqliteAlertStore(db, max_size_bytes=96 * 1024)
    thread, stop, result = _run(settings, full)
    thread.join(60)
    full.close()
    assert result.get("code") == EXIT_DEPENDENCY_DOWN
    assert read_topic(settings, settings.topics.alerts, expect=1, timeout_s=3) == []
    assert read_topic(settings, settings.topics.dlq, expect=1, timeout_s=3) == []

    # disk space again: the same group resumes from the uncommitted record
    healthy = SqliteAlertStore(db)
    thread, stop, result = _run(settings, healthy)
    try:
        alerts = read_topic(settings, settings.topics.alerts, expect=1, timeout_s=40)
    finally:
        stop.set()
        thread.join(30)
    assert result.get("code") == 0
    # the reports of one attack are one story: the article grows the alert the others raised
    (alert,) = [Alert.model_validate_json(r.value) for r in alerts]
    assert alert.latest_article_id == f"article-{n}" and alert.article_count == n
    check = SqliteAlertStore(db)
    assert check.alert_for_article("pk-attack", f"article-{n}") is not None
    check.close()
