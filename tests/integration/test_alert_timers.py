"""The alert role's timers on a real SQLite store (no broker needed): quiet alerts resolve
themselves, rules files hot-reload (a broken edit keeps the old rules and is reported once),
and an ended silence gives its alerts a version without it; every change waits in the topic
outbox for the role to publish."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from newswatch.sinks.alerts.role import AlertTimers
from newswatch.sinks.alerts.rules import load_rules
from newswatch.sinks.alerts.silences import Matcher, new_silence
from newswatch.sinks.alerts.sink import AlertSink
from newswatch.sinks.alerts.store import SqliteAlertStore

from newswatch.contracts import Alert
from newswatch.settings import Settings
from tests.alert_articles import attack

pytestmark = pytest.mark.integration

RULES = """
rules:
  - id: pk-attack
    name: Attack in Pakistan
    severity: high
    quiet_period: 6h
    match: {all: {countries: [PK], event_types: [attack]}}
"""


@pytest.fixture
def timers(tmp_path: Path) -> tuple[AlertTimers, SqliteAlertStore, Path, list[datetime]]:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    store = SqliteAlertStore(tmp_path / "alerts.sqlite3")
    sink = AlertSink(store, load_rules(rules))
    clock = [datetime.now(UTC)]
    settings = Settings(state_dir=tmp_path, rules_file=rules)
    return AlertTimers(sink, settings, rules, clock=lambda: clock[0]), store, rules, clock


def _queued(store: SqliteAlertStore) -> list[Alert]:
    return [Alert.model_validate_json(p.value) for p in store.pending_records()]


def test_a_quiet_alert_resolves_itself_and_is_queued_for_the_topic(timers) -> None:
    timer, store, _rules, clock = timers
    outcome = timer.sink.handle(attack(0, minutes_ago=30), clock[0])
    (alert,) = outcome.alerts
    assert timer.resolve_quiet() == 0  # 30 minutes quiet: the rule's quiet period is 6 h
    clock[0] += timedelta(hours=6)
    assert timer.resolve_quiet() == 1
    resolved = store.get(alert.id)
    assert resolved is not None and resolved.state == "resolved"
    assert resolved.change == "auto_resolved" and resolved.resolved_by == "newswatch"
    assert resolved.version == alert.version + 1
    assert [(a.id, a.version) for a in _queued(store)] == [(alert.id, resolved.version)]
    assert timer.resolve_quiet() == 0  # resolved once


def test_rules_reload_on_change_and_a_broken_edit_keeps_the_old_rules(timers, caplog) -> None:
    timer, _store, rules, _clock = timers
    assert [r.id for r in timer.sink.ruleset.rules] == ["pk-attack"]
    rules.write_text(RULES + """
  - id: ttp
    name: TTP mentioned
    severity: medium
    match: {any: {actors: [ttp]}}
""", encoding="utf-8")
    assert timer.reload_rules()
    assert [r.id for r in timer.sink.ruleset.rules] == ["pk-attack", "ttp"]
    rules.write_text(RULES.replace("countries: [PK]", "countries: [Pakistan]"), encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        assert not timer.reload_rules()
        assert not timer.reload_rules()  # the same broken file: reported once
    assert [r.id for r in timer.sink.ruleset.rules] == ["pk-attack", "ttp"]
    refusals = [r for r in caplog.records if "not reloaded" in r.getMessage()]
    assert len(refusals) == 1 and "'PAKISTAN'" in refusals[0].getMessage()
    assert "rules.yaml:" in refusals[0].getMessage()  # file and line


def test_a_rules_edit_nested_too_deeply_is_refused_and_the_old_rules_stay(timers,
                                                                          caplog) -> None:
    # it raised RecursionError out of the reload (not RulesError), through the role's timer
    timer, _store, rules, _clock = timers
    rules.write_text("rules: " + "[" * 3000 + "\n", encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        assert not timer.reload_rules()
    assert [r.id for r in timer.sink.ruleset.rules] == ["pk-attack"]
    (refusal,) = [r.getMessage() for r in caplog.records if "not reloaded" in r.getMessage()]
    assert "nested too deeply" in refusal


def test_an_ended_silence_gives_its_alerts_a_version_without_it(timers) -> None:
    timer, store, _rules, clock = timers
    silence = new_silence([Matcher(field="rule", value="pk-attack")], created_by="ops",
                          now=clock[0], duration=timedelta(hours=1))
    store.save_silence(silence)
    timer.reload_silences()
    (alert,) = timer.sink.handle(attack(0), clock[0]).alerts
    assert alert.silenced_by == [silence.id]
    clock[0] += timedelta(hours=2)
    timer.reload_silences()
    after = store.get(alert.id)
    assert after is not None and after.silenced_by == [] and after.change == "unsilenced"
    assert _queued(store)[-1].version == after.version
