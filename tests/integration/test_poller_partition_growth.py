"""Partitions added to the feeds topic move feeds between partitions (``crc32 % partitions``
changes); their poll state must follow them, or the new owner polls without validators and
re-publishes what was already published.

One poller polls 12 feeds with the feeds topic at 2 partitions and stops. The topic grows to 4
partitions, and two new pollers with empty local stores (so everything they know comes from the
state topic) take over. Every feed must keep its state: each request after the growth is
conditional and answered 304, and the raw topic holds each article exactly once.

Tansu (the embedded broker) has no CreatePartitions; there the test deletes and recreates the
feeds topic with 4 partitions, which for this topic is the same change: it carries no records,
only the partitions the poller group shares out. On Apache Kafka it adds them.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from kafka.admin import NewPartitions, NewTopic
from kafka.errors import IncompatibleBrokerVersion
from newswatch.ingest.ownership import partition_for
from newswatch.ingest.registry import FeedConfig, feeds_to_yaml

from newswatch.kafka.clients import ensure_topics, make_admin
from newswatch.settings import Settings
from tests.integration.feedserver import FeedServer, rss
from tests.integration.test_poller_ownership import assignment, start_poller, wait_for
from tests.integration.test_poller_publish import read_all

pytestmark = pytest.mark.integration

INTERVAL_S = 2
BEFORE, AFTER = 2, 4


def grow(settings: Settings, topic: str, partitions: int) -> None:
    admin = make_admin(settings)
    try:
        try:
            admin.create_partitions({topic: NewPartitions(partitions)})
        except IncompatibleBrokerVersion:  # Tansu: see the module docstring
            admin.delete_topics([topic])
            admin.create_topics([NewTopic(topic, partitions, 1)])
        (described,) = admin.describe_topics([topic])
        assert len(described["partitions"]) == partitions
    finally:
        admin.close()


def stop(*procs: subprocess.Popen[bytes]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_feeds_keep_their_state_when_the_feeds_topic_grows(
        make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    settings = make_settings(partitions=BEFORE)
    ensure_topics(settings)
    feeds_topic = settings.topic_prefix + "feeds"
    with FeedServer() as server:
        feeds = [FeedConfig(id=f"feed-{i}", interval_s=INTERVAL_S,
                            url=server.set(f"/f{i}.xml", rss(f"f{i}", [
                                (f"http://news.test/{i}/{j}", f"story {j}", "text")
                                for j in range(3)])))
                 for i in range(12)]
        moved = [f.id for f in feeds
                 if partition_for(f.id, BEFORE) != partition_for(f.id, AFTER)]
        assert moved, "the growth should move some feeds to other partitions"
        feeds_file = tmp_path / "feeds.yaml"
        feeds_file.write_text(feeds_to_yaml(feeds))

        first_log = tmp_path / "first.log"
        first = start_poller(settings, feeds_file, tmp_path / "state-first", first_log,
                             partitions=BEFORE)
        try:
            wait_for(lambda: assignment(first_log) == set(range(BEFORE)), 60,
                     "the first poller to own both partitions")
            wait_for(lambda: all(server.count(f"/f{i}.xml") >= 2 for i in range(12)), 60,
                     "every feed to be polled twice")
        finally:
            stop(first)
        assert first.returncode == 0, first_log.read_text(errors="replace")[-3000:]

        grow(settings, feeds_topic, AFTER)
        grown_at = time.time()
        logs = [tmp_path / "b.log", tmp_path / "c.log"]
        pollers = [start_poller(settings, feeds_file, tmp_path / f"state-{n}", log,
                                partitions=AFTER) for n, log in zip("bc", logs, strict=True)]
        try:
            def split() -> bool:
                mine, theirs = assignment(logs[0]), assignment(logs[1])
                return bool(mine and theirs and not mine & theirs
                            and mine | theirs == set(range(AFTER)))

            wait_for(split, 60, "the new pollers to share the 4 partitions")
            wait_for(lambda: all(
                [r for r in server.requests_for(f"/f{i}.xml") if r.at > grown_at]
                for i in range(12)), 60, "every feed to be polled after the growth")
            time.sleep(2 * INTERVAL_S)
        finally:
            stop(*pollers)
        for proc, log in zip(pollers, logs, strict=True):
            assert proc.returncode == 0, log.read_text(errors="replace")[-3000:]
            assert f"of {feeds_topic} ({AFTER} partitions)" in log.read_text(errors="replace")

        for i, feed in enumerate(feeds):
            after = [r.status for r in server.requests_for(f"/f{i}.xml") if r.at > grown_at]
            assert after and all(status == 304 for status in after), (feed.id, after)

    articles = read_all(settings, settings.topics.raw)
    assert len(articles) == 36 and len({a.id for a in articles}) == 36
