"""Alerts benchmark: the alert logic's throughput, and how fast a new item becomes an alert.

``python benchmarks/run.py alerts [--articles N] [--skip-latency]``

- ``articles_per_s``: tagged articles through the alert sink (story stage, 100 rules, 50
  silences in force, the SQLite store: every article one transaction that stores its story,
  alerts, history and outbox entries), one process pinned to one core. Articles are the demo
  feeds' articles tagged once beforehand and repeated with fresh ids and times (stories then
  grow as they would live). Target >= 2,000.
- ``alerts_from_copies``: 1,000 articles that are 40 reworded copies of 25 stories (different
  outlets, rewritten titles, shuffled leads, some updates hours later) through the same sink:
  how many distinct alerts one rule raises on them (target 25 ± 2).
- ``p95_latency_s``: ``newswatch up`` against a local feed server whose feed gains an item
  every few seconds: from the moment the server starts serving an item to its alert on
  ``news.alerts`` (read by a separate consumer). Reported beside the feed's poll interval
  (target: at most the interval + 2 s).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from newswatch.contracts import TaggedArticle

RULE_COUNTRIES = ["PK", "AF", "IN", "BD", "IR", "IQ", "SY", "YE", "SO", "SD", "LB", "IL", "UA",
                  "RU", "NG", "ML", "ET", "MM", "LY", "EG"]
RULE_EVENTS = ["attack", "bombing", "airstrike", "armed_clash", "protest", "kidnapping",
               "natural_disaster", "arrest", "election", "humanitarian"]


def make_rules(count: int = 100) -> dict[str, Any]:
    """``count`` rules of the shapes desks write: country x event types, actors, regions."""
    rng = random.Random(7)
    rules = []
    for i in range(count):
        shape = i % 4
        match: dict[str, Any]
        if shape == 0:
            match = {"all": {"countries": [RULE_COUNTRIES[i % len(RULE_COUNTRIES)]],
                             "event_types": rng.sample(RULE_EVENTS, 3)}}
        elif shape == 1:
            match = {"all": {"event_types": [RULE_EVENTS[i % len(RULE_EVENTS)]]},
                     "any": {"macro_regions": ["Southern Asia", "Western Asia"]}}
        elif shape == 2:
            match = {"any": {"actors": rng.sample(["ttp", "bla", "PK-MIL", "AF-GOV", "houthis",
                                                   "hamas", "hezbollah", "PK-GOV"], 2)}}
        else:
            match = {"all": {"primary_countries": rng.sample(RULE_COUNTRIES, 4),
                             "min_severity": 0.3}}
        rules.append({"id": f"rule-{i:03d}", "name": f"Benchmark rule {i}",
                      "severity": ["low", "medium", "high", "critical"][i % 4], "match": match,
                      "max_age": "30d", "min_confidence": 0.5})
    return {"rules": rules}


def make_silences(count: int, now: datetime) -> list[Any]:
    from newswatch.sinks.alerts.silences import Matcher, new_silence

    rng = random.Random(11)
    silences = []
    for i in range(count):
        field, value = rng.choice([("rule", f"rule-{rng.randrange(200, 400)}"),
                                   ("country", rng.choice(["FR", "DE", "BR", "JP", "KR"])),
                                   ("actor", f"no-such-actor-{i}")])
        silences.append(new_silence([Matcher(field=field, value=value)],
                                    created_by="bench", now=now, duration=timedelta(days=1),
                                    comment=f"benchmark silence {i}"))
    return silences


def tagged_demo(count: int, start: datetime) -> list[TaggedArticle]:
    from newswatch.processors.tagging import Tagger

    from benchmarks.processor import load_articles

    tagger = Tagger()
    base = [tagger.tag(a) for a in load_articles(63)]
    out = []
    for i in range(count):
        source = base[i % len(base)]
        out.append(source.model_copy(update={
            "id": f"alert-bench-{i:06d}", "feed_id": f"outlet-{i % 17}",
            "published_at": start + timedelta(seconds=20 * i)}))
    return out


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})


def throughput(count: int, batch: int = 500) -> dict[str, float]:
    from newswatch.sinks.alerts.rules import parse_rules
    from newswatch.sinks.alerts.sink import AlertSink
    from newswatch.sinks.alerts.store import SqliteAlertStore

    start = datetime(2026, 12, 1, tzinfo=UTC)
    articles = tagged_demo(count, start)
    ruleset = parse_rules(make_rules(100))
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteAlertStore(Path(folder) / "alerts.sqlite3")
        sink = AlertSink(store, ruleset)
        sink.silences = make_silences(50, start)
        for s in sink.silences:
            store.save_silence(s)
        _pin_one_core()
        decisions = 0
        began = time.perf_counter()
        # as the role runs it: one store transaction per consumed batch (the default 500
        # records), each article a savepoint inside it
        for start_at in range(0, len(articles), batch):
            with store.batch():
                for article in articles[start_at:start_at + batch]:
                    now = article.published_at + timedelta(seconds=30)  # type: ignore[operator]
                    decisions += len(sink.handle(article, now).decisions)
        elapsed = time.perf_counter() - began
        alerts = store.count()
        store.close()
    print(f"alert sink: {count} articles in {elapsed:.2f} s ({count / elapsed:,.0f}/s), "
          f"{decisions / count:.1f} rule decisions per article, {alerts} alerts stored (100 rules, "
          f"50 silences, one transaction per {batch} articles)")
    return {"articles_per_s": round(count / elapsed), "rules": 100, "silences": 50,
            "decisions_per_article": round(decisions / count, 2), "alerts_stored": alerts,
            "batch": batch}


# ---- latency in `newswatch up` -------------------------------------------------------------

_ITEM = """<item><title>{title}</title><link>https://bench.example/{n}</link>
<guid>bench-{n}</guid><pubDate>{date}</pubDate>
<description>{text}</description></item>"""
# (town, country) of each item's event: different places, so each item is a new story (and a
# new alert) rather than an update of the previous one
_PLACES = [("Bannu", "Pakistan"), ("Jalalabad", "Afghanistan"), ("Quetta", "Pakistan"),
           ("Kandahar", "Afghanistan"), ("Peshawar", "Pakistan"), ("Kunduz", "Afghanistan"),
           ("Mosul", "Iraq"), ("Idlib", "Syria"), ("Marib", "Yemen"), ("Herat", "Afghanistan"),
           ("Karachi", "Pakistan"), ("Kirkuk", "Iraq"), ("Aleppo", "Syria"),
           ("Lahore", "Pakistan"), ("Mazar-i-Sharif", "Afghanistan"), ("Basra", "Iraq")]
_STORIES = [
    ("Suicide bomber strikes police convoy in {town}, {n} killed",
     ("A suicide bomber rammed a police convoy in {town}, {country}, killing {n} officers, "
     "police said on {day}. No group immediately claimed the attack.")),
    ("Gunmen kidnap {n} aid workers near {town}",
     ("Armed men kidnapped {n} aid workers near {town}, {country}, on {day} and demanded a "
     "ransom, provincial officials said.")),
]


class _GrowingFeed:
    """A feed that gains one item every ``every_s``; remembers when each item first showed.

    It is empty until its first request, and its clock starts then: the first item appears
    ``every_s`` after ``newswatch up`` first polled, so every sample is the latency of a
    running pipeline, not of its start (an item served before ``up`` ran counted the whole
    start-up, a few seconds of interpreter, broker and tagger loading, as latency)."""

    def __init__(self, every_s: float, items: int) -> None:
        self.every_s = every_s
        self.items = items
        self.started: float | None = None
        self.shown: dict[str, float] = {}
        self.lock = threading.Lock()

    def body(self) -> tuple[bytes, str]:
        now = time.time()
        parts = []
        with self.lock:
            if self.started is None:
                self.started = now
            visible = min(self.items, int((now - self.started) / self.every_s))
            for n in range(visible):
                at = self.started + (n + 1) * self.every_s
                self.shown.setdefault(f"https://bench.example/{n}", at)
                title, text = _STORIES[n % len(_STORIES)]
                town, country = _PLACES[n % len(_PLACES)]
                when = datetime.fromtimestamp(at, UTC)
                slots = {"n": n + 3, "town": town, "country": country, "day": f"{when:%A}"}
                parts.append(_ITEM.format(
                    n=n, title=title.format(**slots), text=text.format(**slots),
                    date=format_datetime(when)))
        xml = ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
               "<title>Bench desk</title><link>https://bench.example/</link><description>b"
               "</description>" + "".join(reversed(parts)) + "</channel></rss>")
        return xml.encode(), f'"{visible}"'


def latency(every_s: float = 4.0, items: int = 12, interval_s: float = 5.0) -> dict[str, float]:
    from newswatch.contracts import Alert
    from newswatch.kafka.broker import EmbeddedBroker
    from newswatch.kafka.clients import ensure_topics, make_consumer
    from newswatch.settings import Settings

    feed = _GrowingFeed(every_s, items)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, etag = feed.body()
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        feeds = work / "feeds.yaml"
        feeds.write_text(f"feeds:\n  - id: bench\n    url: http://127.0.0.1:{server.server_port}"
                         f"/feed.xml\n    interval_s: {interval_s}\n", encoding="utf-8")
        settings = Settings(bootstrap_servers=broker.bootstrap_servers, topic_prefix="lat.",
                            session_timeout_ms=6000)
        ensure_topics(settings)
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
        env.update({"NEWSWATCH_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
                    "NEWSWATCH_TOPIC_PREFIX": "lat.", "NEWSWATCH_SESSION_TIMEOUT_MS": "6000",
                    "NEWSWATCH_METRICS_PORT": "0", "NEWSWATCH_STATE_DIR": str(work / "state"),
                    "NEWSWATCH_INGEST__MIN_INTERVAL_S": str(interval_s),
                    "NEWSWATCH_ALLOWED_HOSTS": "127.0.0.1"})
        consumer = make_consumer(settings, group_id=None)  # type: ignore[arg-type]
        from kafka import TopicPartition

        parts = [TopicPartition(settings.topics.alerts, p)
                 for p in consumer.partitions_for_topic(settings.topics.alerts) or ()]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "up", "--feeds",
                                 str(feeds), "--json"], env=env, cwd=work,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seen: dict[str, float] = {}
        deadline = time.time() + every_s * items + 90
        try:
            while time.time() < deadline and len(seen) < items:
                for batch in consumer.poll(timeout_ms=200).values():
                    for record in batch:
                        alert = Alert.model_validate_json(record.value)
                        if alert.url and alert.change == "raised":
                            seen.setdefault(alert.url, time.time())
        finally:
            proc.terminate()
            _out, err = proc.communicate(timeout=60)
            consumer.close()
            server.shutdown()
    delays = sorted(seen[url] - feed.shown[url] for url in seen if url in feed.shown)
    if len(delays) < 3:
        print(err[-2000:], file=sys.stderr)
        raise SystemExit(f"only {len(delays)} alerts arrived; see the role's log above")
    p95 = delays[min(len(delays) - 1, round(0.95 * (len(delays) - 1)))]
    print(f"item served -> alert on news.alerts: {len(delays)} alerts, median "
          f"{statistics.median(delays):.2f} s, p95 {p95:.2f} s, max {delays[-1]:.2f} s "
          f"(feed polled every {interval_s:.0f} s)")
    return {"p95_latency_s": round(p95, 2), "median_latency_s": round(statistics.median(delays), 2),
            "poll_interval_s": interval_s, "latency_alerts": len(delays)}


def copies() -> dict[str, float]:
    """Reworded copies of 25 stories through the sink: distinct alerts of one broad rule."""
    from newswatch.processors.tagging import Tagger
    from newswatch.sinks.alerts.rules import parse_rules
    from newswatch.sinks.alerts.sink import AlertSink
    from newswatch.sinks.alerts.store import SqliteAlertStore

    from benchmarks.evaluation.copies import copies as generate

    articles = generate().articles
    tagger = Tagger()
    rule = {"rules": [{"id": "any-event", "name": "Any reported event", "severity": "high",
                       "max_age": "30d",
                       "match": {"any": {"event_types": [
                           "attack", "bombing", "airstrike", "armed_clash", "protest",
                           "kidnapping", "natural_disaster", "fire", "accident", "arrest",
                           "election", "legal", "economic", "diplomatic", "humanitarian",
                           "health", "negotiation", "sports", "other"]}}}]}
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteAlertStore(Path(folder) / "alerts.sqlite3")
        sink = AlertSink(store, parse_rules(rule))
        tagged = sorted((tagger.tag(a) for a in articles),
                        key=lambda a: a.published_at or datetime.min.replace(tzinfo=UTC))
        for article in tagged:
            sink.handle(article, (article.published_at or datetime.now(UTC))
                        + timedelta(minutes=1))
        alerts = store.count()
        stories = len({a.story_id for a in store.list_alerts()}) if alerts else 0
        store.close()
    print(f"copies: {len(articles)} articles of 25 stories -> {alerts} alerts ({stories} "
          "stories alerted)")
    return {"alerts_from_copies": alerts, "copies_articles": len(articles)}


def run(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="benchmarks/run.py alerts")
    parser.add_argument("--articles", type=int, default=6000)
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {}
    figures.update(copies())
    if not args.skip_latency:
        # the latency run uses both cores (broker, roles); run it before pinning to one
        figures.update(latency())
    figures.update(throughput(args.articles))
    print(json.dumps(figures, indent=2), file=sys.stderr)
    return figures
