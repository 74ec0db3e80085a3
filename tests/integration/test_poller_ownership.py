"""Two poller processes share the feeds through a Kafka consumer group; one is killed.

Checks: while both run, each feed is polled by one of them only (no two polls of a feed closer
than the poll interval allows); after one is SIGKILLed, the survivor takes over its feeds
(after the session timeout), loads their shared state, and keeps polling them with conditional
requests; the raw topic never gets a duplicate.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from newswatch.ingest.ownership import partition_for
from newswatch.ingest.registry import FeedConfig, feeds_to_yaml

from newswatch.kafka.clients import ensure_topics
from newswatch.settings import Settings
from tests.integration.feedserver import FeedServer, rss
from tests.integration.test_poller_publish import read_all

pytestmark = pytest.mark.integration

PARTITIONS = 4
INTERVAL_S = 2
ASSIGNED = re.compile(r"now polling partitions \[([0-9, ]*)\]")
POLLER = (
    "import sys; from pathlib import Path; "
    "from newswatch.cli.runtime import configure_logging, stop_on_signals; "
    "from newswatch.settings import Settings; from ingest.poller import run_poll; "
    "configure_logging('INFO'); "
    "sys.exit(run_poll(Settings(), once=False, feeds_file=Path(sys.argv[1]), "
    "stop=stop_on_signals()))"
)


def start_poller(settings: Settings, feeds_file: Path, state_dir: Path, log: Path,
                 partitions: int = PARTITIONS) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NEWSWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers or "",
        "NEWSWATCH_TOPIC_PREFIX": settings.topic_prefix,
        "NEWSWATCH_PARTITIONS": str(partitions),
        "NEWSWATCH_SESSION_TIMEOUT_MS": "6000",
        "NEWSWATCH_HEARTBEAT_INTERVAL_MS": "500",
        "NEWSWATCH_GROUPS__POLL": settings.groups.poll,
        "NEWSWATCH_STATE_DIR": str(state_dir),
        "NEWSWATCH_INGEST__MIN_INTERVAL_S": "1",
        "NEWSWATCH_INGEST__PARSE_WORKERS": "0",
    }
    return subprocess.Popen([sys.executable, "-c", POLLER, str(feeds_file)], env=env,
                            stdout=subprocess.DEVNULL, stderr=log.open("wb"))


def assignment(log: Path) -> set[int] | None:
    found = ASSIGNED.findall(log.read_text(errors="replace"))
    if not found:
        return None
    return {int(p) for p in found[-1].split(",") if p.strip()}


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> float:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return time.time()
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_pollers_share_feeds_and_the_survivor_takes_over(
        make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    settings = make_settings(partitions=PARTITIONS)
    ensure_topics(settings)
    with FeedServer() as server:
        feeds = [FeedConfig(id=f"feed-{i}", interval_s=INTERVAL_S,
                            url=server.set(f"/f{i}.xml", rss(f"f{i}", [
                                (f"http://news.test/{i}/{j}", f"story {j}", "text")
                                for j in range(3)])))
                 for i in range(12)]
        by_partition = {p: [f.id for f in feeds if partition_for(f.id, PARTITIONS) == p]
                        for p in range(PARTITIONS)}
        assert all(by_partition.values()), "every partition should hold some feeds"
        feeds_file = tmp_path / "feeds.yaml"
        feeds_file.write_text(feeds_to_yaml(feeds))
        logs = [tmp_path / "a.log", tmp_path / "b.log"]
        a = start_poller(settings, feeds_file, tmp_path / "state-a", logs[0])
        b = start_poller(settings, feeds_file, tmp_path / "state-b", logs[1])
        try:
            def split() -> bool:
                mine, theirs = assignment(logs[0]), assignment(logs[1])
                return bool(mine and theirs and not mine & theirs
                            and mine | theirs == set(range(PARTITIONS)))

            stable_at = wait_for(split, 60, "both pollers to own disjoint partitions")
            a_partitions = assignment(logs[0]) or set()
            time.sleep(3 * INTERVAL_S)
            a.send_signal(signal.SIGKILL)
            a.wait()
            killed_at = time.time()
            b_all_at = wait_for(lambda: assignment(logs[1]) == set(range(PARTITIONS)), 60,
                                "the survivor to own every partition")
            time.sleep(3 * INTERVAL_S)
        finally:
            for proc in (a, b):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in (a, b):
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        b_log = logs[1].read_text(errors="replace")
        assert b.returncode == 0, b_log[-3000:]

        a_feeds = {f for p in a_partitions for f in by_partition[p]}
        for i, feed in enumerate(feeds):
            times = [r.at for r in server.requests_for(f"/f{i}.xml")]
            # never polled twice within one interval: each feed has one owner at a time
            gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
            assert all(gap > INTERVAL_S * 0.5 for gap in gaps), (feed.id, gaps)
            assert any(stable_at <= t <= killed_at for t in times), feed.id
            # nobody's feed is orphaned: all are polled after the takeover
            after = [r for r in server.requests_for(f"/f{i}.xml") if r.at > b_all_at + 0.5]
            assert after, f"{feed.id} was not polled after the takeover"
            if feed.id in a_feeds:  # the survivor got the dead poller's validators
                assert all(r.status == 304 for r in after), (feed.id, [r.status for r in after])
        assert "loaded shared state of" in b_log

    articles = read_all(settings, settings.topics.raw)
    assert len(articles) == 36 and len({x.id for x in articles}) == 36
