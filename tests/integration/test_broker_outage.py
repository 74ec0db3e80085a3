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


def test_poll_role_exits_within_its_broker_timeout_when_the_broker_disappears(tmp_path) -> None:
    # issue 15, defect 10: the poller exited ~127 s after a broker loss against a 60 s timeout
    import threading

    from newswatch.ingest.registry import FeedConfig, feeds_to_yaml

    from tests.integration.feedserver import FeedServer, rss

    timeout_s = 10
    broker = EmbeddedBroker().start()
    with FeedServer() as server:
        url = server.set("/live.xml", rss("live", [("http://news.test/0", "story 0", "x")]))
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(feeds_to_yaml([FeedConfig(id="live", url=url, interval_s=1)]))
        env = {**os.environ, "NEWSWATCH_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
               "NEWSWATCH_TOPIC_PREFIX": "pollout.", "NEWSWATCH_BROKER_TIMEOUT_S": str(timeout_s),
               "NEWSWATCH_SESSION_TIMEOUT_MS": "6000", "NEWSWATCH_METRICS_PORT": "0",
               "NEWSWATCH_INGEST__MIN_INTERVAL_S": "0", "NEWSWATCH_INGEST__PARSE_WORKERS": "0",
               "NEWSWATCH_STATE_DIR": str(tmp_path / "state"), "NEWSWATCH_PARTITIONS": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "poll",
                                 "--feeds", str(feeds)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        stop_feeding = threading.Event()

        def feed_news() -> None:  # a new story every half second: every poll has work
            n = 1
            while not stop_feeding.wait(0.5):
                server.set("/live.xml", rss("live", [(f"http://news.test/{i}", f"story {i}",
                                                      "x") for i in range(n + 1)]))
                n += 1

        feeder = threading.Thread(target=feed_news, daemon=True)
        feeder.start()
        try:
            settings = Settings(bootstrap_servers=broker.bootstrap_servers,
                                topic_prefix="pollout.")
            assert read_topic(settings, settings.topics.raw, expect=2, timeout_s=90)
            assert proc.poll() is None
            broker.stop()
            stopped_at = time.monotonic()
            code = proc.wait(timeout=180)
            waited = time.monotonic() - stopped_at
        finally:
            stop_feeding.set()
            if proc.poll() is None:
                proc.kill()
            broker.stop()
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert code != 0, stderr
    assert waited < timeout_s * 1.6 + 2, (waited, stderr[-2000:])  # before: two timeouts
    # the publisher's failed send says "publishing N articles failed"; when the state producer
    # or the group consumer meets the outage first, the shared broker clock ends the loop with
    # "broker unreachable for more than N s" (both by design; the test only saw the first)
    assert ("publishing" in stderr or "broker unreachable for more than" in stderr) \
        and "Traceback" not in stderr, stderr[-2000:]
