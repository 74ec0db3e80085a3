"""The alert role when its store cannot be written (a full disk): the batch is not committed
and not dead-lettered, it is retried, and the role exits non-zero if the outage lasts; a role
started once the store works again raises the alert. Nothing is lost."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from newswatch.sinks.alerts.notify import ConsoleNotifier
from newswatch.sinks.alerts.role import build_alert_runner
from newswatch.sinks.alerts.sink import AlertSink
from newswatch.sinks.alerts.store import AlertStoreFull
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
        id=f"article-{n}", countries=[("PK", "Lakki Marwat")], events=[("attack", "attacked")])


def _full_sink(rules: Path, db: Path) -> tuple[AlertSink, int]:
    """A sink whose capped store is full: returns it and the next unused article number."""
    sink = AlertSink(rules, db, [ConsoleNotifier(io.StringIO())], max_store_bytes=48 * 1024)
    for n in range(1, 1000):
        try:
            sink.handle(_attack(n))
        except AlertStoreFull:
            return sink, n
    raise AssertionError("the capped store never filled up")


def _run(settings: Settings, sink: AlertSink) -> tuple[threading.Thread, threading.Event, dict]:
    stop = threading.Event()
    result: dict = {}
    runner = build_alert_runner(settings, stop, sink=sink)
    thread = threading.Thread(target=lambda: result.setdefault("code", runner.run()))
    thread.start()
    return thread, stop, result


def test_full_alert_store_retries_then_exits_and_loses_nothing(
        make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    db = tmp_path / "alerts.sqlite3"
    settings = make_settings(broker_timeout_s=4)
    ensure_topics(settings)
    sink, n = _full_sink(rules, db)
    producer = make_producer(settings)
    producer.send(settings.topics.tagged, key=f"article-{n}".encode(),
                  value=_attack(n).model_dump_json().encode())
    producer.flush()
    producer.close()

    thread, stop, result = _run(settings, sink)
    thread.join(60)
    assert result.get("code") == EXIT_DEPENDENCY_DOWN
    sink.close()
    assert read_topic(settings, settings.topics.alerts, expect=1, timeout_s=3) == []
    assert read_topic(settings, settings.topics.dlq, expect=1, timeout_s=3) == []

    # disk space again: the same group resumes from the uncommitted record
    healthy = AlertSink(rules, db, [ConsoleNotifier(io.StringIO())])
    thread, stop, result = _run(settings, healthy)
    try:
        alerts = read_topic(settings, settings.topics.alerts, expect=1, timeout_s=40)
    finally:
        stop.set()
        thread.join(30)
    assert result.get("code") == 0
    assert [Alert.model_validate_json(r.value).article_id for r in alerts] == [f"article-{n}"]
    assert healthy.store.find_by_article("pk-attack", f"article-{n}") is not None
