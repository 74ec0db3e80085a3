"""Two ``newswatch alert`` replicas on one PostgreSQL store, one SIGKILLed mid-stream: every
article is alerted, and every notification reaches the route exactly once.

Real parts throughout: the embedded broker, two role processes in one consumer group, the
machine's PostgreSQL (a schema of its own), a local HTTP server as the route. The killed
replica's partitions move to the survivor, which re-reads what was not committed; the store
recognises those articles (no second alert, no second outbox entry) and the survivor's
delivery thread takes over notifications the dead one had claimed once their lease expires.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from newswatch.kafka.clients import ensure_topics, make_producer
from newswatch.settings import Settings
from tests.alert_articles import attack
from tests.integration.test_alert_routes_delivery import Receiver
from tests.kafka_helpers import wait_until
from tests.pg_helpers import pg_unreachable_reason, temporary_schema

pytestmark = pytest.mark.integration

ARTICLES = 40
RULES = """
rules:
  - id: pk-attack
    name: Attack in Pakistan
    severity: high
    match: {all: {event_types: [attack]}}
routes:
  - name: desk
    url_env: TEST_REPLICA_HOOK_URL
    min_interval: 0s
    batch_limit: 1
"""



def test_two_replicas_one_killed_notify_each_article_once(
        make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    reason = pg_unreachable_reason()
    if reason:
        pytest.skip(reason)
    receiver = Receiver()
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    settings = make_settings(rules_file=rules, partitions=4)
    ensure_topics(settings)
    with temporary_schema() as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
        env.update({
            "NEWSWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers or "",
            "NEWSWATCH_TOPIC_PREFIX": settings.topic_prefix,
            "NEWSWATCH_GROUPS__ALERT": settings.groups.alert,
            "NEWSWATCH_SESSION_TIMEOUT_MS": "6000", "NEWSWATCH_METRICS_PORT": "0",
            "NEWSWATCH_BATCH_SIZE": "5", "NEWSWATCH_RULES_FILE": str(rules),
            "NEWSWATCH_STATE_DIR": str(tmp_path / "state"),
            "NEWSWATCH_ALERTS__STORE_URL": url,
            "TEST_REPLICA_HOOK_URL": f"json://127.0.0.1:{receiver.port}/hook",
        })
        replicas = [subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "alert"],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True) for _ in range(2)]
        try:
            time.sleep(8)  # both join the group
            producer = make_producer(settings)
            for n in range(ARTICLES):
                article = attack(n, ttp=False)
                producer.send(settings.topics.tagged, key=article.id.encode(),
                              value=article.model_dump_json().encode())
                producer.flush()
                if n == ARTICLES // 3:
                    assert wait_until(lambda: receiver.count() >= 3, 30, every_s=0.3), \
                        "no page before the kill"
                    replicas[0].send_signal(signal.SIGKILL)
                time.sleep(0.05)
            producer.close()

            def reports() -> Counter[str]:
                with receiver.lock:
                    bodies = [f"{b.get('title')}\n{b.get('message')}"
                              for _t, _p, b in receiver.requests]
                # each request counts once per event it names (a body names it more than once)
                return Counter(m for body in bodies for m in set(re.findall(r"\b\d+ killed", body)))

            assert wait_until(lambda: len(reports()) >= ARTICLES, 90, every_s=0.3), sorted(reports())
            time.sleep(3)  # anything sent twice would arrive by now
            counts = reports()
            assert set(counts) == {f"{n + 2} killed" for n in range(ARTICLES)}
            assert [r for r, c in counts.items() if c != 1] == []
        finally:
            for proc in replicas:
                if proc.poll() is None:
                    proc.terminate()
            outputs = [proc.communicate(timeout=60) for proc in replicas]
            receiver.close()
        assert replicas[0].returncode == -signal.SIGKILL
        assert replicas[1].returncode == 0, outputs[1][1][-3000:]
