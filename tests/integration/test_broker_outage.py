"""A role whose broker stays unreachable past the configured time exits non-zero, so a
supervisor restarts it, instead of idling forever."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from newswatch.contracts import RawArticle
from newswatch.kafka.broker import EmbeddedBroker
from newswatch.kafka.clients import ensure_topics, make_producer
from newswatch.kafka.runner import EXIT_BROKER_LOST
from newswatch.settings import Settings
from tests.kafka_helpers import read_topic

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
        # the role is up, in its group and processing before the broker goes away
        producer = make_producer(settings)
        producer.send(settings.topics.raw, key=b"a1",
                      value=RawArticle(id="a1", text="Kabul").model_dump_json().encode())
        producer.flush()
        producer.close()
        assert read_topic(settings, settings.topics.tagged, expect=1, timeout_s=60)
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
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "NEWSWATCH_BOOTSTRAP_SERVERS" in result.stderr


def test_role_started_without_a_reachable_broker_exits_non_zero_clearly() -> None:
    from newswatch.kafka.broker import free_port

    address = f"127.0.0.1:{free_port()}"  # nothing listens there
    env = {**os.environ, "NEWSWATCH_BOOTSTRAP_SERVERS": address,
           "NEWSWATCH_BROKER_TIMEOUT_S": "3", "NEWSWATCH_METRICS_PORT": "0"}
    result = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "alert"], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == EXIT_BROKER_LOST, result.stderr
    assert f"cannot reach the broker at {address}" in result.stderr
    assert "Traceback" not in result.stderr


def test_up_with_an_unreachable_cluster_exits_non_zero_clearly(tmp_path) -> None:
    from newswatch.kafka.broker import free_port

    address = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "NEWSWATCH_BOOTSTRAP_SERVERS": address,
           "NEWSWATCH_BROKER_TIMEOUT_S": "3", "NEWSWATCH_METRICS_PORT": "0"}
    result = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "up", "--duration", "30"],
                            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == EXIT_BROKER_LOST, result.stderr
    assert f"up: cannot reach the broker at {address}" in result.stderr
    assert "Traceback" not in result.stderr
