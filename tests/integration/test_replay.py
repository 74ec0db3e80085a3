"""Re-tagging history after the dictionaries change (deploy/README.md, "Replay"), on the real
broker: the live group tags 30 articles with no watchlist; then `newswatch process --group
<replay> --from-beginning` with a watchlist naming a term in them re-tags all 30 into the
tagged topic under the same keys, while the live group's committed offsets stay where they were.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from kafka.structs import TopicPartition
from newswatch.processors.role import build_process_runner

from newswatch.contracts import RawArticle, TaggedArticle
from newswatch.kafka.clients import ensure_topics, make_admin, make_producer
from newswatch.settings import Settings
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.integration

COUNT = 30
TEXT = "Traders say the Zarghun Ridge convoy route near Quetta was closed again on Friday ({})."


def committed(settings: Settings, group: str) -> int:
    admin = make_admin(settings)
    try:
        offsets = admin.list_group_offsets(group).get(group, {})
    finally:
        admin.close()
    return sum(meta.offset for tp, meta in offsets.items()
               if isinstance(tp, TopicPartition) and tp.topic == settings.topics.raw)


def test_a_replay_group_retags_history_without_touching_the_live_group(
        make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    settings = make_settings(partitions=2)
    ensure_topics(settings)
    producer = make_producer(settings)
    for i in range(COUNT):
        article = RawArticle(id=f"a{i}", text=TEXT.format(i))
        producer.send(settings.topics.raw, key=article.id.encode(),
                      value=article.model_dump_json().encode())
    producer.flush()
    producer.close()

    stop = threading.Event()
    live = threading.Thread(target=build_process_runner(settings, stop).run)
    live.start()
    try:
        first = read_topic(settings, settings.topics.tagged, expect=COUNT, timeout_s=90)
    finally:
        stop.set()
        live.join(30)
    assert len(first) == COUNT
    assert all(TaggedArticle.model_validate_json(r.value).watchlist_hits == [] for r in first)
    live_offsets = committed(settings, settings.groups.process)
    assert live_offsets == COUNT

    # the dictionaries change: a watchlist now names the ridge
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text("name: desk\nkeywords:\n  - Zarghun Ridge\n", encoding="utf-8")
    replay_group = f"{settings.groups.process}-replay-20261207"
    env = {**os.environ, "NEWSWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers or "",
           "NEWSWATCH_TOPIC_PREFIX": settings.topic_prefix, "NEWSWATCH_METRICS_PORT": "0",
           "NEWSWATCH_SESSION_TIMEOUT_MS": "6000", "NEWSWATCH_WATCHLIST_FILE": str(watchlist),
           "NEWSWATCH_GROUPS__PROCESS": settings.groups.process}
    proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "process", "--group",
                             replay_group, "--from-beginning"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        records = read_topic(settings, settings.topics.tagged, expect=2 * COUNT, timeout_s=120)
        deadline = time.monotonic() + 30
        while committed(settings, replay_group) < COUNT and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        proc.terminate()
        try:
            code = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert code == 0, stderr[-3000:]
    assert f"replay in group {replay_group}" in stderr
    assert len(records) == 2 * COUNT, stderr[-3000:]
    latest = {r.key: TaggedArticle.model_validate_json(r.value) for r in records}
    assert sorted(latest) == sorted(f"a{i}".encode() for i in range(COUNT))
    for article in latest.values():  # the last record of each key is the re-tagged one
        assert [(h.watchlist, h.term) for h in article.watchlist_hits] == [("desk", "Zarghun Ridge")]
    assert committed(settings, replay_group) == COUNT
    assert committed(settings, settings.groups.process) == live_offsets


def test_from_beginning_refuses_the_live_group(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    env = {**os.environ, "NEWSWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers or "",
           "NEWSWATCH_METRICS_PORT": "0"}
    result = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "process",
                             "--from-beginning"], env=env, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 2
    assert "add --group" in result.stderr
