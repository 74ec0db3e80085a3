"""/ready on a real role against a real broker: 503 until the consumer has joined its group,
200 while it works, 503 again once the broker has been gone a while (before the role gives up
and exits), while /metrics keeps answering throughout (liveness)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from newswatch.kafka.broker import EmbeddedBroker, free_port
from newswatch.kafka.clients import ensure_topics
from newswatch.kafka.runner import READY_CONTACT_S
from newswatch.settings import Settings

pytestmark = pytest.mark.integration


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def wait_status(port: int, status: int, timeout_s: float) -> tuple[float, str]:
    deadline = time.monotonic() + timeout_s
    body = ""
    while time.monotonic() < deadline:
        code, body = get(port, "/ready")
        if code == status:
            return time.monotonic(), body
        time.sleep(0.2)
    raise AssertionError(f"/ready never answered {status}; last: {body!r}")


def test_ready_means_joined_and_in_touch_with_the_broker() -> None:
    broker = EmbeddedBroker().start()
    settings = Settings(bootstrap_servers=broker.bootstrap_servers, topic_prefix="ready.")
    ensure_topics(settings)
    port = free_port()
    env = {**os.environ, "NEWSWATCH_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
           "NEWSWATCH_TOPIC_PREFIX": "ready.", "NEWSWATCH_BROKER_TIMEOUT_S": "40",
           "NEWSWATCH_SESSION_TIMEOUT_MS": "6000", "NEWSWATCH_METRICS_PORT": str(port)}
    proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "process"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, before = wait_status(port, 503, 30)
        assert "not joined" in before or "starting" in before, before
        _, body = wait_status(port, 200, 60)
        assert body.strip() == "process: ready"
        broker.stop()
        stopped = time.monotonic()
        unready_at, body = wait_status(port, 503, 60)
        assert proc.poll() is None, "the role should still be running (broker_timeout_s 40)"
        assert "no broker contact" in body or "not joined" in body, body
        assert unready_at - stopped < READY_CONTACT_S + 10
        assert get(port, "/metrics")[0] == 200
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        broker.stop()
