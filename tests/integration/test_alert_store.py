"""The SQLite alert store and the alert sink on real database files.

Full disk policy (what these tests pin down): when the store cannot be written, ``handle``
raises ``AlertStoreFull`` (an ``AlertStoreError``), the transaction is rolled back, nothing is
notified or returned, and the caller must retry the article later (the runner rewinds the
batch). Once the store can be written again, the retried article raises its alert exactly once.
"""

from __future__ import annotations

import io
import logging
import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from newswatch.sinks.alerts.engine import evaluate
from newswatch.sinks.alerts.metrics import AlertMetrics
from newswatch.sinks.alerts.notify import ConsoleNotifier
from newswatch.sinks.alerts.rules import load_rules
from newswatch.sinks.alerts.sink import AlertSink
from newswatch.sinks.alerts.store import AlertStoreError, AlertStoreFull, SqliteAlertStore
from newswatch.sinks.alerts.testing import tagged_article
from prometheus_client import CollectorRegistry

from newswatch.contracts import Alert

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)

RULES = """
rules:
  - id: pk-attack
    name: Militant attack in Pakistan
    severity: high
    match:
      all: {countries: [PK], event_types: [attack, bombing]}
    dedup_by: [primary_country, event_types]
    cooldown: 30m
    escalate:
      - {to: critical, min_occurrences: 3}
  - id: ttp
    name: Mentions of TTP
    severity: low
    match:
      any: {keywords: [TTP]}
"""


def attack(n: int, **kw) -> object:
    return tagged_article(
        f"Gunmen attack checkpoint in Lakki Marwat, report {n}",
        "Police said militants of the TTP attacked the checkpoint before dawn. " * 3,
        id=f"article-{n}", url=f"https://demo.newswatch.example/{n}",
        countries=[("PK", "Lakki Marwat")], events=[("attack", "attacked")], **kw)


@pytest.fixture
def rules_path(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


@pytest.fixture
def metrics() -> AlertMetrics:
    return AlertMetrics(CollectorRegistry())


def value(metric, **labels) -> float:
    return (metric.labels(**labels) if labels else metric)._value.get()


def make_sink(rules_path: Path, db: Path, metrics: AlertMetrics, out: io.StringIO | None = None,
              **kw) -> AlertSink:
    notifier = ConsoleNotifier(out if out is not None else io.StringIO())
    return AlertSink(rules_path, db, [notifier], metrics=metrics, reload_interval_s=0, **kw)


# --- store ----------------------------------------------------------------------------------

def test_schema_created_on_open_with_wal(tmp_path: Path):
    db = tmp_path / "sub" / "alerts.sqlite3"
    SqliteAlertStore(db).close()
    con = sqlite3.connect(db)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"alerts", "alert_articles"} <= tables
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    con.close()


def test_newer_schema_is_refused(tmp_path: Path):
    db = tmp_path / "alerts.sqlite3"
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version=99")
    con.close()
    with pytest.raises(AlertStoreError, match="newer than this code"):
        SqliteAlertStore(db)


def test_upsert_is_idempotent_and_survives_restart(tmp_path: Path, rules_path: Path):
    db = tmp_path / "alerts.sqlite3"
    rules = load_rules(rules_path)
    store = SqliteAlertStore(db)
    (decision, _) = evaluate(rules, attack(1), T0, store)
    for _ in range(3):
        store.save(decision.alert, "pk-attack", "article-1", T0)
    assert store.count() == 1
    store.close()

    with SqliteAlertStore(db) as reopened:
        assert reopened.latest(decision.alert.dedup_key) == decision.alert
        assert reopened.find_by_article("pk-attack", "article-1") == decision.alert
        assert reopened.find_by_article("ttp", "article-1") is None
        assert reopened.get(decision.alert.id) == decision.alert
        (again, _) = evaluate(rules, attack(1), T0 + timedelta(hours=5), reopened)
        assert again.kind == "duplicate"


def test_latest_and_recent_order(tmp_path: Path):
    base = attack(1)
    alerts = []
    with SqliteAlertStore(tmp_path / "a.db") as store:
        for i, minutes in enumerate([0, 40, 20]):
            alert = Alert(id=f"id{i}", rule_id="r", rule_name="R", severity="high",
                          dedup_key="k", article_id=f"a{i}", title=base.title,
                          raised_at=T0 + timedelta(minutes=minutes))
            alerts.append(alert)
            store.save(alert, "r", f"a{i}", alert.raised_at)
        assert store.latest("k").id == "id1"
        assert [a.id for a in store.recent()] == ["id1", "id2", "id0"]
        assert [a.id for a in store.recent(limit=1)] == ["id1"]
        assert [a.id for a in store.recent(since=T0 + timedelta(minutes=10))] == ["id1", "id2"]
        assert store.latest("other") is None


def test_prune_removes_old_alerts_and_their_articles(tmp_path: Path, rules_path: Path):
    rules = load_rules(rules_path)
    with SqliteAlertStore(tmp_path / "a.db") as store:
        for n, at in ((1, T0), (2, T0 + timedelta(days=10))):
            with store.transaction():
                for d in evaluate(rules, attack(n), at, store):
                    store.save(d.alert, d.rule.id, d.article_id, at)
        assert store.count() == 4  # two rules x two articles, ten days apart (past cooldown)
        assert store.prune(T0 + timedelta(days=5)) == 2
        assert store.find_by_article("ttp", "article-1") is None
        assert store.find_by_article("ttp", "article-2") is not None
        assert store.count() == 2


def test_failed_transaction_leaves_nothing_behind(tmp_path: Path):
    base = attack(1)
    alert = Alert(id="x", rule_id="r", rule_name="R", severity="high", dedup_key="k",
                  article_id="a", title=base.title, raised_at=T0)
    with SqliteAlertStore(tmp_path / "a.db") as store:
        with pytest.raises(RuntimeError, match="boom"), store.transaction():
            store.save(alert, "r", "a", T0)
            raise RuntimeError("boom")
        assert store.count() == 0 and store.find_by_article("r", "a") is None


# --- sink -----------------------------------------------------------------------------------

def test_sink_raises_updates_escalates_and_notifies(tmp_path, rules_path, metrics):
    out = io.StringIO()
    sink = make_sink(rules_path, tmp_path / "alerts.sqlite3", metrics, out)
    first = sink.handle(attack(1), T0)
    assert sorted(a.rule_id for a in first) == ["pk-attack", "ttp"]
    pk = next(a for a in first if a.rule_id == "pk-attack")
    assert pk.severity == "high" and pk.occurrences == 1

    second = sink.handle(attack(2), T0 + timedelta(minutes=5))
    pk2 = next(a for a in second if a.rule_id == "pk-attack")
    assert pk2.id == pk.id and pk2.occurrences == 2 and pk2.severity == "high"
    third = sink.handle(attack(3), T0 + timedelta(minutes=6))
    pk3 = next(a for a in third if a.rule_id == "pk-attack")
    assert pk3.occurrences == 3 and pk3.severity == "critical"

    lines = out.getvalue().splitlines()
    # ttp (dedup by article, no cooldown) notifies per article; pk-attack: new + escalation.
    assert sum("[HIGH] Militant attack in Pakistan" in ln for ln in lines) == 1
    assert sum("[CRITICAL] Militant attack in Pakistan" in ln and "escalated" in ln
               for ln in lines) == 1
    assert sum("Mentions of TTP" in ln for ln in lines) == 3
    assert "| PK | Gunmen attack checkpoint in Lakki Marwat, report 1 |" in lines[0] or \
        "| PK | Gunmen attack checkpoint in Lakki Marwat, report 1 |" in lines[1]
    assert value(metrics.raised, rule="pk-attack", severity="high") == 1
    assert value(metrics.suppressed, rule="pk-attack") == 2
    assert value(metrics.escalated, rule="pk-attack") == 1
    assert value(metrics.raised, rule="ttp", severity="low") == 3
    assert value(metrics.notifications, notifier="console") == 5
    sink.close()


def test_redelivery_republishes_without_new_alert_or_notification(tmp_path, rules_path, metrics):
    out = io.StringIO()
    db = tmp_path / "alerts.sqlite3"
    sink = make_sink(rules_path, db, metrics, out)
    first = sink.handle(attack(1), T0)
    sink.close()
    # A restart (new process, same file) and the same article delivered again.
    sink = make_sink(rules_path, db, metrics, out)
    again = sink.handle(attack(1), T0 + timedelta(minutes=1))
    assert {a.id for a in again} == {a.id for a in first}
    assert again == first
    assert len(out.getvalue().splitlines()) == 2  # notified once, not twice
    assert sink.store.count() == 2
    assert value(metrics.duplicates, rule="pk-attack") == 1
    sink.close()


def test_notification_interrupted_by_crash_is_sent_on_redelivery(tmp_path, rules_path, metrics):
    db = tmp_path / "alerts.sqlite3"
    rules = load_rules(rules_path)
    # What a process did before dying after the commit and before notifying.
    with SqliteAlertStore(db) as store, store.transaction():
        for d in evaluate(rules, attack(1), T0, store):
            store.save(d.alert, d.rule.id, d.article_id, T0)
    out = io.StringIO()
    sink = make_sink(rules_path, db, metrics, out)
    published = sink.handle(attack(1), T0 + timedelta(minutes=1))
    assert len(published) == 2
    assert len(out.getvalue().splitlines()) == 2
    sink.handle(attack(1), T0 + timedelta(minutes=2))
    assert len(out.getvalue().splitlines()) == 2
    sink.close()


def test_cooldown_state_survives_restart(tmp_path, rules_path, metrics):
    db = tmp_path / "alerts.sqlite3"
    sink = make_sink(rules_path, db, metrics)
    (pk,) = [a for a in sink.handle(attack(1), T0) if a.rule_id == "pk-attack"]
    sink.close()
    sink = make_sink(rules_path, db, metrics)
    (pk2,) = [a for a in sink.handle(attack(2), T0 + timedelta(minutes=10))
              if a.rule_id == "pk-attack"]
    assert pk2.id == pk.id and pk2.occurrences == 2
    (pk3,) = [a for a in sink.handle(attack(3), T0 + timedelta(minutes=31))
              if a.rule_id == "pk-attack"]
    assert pk3.id != pk.id and pk3.occurrences == 1
    sink.close()


def test_full_database_raises_clearly_and_loses_nothing(tmp_path, rules_path, metrics):
    """A size cap of a few pages plays the full disk (SQLite ``max_page_count``)."""
    db = tmp_path / "alerts.sqlite3"
    out = io.StringIO()
    sink = make_sink(rules_path, db, metrics, out, max_store_bytes=48 * 1024)
    stored: list[Alert] = []
    full_at = None
    for n in range(1, 500):
        try:
            stored.extend(sink.handle(attack(n), T0 + timedelta(hours=n)))
        except AlertStoreFull as exc:
            full_at = n
            message = str(exc)
            break
    assert full_at is not None and full_at > 1, "the cap should be reached after some alerts"
    assert str(db) in message and "full" in message and "retried" in message
    assert value(metrics.store_errors) == 1
    notified_before = out.getvalue()
    assert f"report {full_at} " not in notified_before  # nothing notified for the failed one
    # Everything committed before is intact and readable.
    assert sink.store.count() == len({a.id for a in stored})
    assert sink.store.find_by_article("pk-attack", f"article-{full_at}") is None
    sink.close()

    # Space freed (no cap): the retried article raises its alerts, exactly once.
    sink = make_sink(rules_path, db, metrics, out)
    retried = sink.handle(attack(full_at), T0 + timedelta(hours=full_at))
    assert sorted(a.rule_id for a in retried) == ["pk-attack", "ttp"]
    assert f"report {full_at} " in out.getvalue().replace(notified_before, "")
    assert sink.handle(attack(full_at), T0 + timedelta(hours=full_at)) == retried
    assert out.getvalue().count(f"report {full_at} ") == 2  # two rules, one line each
    sink.close()


def test_rules_reload_on_change_and_keep_old_rules_on_error(tmp_path, rules_path, metrics,
                                                            caplog):
    sink = make_sink(rules_path, tmp_path / "a.db", metrics)
    assert {r.id for r in sink.ruleset.enabled} == {"pk-attack", "ttp"}

    def rewrite(text: str, bump_s: int) -> None:
        rules_path.write_text(text, encoding="utf-8")
        stamp = (T0 + timedelta(seconds=bump_s)).timestamp()
        os.utime(rules_path, (stamp, stamp))

    rewrite(RULES.replace("id: ttp\n", "id: ttp\n    enabled: false\n"), 1)
    alerts = sink.handle(attack(1), T0)
    assert [a.rule_id for a in alerts] == ["pk-attack"]
    assert value(metrics.rules_loaded) == 1

    with caplog.at_level(logging.ERROR, logger="newswatch.sinks.alerts.sink"):
        rewrite(RULES.replace("severity: high", "severity: urgent"), 2)
        alerts = sink.handle(attack(50), T0 + timedelta(days=1))
    assert [a.rule_id for a in alerts] == ["pk-attack"]  # old rules still in force
    assert "rule #1 'pk-attack': field 'severity'" in caplog.text
    assert value(metrics.rules_reload_errors) == 1
    sink.handle(attack(51), T0 + timedelta(days=2))
    assert value(metrics.rules_reload_errors) == 1  # reported once per broken version

    rewrite(RULES, 3)
    alerts = sink.handle(attack(52), T0 + timedelta(days=3))
    assert sorted(a.rule_id for a in alerts) == ["pk-attack", "ttp"]
    sink.close()


def test_bad_rules_at_startup_fail_fast(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - id: x\n    name: X\n    severity: high\n    match: {}\n")
    with pytest.raises(Exception, match="rule #1 'x'"):
        AlertSink(path, tmp_path / "a.db", [], metrics=AlertMetrics(CollectorRegistry()))


def test_two_processes_sharing_the_file_fold_into_one_alert(tmp_path, rules_path, metrics):
    """Two sinks on one file (as two alert processes on one host): the cooldown holds."""
    db = tmp_path / "alerts.sqlite3"
    sinks = [make_sink(rules_path, db, metrics) for _ in range(2)]
    errors: list[BaseException] = []

    def work(sink: AlertSink, start: int) -> None:
        try:
            for n in range(start, start + 20):
                sink.handle(attack(n), T0 + timedelta(seconds=n))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s, i * 100)) for i, s in enumerate(sinks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    pk = [a for a in sinks[0].store.recent(500) if a.rule_id == "pk-attack"]
    assert len(pk) == 1 and pk[0].occurrences == 40
    for s in sinks:
        s.close()
