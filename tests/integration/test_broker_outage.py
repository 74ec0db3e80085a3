"""A role whose broker stays unreachable past the configured time exits non-zero, so a
supervisor restarts it, instead of idling forever."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from newswatch.kafka.broker import EmbeddedBroker
from newswatch.kafka.clients import ensure_topics
from newswatch.kafka.runner import EXIT_BROKER_LOST
from newswatch.settings import Settings

pytestmark = pytest.mark.integration


def test_process_role_exits_non_zero_when_the_broker_disappears() -> None:
    broker = EmbeddedBroker().start()
    settings = Settings(bootstrap_servers=broker.bootstrap_servers, topic_prefix="outage.")
    ensure_topics(settings)
    env = {**os.environ, "NEWSWATCH_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
           "NEWSWATCH_TOPIC_PREFIX": "outage.", "NEWSWATCH_BROKER_TIMEOUT_S": "4",
           "NEWSWATCH_SESSION_TIMEOUT_MS": "6000", "NEWSWATCH_METRICS_PORT": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "process"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(5)  # joined the group and polling
        assert proc.poll() is None
        broker.stop()
        stopped_at = time.monotonic()
        code = proc.wait(timeout=60)
        waited = time.monotonic() - stopped_at
    finally:
        if proc.poll() is None:
            proc.kill()
        broker.stop()
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert code == EXIT_BROKER_LOST, stderr
    assert "broker unreachable" in stderr
    assert 3 <= waited < 60


def test_role_without_a_cluster_refuses_with_a_clear_message() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NEWSWATCH_BOOTSTRAP_SERVERS"}
    result = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "process"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "NEWSWATCH_BOOTSTRAP_SERVERS" in result.stderr
