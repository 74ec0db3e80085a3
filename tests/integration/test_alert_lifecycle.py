"""The alert lifecycle through the real role, store, CLI and broker.

The role consumes tagged articles from a real broker and publishes alerts keyed by alert id,
each change with a higher version; operators act with the real ``newswatch alerts`` command
(a separate process on the same store file), and the role publishes those changes too. A
consumer that compacts the topic (the latest record per key) finds every alert in the state
the store has.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from newswatch.sinks.alerts.role import build_alert_runner
from newswatch.sinks.alerts.store import AlertQuery, SqliteAlertStore

from newswatch.contracts import Alert, Story, TaggedArticle
from newswatch.kafka.clients import ensure_topics
from newswatch.settings import Settings
from tests.alert_articles import attack
from tests.kafka_helpers import produce_tagged, read_to_end

pytestmark = pytest.mark.integration

RULES = """
rules:
  - id: pk-attack
    name: Attack in Pakistan
    severity: high
    match: {all: {countries: [PK, AF], event_types: [attack, bombing]}}
  - id: ttp
    name: TTP mentioned
    severity: medium
    match: {any: {actors: [ttp]}}
"""


def _article(n: int) -> TaggedArticle:
    return attack(n)



@pytest.fixture
def role(make_settings: Callable[..., Settings], tmp_path: Path
         ) -> Iterator[tuple[Settings, Callable[..., subprocess.CompletedProcess]]]:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    settings = make_settings(rules_file=rules, alerts={"reload_interval_s": 0.5})
    ensure_topics(settings)
    stop = threading.Event()
    alert_role = build_alert_runner(settings, stop)
    thread = threading.Thread(target=alert_role.run)
    thread.start()

    def cli(*args: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
        env["NEWSWATCH_STATE_DIR"] = str(settings.state_dir)
        return subprocess.run([sys.executable, "-m", "newswatch.cli.main", "alerts", *args],
                              env=env, capture_output=True, text=True, timeout=60, check=False)

    try:
        yield settings, cli
    finally:
        stop.set()
        thread.join(30)
        alert_role.close()


def _wait_for(settings: Settings, topic: str, test: Callable[[list], bool],
              timeout_s: float = 40) -> list:
    deadline = time.monotonic() + timeout_s
    records: list = []
    while time.monotonic() < deadline:
        records = read_to_end(settings, topic)
        if test(records):
            return records
        time.sleep(0.5)
    return records


def _latest(records: list) -> dict[str, Alert]:
    """What a compacted topic keeps: the last record of each key."""
    state: dict[str, Alert] = {}
    for record in records:
        state[record.key.decode()] = Alert.model_validate_json(record.value)
    return state


def test_alerts_topic_is_keyed_by_alert_id_and_compacts_to_the_store(role) -> None:
    settings, cli = role
    produce_tagged(settings, [_article(0), _article(1)])
    records = _wait_for(settings, settings.topics.alerts, lambda r: len(r) >= 4)
    alerts = [Alert.model_validate_json(r.value) for r in records]
    assert all(r.key.decode() == a.id for r, a in zip(records, alerts, strict=True))
    # two events (two stories) x two rules: four distinct alerts, none sharing a key
    assert len({a.id for a in alerts}) == 4
    assert {(a.rule_id, a.article_id) for a in alerts} == {
        (rule, f"article-{n}") for rule in ("pk-attack", "ttp") for n in (0, 1)}
    stories = read_to_end(settings, settings.topics.stories)
    assert {Story.model_validate_json(r.value).id for r in stories} == {a.story_id for a in alerts}

    listed = cli("list", "--json")
    assert listed.returncode == 0, listed.stderr
    stored = {a.id: a for a in map(Alert.model_validate_json, listed.stdout.splitlines())}
    assert set(stored) == set(_latest(records))

    # an operator acknowledges one and resolves another; the role publishes both changes
    first, second = sorted(stored)[:2]
    assert cli("ack", first[:10], "--by", "alice", "-m", "on it").returncode == 0
    assert cli("resolve", second, "--by", "bob").returncode == 0
    records = _wait_for(settings, settings.topics.alerts,
                        lambda r: _latest(r)[first].state == "acknowledged"
                        and _latest(r)[second].state == "resolved")
    compacted = _latest(records)
    assert compacted[first].version == 2 and compacted[first].acknowledged_by == "alice"
    assert compacted[first].comment == "on it" and compacted[second].resolved_by == "bob"
    shown = json.loads(cli("show", first, "--json").stdout)
    assert [h["change"] for h in shown["history"]] == ["raised", "acknowledged"]
    assert shown["history"][1]["by"] == "alice"

    # the compacted topic and the store agree on every alert and its version
    with SqliteAlertStore(settings.state_dir / "alerts.sqlite3") as store:
        in_store = {a.id: a for a in store.list_alerts(AlertQuery(states=(
            "new", "updated", "acknowledged", "resolved")))}
    assert {k: (a.version, a.state) for k, a in compacted.items()} == {
        k: (a.version, a.state) for k, a in in_store.items()}
    assert cli("ack", second).returncode == 1  # resolved: nothing to acknowledge


def test_redelivered_articles_change_nothing_and_silences_mark_alerts(role) -> None:
    settings, cli = role
    produce_tagged(settings, [_article(0)])
    _wait_for(settings, settings.topics.alerts, lambda r: len(r) >= 2)
    silenced = cli("silence", "rule=ttp", "country=PK", "--for", "1h", "--by", "carol",
                   "-m", "known campaign")
    assert silenced.returncode == 0, silenced.stderr
    assert "covers 1 open alert" in silenced.stdout
    silence_id = silenced.stdout.split()[1].rstrip(":")
    records = _wait_for(settings, settings.topics.alerts,
                        lambda r: any(_latest(r)[k].silenced_by for k in _latest(r)))
    state = _latest(records)
    by_rule = {a.rule_id: a for a in state.values()}
    assert by_rule["ttp"].silenced_by == [silence_id] and by_rule["ttp"].change == "silenced"
    assert by_rule["pk-attack"].silenced_by == []

    produce_tagged(settings, [_article(0)])  # at-least-once re-delivery of the same article
    time.sleep(3)
    again = read_to_end(settings, settings.topics.alerts)
    assert {k: a.version for k, a in _latest(again).items()} == {
        k: a.version for k, a in state.items()}

    ended = cli("unsilence", silence_id, "--by", "carol")
    assert ended.returncode == 0, ended.stderr
    records = _wait_for(settings, settings.topics.alerts,
                        lambda r: not any(a.silenced_by for a in _latest(r).values()))
    assert _latest(records)[by_rule["ttp"].id].change == "unsilenced"
    listed = cli("silences", "--all")
    assert silence_id in listed.stdout and "ended" in listed.stdout
