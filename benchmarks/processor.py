"""Processor benchmark: how much of the ideal the Kafka plumbing keeps.

On the same articles, in one run, against the embedded broker:
- ``tagger_docs_per_s``: the tagger alone (decode + tag + encode, no Kafka), one process;
- ``passthrough_records_per_s``: the shared runner with a transform that computes nothing:
  it consumes the same raw records and produces, for each, the tagged bytes the process role
  will produce (looked up, tagged beforehand), then flushes and commits - the Kafka ceiling
  of this workload. (Tagged records are ~2.3x the size of raw ones; producing the raw bytes
  back would understate what Kafka costs the real role.)
- ``records_per_s``: the real process role (raw -> tagged) through the same runner;
- ``efficiency`` = records_per_s / ideal, where ideal = 1 / (1/passthrough + 1/tagger) is
  the rate of doing both jobs serially with no overhead.
Rates are timed from the first consumed batch to the last committed one (group join excluded).
The three are measured in interleaved rounds and the best of each is reported.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
import uuid

from newswatch.contracts import RawArticle
from newswatch.kafka.broker import EmbeddedBroker
from newswatch.kafka.clients import ensure_topics, make_producer
from newswatch.kafka.runner import BatchRunner, Output
from newswatch.settings import Settings, package_path

DEMO_FEEDS = package_path("newswatch.ingest", "demo", "feeds")


def load_articles(count: int) -> list[RawArticle]:
    """The demo feeds' articles (written by the team), repeated with fresh ids to ``count``."""
    from datetime import UTC, datetime

    from newswatch.ingest.parse import parse_feed

    base: list[RawArticle] = []
    for path in sorted(DEMO_FEEDS.glob("*.xml")):
        parsed = parse_feed(path.read_bytes(), feed_id=path.stem, feed_url=path.as_uri(),
                            fetched_at=datetime.now(UTC))
        base.extend(parsed.articles)
    if not base:
        raise SystemExit(f"no demo articles found in {DEMO_FEEDS}")
    return [base[i % len(base)].model_copy(update={"id": f"bench-{i:06d}"})
            for i in range(count)]


def _time_runner(settings: Settings, role: str, transform, expected: int) -> float:
    stop = threading.Event()
    first_batch: list[float] = []
    runner = BatchRunner.from_settings(
        settings, role, f"{role}-{uuid.uuid4().hex[:6]}", settings.topics.raw, transform, stop,
        before_batch=lambda: first_batch or first_batch.append(time.perf_counter()),
    )
    thread = threading.Thread(target=runner.run)
    thread.start()
    deadline = time.monotonic() + 300
    while runner.processed < expected and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.005)
    finished = time.perf_counter()
    stop.set()
    thread.join()
    if runner.processed < expected:
        raise RuntimeError(f"{role}: only {runner.processed}/{expected} records processed")
    return expected / (finished - first_batch[0])


def _tagger_rate(tagger, payloads: list[tuple[bytes, bytes]]) -> float:
    """The same decode -> tag -> encode work the processor does, without Kafka."""
    started = time.perf_counter()
    for _key, value in payloads:
        tagger.tag(RawArticle.model_validate_json(value)).model_dump_json()
    return len(payloads) / (time.perf_counter() - started)


def _kafka_rate(broker: EmbeddedBroker, role: str, run_id: str, tagger,
                payloads: list[tuple[bytes, bytes]], tagged: dict[bytes, bytes]) -> float:
    settings = Settings(bootstrap_servers=broker.bootstrap_servers,
                        topic_prefix=f"bench-{role}-{run_id}.", partitions=3,
                        session_timeout_ms=6000, batch_size=500, batch_timeout_ms=100)
    ensure_topics(settings)
    producer = make_producer(settings)
    for key, value in payloads:
        producer.send(settings.topics.raw, key=key, value=value)
    producer.flush()
    producer.close()
    if role == "passthrough":
        out = settings.topics.tagged

        def transform(record):
            return [Output(out, record.key, tagged[record.key])]
    else:
        from newswatch.processors.role import tag_transform

        transform = tag_transform(tagger, settings.topics.tagged)
    return _time_runner(settings, role, transform, len(payloads))


def run(argv: list[str]) -> dict:
    parser = argparse.ArgumentParser(prog="benchmarks/run.py processor")
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure everything this many times, interleaved; report the best")
    parser.add_argument("--cpu", type=int, default=0, help="pin this process to one core")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})

    from newswatch.processors.tagging import Tagger

    articles = load_articles(args.articles)
    payloads = [(a.id.encode(), a.model_dump_json().encode()) for a in articles]
    mean_kb = sum(len(a.title) + len(a.text) for a in articles) / len(articles) / 1024
    tagger = Tagger()
    tagged = {key: tagger.tag(RawArticle.model_validate_json(value)).model_dump_json().encode()
              for key, value in payloads}

    # Interleaved rounds, best of each: on a shared machine a neighbour's burst slows one
    # measurement, and the ratio of two measurements taken minutes apart would be noise.
    rounds: dict[str, list[float]] = {"tagger": [], "passthrough": [], "process": []}
    with EmbeddedBroker() as broker:
        for number in range(args.rounds):
            rounds["tagger"].append(_tagger_rate(tagger, payloads))
            for role in ("passthrough", "process"):
                rounds[role].append(_kafka_rate(broker, role, f"{number}-{uuid.uuid4().hex[:6]}",
                                                tagger, payloads, tagged))
            print(f"round {number + 1}: " + ", ".join(
                f"{name} {values[-1]:,.0f}/s" for name, values in rounds.items()))

    best = {name: max(values) for name, values in rounds.items()}
    ideal = 1 / (1 / best["passthrough"] + 1 / best["tagger"])
    figures = {
        "articles": len(payloads),
        "rounds": args.rounds,
        "mean_article_kb": round(mean_kb, 2),
        "records_per_s": round(best["process"], 1),
        "passthrough_records_per_s": round(best["passthrough"], 1),
        "tagger_docs_per_s": round(best["tagger"], 1),
        "ideal_records_per_s": round(ideal, 1),
        "efficiency": round(best["process"] / ideal, 3),
    }
    for name, value in figures.items():
        print(f"{name:>28}: {value}")
    return figures
