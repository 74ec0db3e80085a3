"""The alert role's activity line on a real SQLite store: what an operator reads in the log
when no alert appears (no article, no match, or matches too old for a new alert)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from newswatch.sinks.alerts.rules import load_rules
from newswatch.sinks.alerts.silences import Matcher, new_silence
from newswatch.sinks.alerts.sink import AlertSink
from newswatch.sinks.alerts.store import SqliteAlertStore
from newswatch.sinks.alerts.tally import Tally

from tests.alert_articles import attack

pytestmark = pytest.mark.integration

RULES = """
rules:
  - id: pk-attack
    name: Attack in Pakistan
    severity: high
    max_age: 72h
    match: {all: {event_types: [attack]}}
"""


@pytest.fixture
def sink(tmp_path: Path) -> AlertSink:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    return AlertSink(SqliteAlertStore(tmp_path / "alerts.sqlite3"), load_rules(rules))


def test_old_articles_are_counted_as_too_old_not_as_alerts(sink: AlertSink) -> None:
    tally = Tally()
    now = datetime.now(UTC)
    for n in range(3):  # four days old: past the rule's 72 h
        tally.add(sink.handle(attack(n, minutes_ago=4 * 24 * 60), now))
    assert (tally.articles, tally.raised, tally.stale) == (3, 0, 3)
    line = tally.summary()
    assert "3 articles" in line and "alerts 0 raised" in line
    assert "3 rule matches on articles older than the rule's max_age raised nothing" in line


def test_raised_updated_redelivered_and_silenced_are_told_apart(sink: AlertSink) -> None:
    tally = Tally()
    now = datetime.now(UTC)
    first = attack(0)
    tally.add(sink.handle(first, now))
    tally.add(sink.handle(first, now))  # the same article again: re-delivered
    assert (tally.raised, tally.redelivered, tally.stories_opened) == (1, 1, 1)
    sink.silences = [new_silence([Matcher(field="rule", value="pk-attack")], created_by="ops",
                                 now=now, duration=timedelta(hours=1))]
    tally.add(sink.handle(attack(1), now))  # another town: a new story, a silenced alert
    assert (tally.raised, tally.silenced, tally.stale) == (2, 1, 0)
    line = tally.summary()
    assert line.startswith("alert role so far: 3 articles (2 new stories)")
    assert "1 of them silenced" in line and "1 article seen before" in line
    assert "older than" not in line
