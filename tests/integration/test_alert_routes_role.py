"""Routes through the real ``newswatch alert`` role (a separate process) to local HTTP servers.

The role reads its routes from the rules file, their URLs from the environment; an article
that two rules match pages each route once, naming both rules; a route answering 500 then 429
does not hold up the other route; a silence set with the real ``newswatch alerts`` command
stops the silenced rule's pages while the other rule still pages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newswatch.contracts import TaggedArticle
from newswatch.kafka.clients import ensure_topics
from newswatch.settings import Settings
from tests.alert_articles import attack
from tests.integration.test_alert_routes_delivery import SLACK_PAYLOAD_MAP, Receiver
from tests.kafka_helpers import produce_tagged, wait_until

pytestmark = pytest.mark.integration

RULES = """
rules:
  - id: pk-attack
    name: Attack in Pakistan
    severity: high
    match: {all: {countries: [PK, AF], event_types: [attack]}}
  - id: ttp
    name: TTP mentioned
    severity: medium
    match: {any: {actors: [ttp]}}
routes:
  - name: desk-webhook
    url_env: TEST_DESK_WEBHOOK_URL
    min_interval: 0s
  - name: desk-slack
    url_env: TEST_DESK_SLACK_URL
    format: slack
    min_interval: 0s
    retry: {max_attempts: 5, initial: 0.3s, max: 1s}
"""

TOKEN = "hookSECRET4f1e"



@pytest.fixture
def running_role(make_settings: Callable[..., Settings], tmp_path: Path
                 ) -> Iterator[tuple[Settings, Receiver, Receiver, dict[str, str]]]:
    webhook, slack = Receiver(), Receiver([500, 429, 200])
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    settings = make_settings(rules_file=rules)
    ensure_topics(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update({
        "NEWSWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers or "",
        "NEWSWATCH_TOPIC_PREFIX": settings.topic_prefix,
        "NEWSWATCH_GROUPS__ALERT": settings.groups.alert,
        "NEWSWATCH_SESSION_TIMEOUT_MS": "6000", "NEWSWATCH_METRICS_PORT": "0",
        "NEWSWATCH_STATE_DIR": str(settings.state_dir), "NEWSWATCH_RULES_FILE": str(rules),
        "NEWSWATCH_ALERTS__RELOAD_INTERVAL_S": "0.5",
        "TEST_DESK_WEBHOOK_URL": f"json://127.0.0.1:{webhook.port}/hooks/{TOKEN}",
        "TEST_DESK_SLACK_URL": f"json://127.0.0.1:{slack.port}/slack/{TOKEN}?"
                               + SLACK_PAYLOAD_MAP,
    })
    proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "alert"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield settings, webhook, slack, env
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=60)
        webhook.close()
        slack.close()
        assert proc.returncode == 0, err[-3000:]
        assert TOKEN not in err and TOKEN not in _out



def test_one_page_per_route_naming_every_rule_and_a_failing_route_blocks_nothing(
        running_role) -> None:
    settings, webhook, slack, env = running_role
    produce_tagged(settings, [attack(0)])
    assert wait_until(lambda: webhook.count() >= 1 and slack.count() >= 3, timeout_s=60), (
        webhook.requests, slack.requests)
    time.sleep(1.5)
    assert webhook.count() == 1 and slack.count() == 3  # nothing sent twice
    (arrived, path, body), = webhook.requests
    assert path.endswith(TOKEN)
    text = f"{body['title']}\n{body['message']}"
    assert "Attack in Pakistan" in text and "TTP mentioned" in text
    assert arrived < slack.requests[-1][0]  # the JSON hook did not wait for Slack's retries
    assert set(slack.requests[-1][2]) == {"text"}
    assert "Attack in Pakistan" in slack.requests[-1][2]["text"]

    # an operator silences the TTP rule: the next story pages only for the attack rule
    silence = subprocess.run(
        [sys.executable, "-m", "newswatch.cli.main", "alerts", "silence", "rule=ttp",
         "--for", "1h", "--by", "dana"], env=env, capture_output=True, text=True, timeout=60,
        check=False)
    assert silence.returncode == 0, silence.stderr
    time.sleep(1.5)  # the role reloads silences every 0.5 s
    produce_tagged(settings, [attack(1)])
    assert wait_until(lambda: webhook.count() >= 2)
    body = webhook.requests[1][2]
    text = f"{body['title']}\n{body['message']}"
    assert "Attack in Pakistan" in text and "TTP mentioned" not in text


def _copy(n: int, suffix: str) -> TaggedArticle:
    """Another outlet's report of event ``n``: it joins that story."""
    return attack(n).model_copy(update={"id": f"article-{n}-{suffix}",
                                        "url": f"https://other.example/{n}/{suffix}",
                                        "feed_title": f"Other outlet {suffix}"})


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newswatch.cli.main", "alerts", *args],
                          env=env, capture_output=True, text=True, timeout=60, check=False)


def test_ack_quiets_a_story_and_resolve_lets_it_page_again_when_it_goes_on(
        running_role) -> None:
    settings, webhook, _slack, env = running_role
    produce_tagged(settings, [attack(0)])
    assert wait_until(lambda: webhook.count() >= 1)
    listed = _cli(env, "list", "--json", "--rule", "pk-attack")
    (alert_line,) = listed.stdout.splitlines()
    alert_id = json.loads(alert_line)["id"]
    assert _cli(env, "ack", alert_id, "--by", "erin").returncode == 0
    produce_tagged(settings, [_copy(0, "b")])  # the story grows; acknowledged: nobody is paged
    time.sleep(4)
    assert webhook.count() == 1
    assert _cli(env, "resolve", alert_id, "--by", "erin").returncode == 0
    time.sleep(1.5)
    produce_tagged(settings, [_copy(0, "c")])  # the story goes on after it was resolved: re-opened
    assert wait_until(lambda: webhook.count() >= 2)
    body = webhook.requests[1][2]
    assert "reopened" in f"{body['title']}\n{body['message']}".lower()
    shown = json.loads(_cli(env, "show", alert_id, "--json").stdout)
    assert [h["change"] for h in shown["history"]] == [
        "raised", "acknowledged", "article", "resolved", "reopened"]
    assert shown["alert"]["article_count"] == 3 and shown["alert"]["source_count"] == 3
