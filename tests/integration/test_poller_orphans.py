"""A SIGKILLed poller leaves no processes behind (issue 15, defect 8): its parser workers and
multiprocessing's resource tracker used to stay alive, ~65 MB each, minutes later."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from newswatch.ingest.registry import FeedConfig, feeds_to_yaml

from newswatch.kafka.clients import ensure_topics
from newswatch.settings import Settings
from tests.integration.feedserver import FeedServer, rss

pytestmark = pytest.mark.integration


def _children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is ``pid``, read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_sigkilled_poller_leaves_no_worker_or_tracker_process(
        make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    settings = make_settings()
    ensure_topics(settings)
    workers = 2
    with FeedServer() as server:
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(feeds_to_yaml([FeedConfig(
            id="one", url=server.set("/1.xml", rss("1", [("http://n.test/a", "a", "x")])))]))
        env = {**os.environ, "NEWSWATCH_BOOTSTRAP_SERVERS": str(settings.bootstrap_servers),
               "NEWSWATCH_TOPIC_PREFIX": settings.topic_prefix,
               "NEWSWATCH_STATE_DIR": str(settings.state_dir), "NEWSWATCH_METRICS_PORT": "0",
               "NEWSWATCH_INGEST__PARSE_WORKERS": str(workers)}
        proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "poll",
                                 "--feeds", str(feeds)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            children: set[int] = set()
            while time.monotonic() < deadline and server.count("/1.xml") == 0:
                time.sleep(0.2)
            children = _children(proc.pid)
            assert server.count("/1.xml") >= 1, "the poller never polled"
            assert len(children) >= workers + 1, children  # the workers and the tracker
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            gone_by = time.monotonic() + 5
            while time.monotonic() < gone_by and any(_alive(pid) for pid in children):
                time.sleep(0.1)
            left = {pid for pid in children if _alive(pid)}
        finally:
            if proc.poll() is None:
                proc.kill()
    for pid in left:  # do not leave them to the next test either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes left behind by the killed poller: {sorted(left)}"
