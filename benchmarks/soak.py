"""Soak benchmark: the roles as separate processes against many changing feeds, with the
processor and the alert role SIGKILLed and restarted mid-run.

``python benchmarks/run.py soak [--minutes N] [--feeds N] [--every-s S] [--interval-s S]``

``newswatch broker``, ``newswatch poll``, ``newswatch process`` and ``newswatch alert`` run as
separate processes. One local HTTP server process serves ``--feeds`` RSS feeds; each gains a new
item (dated now, its text one of the demo feeds' items under a fresh id and a varied title)
every ``--every-s`` seconds and answers ``304`` to a matching ``If-None-Match`` or
``If-Modified-Since``. At 40% of the run the ``process`` role is SIGKILLed, at 60% the ``alert``
role; each restarts at once in the same group. At the end the poller stops, the others drain
(tagged records stop growing, the alert group's committed offsets reach the tagged topic's
records), and the topics are read from the beginning by a fresh consumer:

- ``articles_in``: distinct article ids on ``articles.raw``; ``tagged``: distinct ids on
  ``articles.tagged``; ``dlq``: records on the DLQ; ``lost``: raw ids with neither a tagged
  record nor a DLQ record; ``tagged_redelivered``: tagged records beyond the first per id
  (at-least-once re-publishes a batch whose offsets a SIGKILL kept from being committed).
- ``alerts``: alerts in the alert role's SQLite store; ``duplicates``: (rule, story) pairs with
  more than one alert, in the store or on the alerts topic, plus repeated (alert, version)
  history rows.
- ``memory_growth_pct``: per role, RSS growth from minute 2 of its (last) life to the end of the
  run, sampled every 10 s from ``/proc``; ``None`` where the life was too short to measure.
  ``broker_memory_growth_pct`` likewise for the Tansu process, with ``broker_mb_per_min``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from newswatch.kafka.broker import free_port

SAMPLE_EVERY_S = 10.0
WINDOW_ITEMS = 20  # items a feed shows at once; older ones drop off as in a real feed
MEASURE_FROM_S = 120.0
DEMO_FEEDS = Path(__file__).resolve().parent.parent / "ingest" / "demo" / "feeds"
# Every event type, in two regions where the demo feeds report most: a fair share alerts.
RULES = {"rules": [{
    "id": "soak-asia", "name": "Any event in Southern or Western Asia", "severity": "high",
    "max_age": "30d",
    "match": {"all": {"event_types": [
        "attack", "bombing", "airstrike", "armed_clash", "protest", "kidnapping",
        "natural_disaster", "fire", "accident", "arrest", "election", "legal", "economic",
        "diplomatic", "humanitarian", "health", "negotiation", "sports", "other"]},
        "any": {"macro_regions": ["Southern Asia", "Western Asia"]}}}]}
TITLE_TAGS = ["latest", "update", "officials say", "report", "live", "second day", "witnesses",
              "police say", "analysis", "morning brief"]


# ---- the feed server (its own process, so that it does not compete for the harness's GIL) --

def demo_items() -> list[tuple[str, str]]:
    """(title, text) of every item of the demo feeds."""
    out = []
    for path in sorted(DEMO_FEEDS.glob("*.xml")):
        for item in ET.parse(path).getroot().iter("item"):
            title = (item.findtext("title") or "").strip()
            text = (item.findtext("description") or "").strip()
            if title and text:
                out.append((title, text))
    return out


class ChangingFeeds:
    """``count`` feeds; feed ``i`` shows item ``n`` from ``started + phase(i) + n * every_s``."""

    def __init__(self, count: int, every_s: float, started: float) -> None:
        self.count = count
        self.every_s = every_s
        self.started = started
        self.pool = demo_items()

    def visible(self, index: int, now: float) -> int:
        phase = self.every_s * index / self.count
        return max(0, int((now - self.started - phase) // self.every_s) + 1)

    def shown_at(self, index: int, n: int) -> float:
        return self.started + self.every_s * index / self.count + n * self.every_s

    def body(self, index: int, visible: int) -> bytes:
        parts = []
        for n in range(max(0, visible - WINDOW_ITEMS), visible):
            title, text = self.pool[(index * 7 + n) % len(self.pool)]
            tag = TITLE_TAGS[(index + n) % len(TITLE_TAGS)]
            date = format_datetime(datetime.fromtimestamp(self.shown_at(index, n), UTC),
                                   usegmt=True)
            link = f"https://soak{index}.test/news/{n}"
            parts.append(f"<item><title>{escape(title)} ({tag} {n})</title><link>{link}</link>"
                         f"<guid>{link}</guid><pubDate>{date}</pubDate>"
                         f"<description>{escape(text)}</description></item>")
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>Soak feed {index}</title><link>https://soak{index}.test/</link>"
                "<description>soak</description><language>en</language>"
                + "".join(reversed(parts)) + "</channel></rss>").encode()


def _serve(count: int, every_s: float, started: float, port: int, ready: Any) -> None:
    feeds = ChangingFeeds(count, every_s, started)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            try:
                index = int(self.path.removeprefix("/feed/").removesuffix(".xml"))
                assert 0 <= index < feeds.count
            except (ValueError, AssertionError):
                self.send_error(404)
                return
            visible = feeds.visible(index, time.time())
            etag = f'"{index}-{visible}"'
            modified = format_datetime(datetime.fromtimestamp(
                int(feeds.shown_at(index, max(visible - 1, 0))), UTC), usegmt=True)
            since = self.headers.get("If-Modified-Since")
            if self.headers.get("If-None-Match") == etag or (
                    since and not self.headers.get("If-None-Match")
                    and parsedate_to_datetime(since) >= parsedate_to_datetime(modified)):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = feeds.body(index, visible)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    ready.set()
    server.serve_forever()


# ---- processes and memory -------------------------------------------------------------------

def rss_bytes(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def tree_rss(pid: int) -> int | None:
    """RSS of ``pid`` and its descendants (the poller's parse workers are its children)."""
    own = rss_bytes(pid)
    if own is None:
        return None
    return own + sum(tree_rss(child) or 0 for child in children(pid))


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def growth_pct(samples: list[tuple[float, int]], since: float) -> tuple[float | None, float]:
    """Growth from the first sample at or after ``since`` to the last, and the window's length."""
    window = [(t, r) for t, r in samples if t >= since]
    if len(window) < 2:
        return None, 0.0
    (t0, first), (t1, last) = window[0], window[-1]
    return round(100.0 * (last - first) / first, 1), t1 - t0


class Role:
    """One ``newswatch ROLE`` process, restartable, with its RSS samples per life."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name, self.args, self.env, self.logs = name, args, env, logs
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.samples: list[tuple[float, int]] = []
        self.kills = 0

    def start(self) -> None:
        self.samples = []  # a new life: memory is measured from its own minute 2
        with open(self.logs / f"{self.name}.log", "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "newswatch.cli.main", self.name, *self.args],
                env=self.env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        self.started = time.monotonic()

    def sample(self, now: float) -> None:
        if self.proc is not None and self.proc.poll() is None:
            rss = tree_rss(self.proc.pid)
            if rss:
                self.samples.append((now, rss))

    def kill_and_restart(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.kills += 1
        self.start()

    def stop(self, timeout_s: float = 60.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


# ---- reading the topics -----------------------------------------------------------------------

def read_all(bootstrap: str, topics: list[str], idle_s: float = 6.0) -> dict[str, list[Any]]:
    """Every record of ``topics`` from the beginning, by a fresh group-less consumer, read until
    nothing arrives for ``idle_s`` (end offsets are not trusted: Tansu's can read low)."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None,
                             enable_auto_commit=False, auto_offset_reset="earliest",
                             fetch_max_bytes=16 * 1024 * 1024)
    parts = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
    consumer.assign(parts)
    consumer.seek_to_beginning(*parts)
    out: dict[str, list[Any]] = {t: [] for t in topics}
    last = time.monotonic()
    while time.monotonic() - last < idle_s:
        for tp, records in consumer.poll(timeout_ms=500, max_records=5000).items():
            out[tp.topic].extend(records)
            last = time.monotonic()
    consumer.close()
    return out


def article_id(value: bytes) -> str:
    return str(json.loads(value)["id"])


def dlq_article_id(value: bytes) -> str | None:
    letter = json.loads(value)
    try:
        return str(json.loads(letter["value"])["id"])
    except (ValueError, KeyError, TypeError):
        return letter.get("key")


def committed_lag(bootstrap: str, group: str, topic: str, records: list[Any]) -> int:
    """Records of ``topic`` (as read) past ``group``'s committed offsets."""
    from kafka import KafkaConsumer, TopicPartition

    ends: dict[int, int] = {}
    for r in records:
        ends[r.partition] = max(ends.get(r.partition, 0), r.offset + 1)
    # a consumer named for the group but never subscribed only reads its commits: no rebalance
    reader = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                           enable_auto_commit=False)
    try:
        committed = {p: reader.committed(TopicPartition(topic, p)) or 0 for p in ends}
    finally:
        reader.close(autocommit=False)
    return sum(max(0, end - max(committed.get(p, 0), 0)) for p, end in ends.items())


def drain(bootstrap: str, prefix: str, alert_group: str, timeout_s: float) -> float:
    """Wait until every raw article is tagged or dead-lettered, the tagged count has stopped
    growing, and the alert group has committed past every tagged record; the seconds it took."""
    began = time.monotonic()
    previous = -1
    while time.monotonic() - began < timeout_s:
        seen = read_all(bootstrap, [prefix + "articles.raw", prefix + "articles.tagged",
                                    prefix + "dlq"], idle_s=3.0)
        raw = {article_id(r.value) for r in seen[prefix + "articles.raw"]}
        done = {article_id(r.value) for r in seen[prefix + "articles.tagged"]}
        done |= {dlq_article_id(r.value) for r in seen[prefix + "dlq"]}
        tagged = len(seen[prefix + "articles.tagged"])
        lag = committed_lag(bootstrap, alert_group, prefix + "articles.tagged",
                            seen[prefix + "articles.tagged"])
        if raw <= done and tagged == previous and lag == 0:
            return time.monotonic() - began
        previous = tagged
        time.sleep(3)
    return time.monotonic() - began


RETENTION_PROBE_MS = 5000


def start_retention_probe(bootstrap: str, topic: str, records: int = 100) -> int:
    """A topic with ``retention.ms`` of 5 s and 1 s segments, and ``records`` written to it now:
    read again at the end of the run, it shows whether the broker deletes by retention."""
    from kafka import KafkaProducer
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(topic, 1, 1, topic_configs={
            "cleanup.policy": "delete", "retention.ms": str(RETENTION_PROBE_MS),
            "segment.ms": "1000", "segment.bytes": "4096"})])
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    for i in range(records):
        producer.send(topic, value=b"x" * 200, key=str(i).encode())
    producer.flush()
    producer.close()
    return records


def finish_retention_probe(bootstrap: str, topic: str) -> int:
    """Write one more record (a broker may delete only behind the active segment), then count
    the records still readable from the beginning."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap)
    producer.send(topic, value=b"y", key=b"last")
    producer.flush()
    producer.close()
    time.sleep(2)
    return len(read_all(bootstrap, [topic], idle_s=3.0)[topic])


def store_duplicates(path: Path) -> dict[str, int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        alerts = db.execute("SELECT count(*) FROM alerts").fetchone()[0]
        pairs = db.execute("SELECT count(*) FROM (SELECT rule_id, story_id FROM alerts "
                           "GROUP BY 1, 2 HAVING count(*) > 1)").fetchone()[0]
        history = db.execute("SELECT count(*) FROM (SELECT alert_id, version FROM alert_history"
                             " GROUP BY 1, 2 HAVING count(*) > 1)").fetchone()[0]
    finally:
        db.close()
    return {"alerts": alerts, "store_duplicate_pairs": pairs, "history_duplicates": history}


# ---- the run ------------------------------------------------------------------------------------

def _env(work: Path, bootstrap: str, prefix: str, interval_s: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update({"NEWSWATCH_BOOTSTRAP_SERVERS": bootstrap, "NEWSWATCH_TOPIC_PREFIX": prefix,
                "NEWSWATCH_STATE_DIR": str(work / "state"),
                "NEWSWATCH_RULES_FILE": str(work / "rules.yaml"),
                "NEWSWATCH_METRICS_PORT": "0", "NEWSWATCH_SESSION_TIMEOUT_MS": "6000",
                "NEWSWATCH_ALLOWED_HOSTS": "127.0.0.1",
                "NEWSWATCH_INGEST__MIN_INTERVAL_S": str(min(interval_s, 5))})
    if os.environ.get("NEWSWATCH_PURE_PYTHON"):
        env["NEWSWATCH_PURE_PYTHON"] = os.environ["NEWSWATCH_PURE_PYTHON"]
    return env


def _start_broker(work: Path, prefix: str) -> tuple[subprocess.Popen[bytes], str, int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env["NEWSWATCH_TOPIC_PREFIX"] = prefix
    with open(work / "broker.log", "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "broker", "--port",
                                 str(port)], env=env, stdout=subprocess.PIPE, stderr=log,
                                stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()  # printed once the topics exist
    if "NEWSWATCH_BOOTSTRAP_SERVERS=" not in line:
        proc.kill()
        raise RuntimeError(f"broker did not start: {(work / 'broker.log').read_text()[-2000:]}")
    tansu = children(proc.pid)
    if not tansu:
        raise RuntimeError("no Tansu process under `newswatch broker`")
    return proc, line.strip().split("=", 1)[1], tansu[0]


def run(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="benchmarks/run.py soak")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--every-s", type=float, default=30.0,
                        help="each feed gains a new item this often")
    parser.add_argument("--interval-s", type=int, default=10, help="the feeds' poll interval")
    parser.add_argument("--drain-timeout-s", type=float, default=300.0)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, store)")
    args = parser.parse_args(argv)
    run_s = args.minutes * 60
    work = Path(tempfile.mkdtemp(prefix="nw-soak-"))
    (work / "state").mkdir()
    (work / "rules.yaml").write_text(json.dumps(RULES), encoding="utf-8")
    prefix = f"soak{uuid.uuid4().hex[:6]}."

    ctx = multiprocessing.get_context("spawn")
    port, ready = free_port(), ctx.Event()
    server = ctx.Process(target=_serve, args=(args.feeds, args.every_s, time.time(), port, ready),
                         daemon=True)
    server.start()
    if not ready.wait(60):
        raise RuntimeError("feed server did not start")
    (work / "feeds.yaml").write_text("feeds:\n" + "".join(
        f"  - id: soak-{i}\n    url: http://127.0.0.1:{port}/feed/{i}.xml\n"
        f"    interval_s: {args.interval_s}\n" for i in range(args.feeds)), encoding="utf-8")

    broker, bootstrap, tansu_pid = _start_broker(work, prefix)
    env = _env(work, bootstrap, prefix, args.interval_s)
    probe = prefix + "retention-probe"
    probe_written = start_retention_probe(bootstrap, probe)
    roles = {"process": Role("process", [], env, work), "alert": Role("alert", [], env, work),
             "poll": Role("poll", ["--feeds", str(work / "feeds.yaml")], env, work)}
    broker_samples: list[tuple[float, int]] = []
    figures: dict[str, Any] = {"minutes": args.minutes, "feeds": args.feeds,
                               "new_item_every_s": args.every_s, "poll_interval_s":
                               args.interval_s}
    try:
        for role in roles.values():
            role.start()
        began = time.monotonic()
        kills = {"process": began + 0.4 * run_s, "alert": began + 0.6 * run_s}
        next_sample = began
        while (now := time.monotonic()) < began + run_s:
            for name, at in list(kills.items()):
                if now >= at:
                    roles[name].kill_and_restart()
                    print(f"{now - began:6.0f} s: SIGKILLed and restarted {name}", flush=True)
                    del kills[name]
            if now >= next_sample:
                for role in roles.values():
                    role.sample(now)
                    if not role.alive():
                        raise RuntimeError(f"{role.name} exited: see {work / role.name}.log")
                if (rss := rss_bytes(tansu_pid)) is not None:
                    broker_samples.append((now, rss))
                next_sample += SAMPLE_EVERY_S
            time.sleep(0.5)
        roles["poll"].stop()
        probe_left = finish_retention_probe(bootstrap, probe)
        drained = drain(bootstrap, prefix, "newswatch-alert", args.drain_timeout_s)
        seen = read_all(bootstrap, [prefix + s for s in
                                    ("articles.raw", "articles.tagged", "dlq", "alerts")])
        for name in ("process", "alert"):
            roles[name].stop()
        store = store_duplicates(work / "state" / "alerts.sqlite3")
    finally:
        for role in roles.values():
            role.stop(10)
        broker.terminate()
        broker.wait(30)
        server.kill()
        server.join(10)

    raw = {article_id(r.value) for r in seen[prefix + "articles.raw"]}
    tagged = Counter(article_id(r.value) for r in seen[prefix + "articles.tagged"])
    dead = {dlq_article_id(r.value) for r in seen[prefix + "dlq"]}
    by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in seen[prefix + "alerts"]:
        alert = json.loads(r.value)
        by_pair[(alert["rule_id"], alert["story_id"])].add(alert["id"])
    topic_dups = sum(1 for ids in by_pair.values() if len(ids) > 1)

    memory: dict[str, float | None] = {}
    windows: dict[str, str] = {}
    for name, role in roles.items():
        pct, length = growth_pct(role.samples, role.started + MEASURE_FROM_S)
        memory[name] = pct
        life = "after its restart" if role.kills else "of the run"
        windows[name] = (f"minute 2 {life} to the end ({length / 60:.1f} min)" if pct is not None
                         else f"not measured: less than 2 minutes {life}")
    measured = [v for v in memory.values() if v is not None]
    broker_pct, broker_len = growth_pct(broker_samples, began + MEASURE_FROM_S)
    window = [(t, r) for t, r in broker_samples if t >= began + MEASURE_FROM_S]
    broker_mb_min = (round((window[-1][1] - window[0][1]) / 2**20 / (broker_len / 60), 1)
                     if broker_len else None)
    figures.update({
        "articles_in": len(raw), "tagged": len(tagged),
        "tagged_redelivered": sum(tagged.values()) - len(tagged),
        "alerts": store["alerts"], "alert_records": len(seen[prefix + "alerts"]),
        "dlq": len(seen[prefix + "dlq"]),
        "lost": len(raw - set(tagged) - dead),
        "duplicates": store["store_duplicate_pairs"] + store["history_duplicates"] + topic_dups,
        "memory_growth_pct": memory, "memory_growth_pct_max": max(measured, default=None),
        "memory_windows": windows,
        "role_rss_mb_end": {n: round(r.samples[-1][1] / 2**20, 1) if r.samples else None
                            for n, r in roles.items()},
        "broker_memory_growth_pct": broker_pct, "broker_mb_per_min": broker_mb_min,
        "broker_rss_mb_end": round(broker_samples[-1][1] / 2**20, 1) if broker_samples else None,
        # records written at the start to a topic with retention.ms = 5 s, still readable at
        # the end (one more was written then): all of them means no deletion by retention
        "broker_retention_probe": {"retention_ms": RETENTION_PROBE_MS,
                                   "written": probe_written + 1, "readable_at_end": probe_left},
        "broker_retention_enforced": probe_left < probe_written + 1,
        "drain_s": round(drained, 1),
    })
    print(f"{len(raw)} articles in, {len(tagged)} tagged ({figures['tagged_redelivered']} "
          f"re-delivered), {figures['dlq']} on the DLQ, {figures['lost']} lost; "
          f"{store['alerts']} alerts, {figures['duplicates']} duplicates; role memory growth "
          f"{memory} %; broker {broker_pct} % ({broker_mb_min} MB/min)")
    if args.keep:
        print(f"work folder kept: {work}")
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return figures
