"""Ingest benchmark: one poller, feeds served locally, real publishing to the embedded broker.

- ``first_cycle_s``: one poll cycle over ``--feeds`` feeds (default 1,000 x 20 items), every
  item new: fetch, parse, dedup, publish (acks=all, flushed), record state. Target <= 10 s.
- ``second_cycle_s``: the next cycle, every feed answering 304. Target <= 2 s.
- ``articles_per_s``: articles published per second in the first cycle. Target >= 1,000.
- ``rss_mb_10k_feeds``: peak RSS of a fresh poller process with 10,000 feeds registered, their
  state (validators, 20 seen ids each) in its store, after one cycle over all of them (all 304).
  Target <= 300 MB. Parser worker processes are reported apart (``parse_worker_rss_mb``).
- ``real_feeds_*``: one cycle over the real publishers' feeds of ``../shared/feeds/real``
  served locally: feeds that gave articles, the ones that failed with their reason, articles.

The HTTP server runs in its own process so it does not compete for the poller's GIL. The feed
XML is generated here: titles and text are made up from a small word list.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import resource
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from newswatch.kafka.broker import EmbeddedBroker, free_port
from newswatch.kafka.clients import ensure_topics
from newswatch.settings import Settings

WORDS = ["minister", "council", "border", "talks", "ceasefire", "flood", "rally", "court", "vote", "election", "port", "province", "army", "police", "market", "strike", "protest", "drought", "summit", "envoy", "trade"]


def feed_xml(index: int, items: int, *, seed: int = 0) -> bytes:
    """An RSS 2.0 feed of ``items`` made-up stories, different for every ``index``."""
    rng = random.Random(index * 7919 + seed)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
           f"<title>Bench feed {index}</title><link>https://bench{index}.test/</link>",
           "<description>generated</description><language>en</language>"]
    for item in range(items):
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize()
        text = " ".join(rng.choice(WORDS) for _ in range(60))
        link = f"https://bench{index}.test/news/{seed}-{item}?utm_source=rss"
        day = 1 + item % 28
        out.append(f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
                   f"<description>&lt;p&gt;{text}.&lt;/p&gt;</description>"
                   f"<pubDate>Mon, {day:02d} Nov 2026 10:{item % 60:02d}:00 +0000</pubDate>"
                   "</item>")
    out.append("</channel></rss>\n")
    return "".join(out).encode()


def _routes(count: int, items: int) -> dict[str, Any]:
    from tests.integration.feedserver import Route

    return {f"/feed/{i}.xml": Route(body=feed_xml(i, items)) for i in range(count)}


def _serve(count: int, items: int, port: int, ready: Any) -> None:
    from tests.integration.feedserver import serve_forever

    serve_forever(_routes(count, items), port, ready)


def _start_server(count: int, items: int) -> tuple[Any, str]:
    ctx = multiprocessing.get_context("spawn")
    port, ready = free_port(), ctx.Event()
    process = ctx.Process(target=_serve, args=(count, items, port, ready), daemon=True)
    process.start()
    if not ready.wait(120):
        process.kill()
        raise RuntimeError("feed server did not start")
    return process, f"http://127.0.0.1:{port}"


def _local_feeds_allowed(base: str) -> Any:
    """The poller refuses loopback addresses unless allowed: allow this run's own feed server."""
    from urllib.parse import urlsplit

    from newswatch.ingest.address_policy import AddressPolicy

    return AddressPolicy.from_env().allowing(urlsplit(base).netloc)


def _config(args: argparse.Namespace) -> Any:
    from newswatch.ingest.config import PollerConfig

    chosen = {"parse_workers": args.parse_workers} if args.parse_workers is not None else {}
    return PollerConfig(per_host_limit=args.per_host_limit, max_in_flight=args.max_in_flight,
                        **chosen)


def _cycles(args: argparse.Namespace, settings: Settings, base: str) -> dict[str, float]:
    from newswatch.ingest.poller import Poller
    from newswatch.ingest.publisher import KafkaPublisher
    from newswatch.ingest.registry import FeedConfig
    from newswatch.ingest.state import StateStore

    feeds = [FeedConfig(id=f"bench-{i}", url=f"{base}/feed/{i}.xml") for i in range(args.feeds)]
    with tempfile.TemporaryDirectory(prefix="nw-ingest-bench-") as tmp:
        store = StateStore(Path(tmp) / "state.sqlite3")
        publisher = KafkaPublisher(settings)
        with Poller(feeds, store, publisher, config=_config(args),
                    address_policy=_local_feeds_allowed(base)) as poller:
            first = poller.poll_once(force=True)
            second = poller.poll_once(force=True)
        publisher.close()
        store.close()
    expected = args.feeds * args.items
    if first.published != expected or first.failed:
        raise RuntimeError(f"first cycle published {first.published} of {expected} "
                           f"({first.failed} feeds failed: {list(first.errors.items())[:3]})")
    if second.not_modified != args.feeds or second.published:
        raise RuntimeError(f"second cycle was not all 304: {second.summary()}")
    print(f"first cycle:  {first.summary()}")
    print(f"second cycle: {second.summary()}")
    return {"first_cycle_s": round(first.elapsed_s, 3),
            "second_cycle_s": round(second.elapsed_s, 3),
            "articles_per_s": round(first.published / first.elapsed_s, 1)}


def _memory_child(args: argparse.Namespace, settings_json: str, base: str, served: int,
                  result: Any) -> None:
    """A fresh poller process with 10k feeds registered and known (all answer 304)."""
    import psutil
    from newswatch.ingest.poller import Poller
    from newswatch.ingest.publisher import KafkaPublisher
    from newswatch.ingest.registry import FeedConfig
    from newswatch.ingest.schedule import FeedState
    from newswatch.ingest.state import FeedCommit, StateStore

    settings = Settings.model_validate_json(settings_json)
    feeds = [FeedConfig(id=f"reg-{i}", url=f"{base}/feed/{i % served}.xml")
             for i in range(args.registry)]
    etags = ['"' + hashlib.sha1(feed_xml(i, args.items)).hexdigest()[:16] + '"'
             for i in range(served)]
    with tempfile.TemporaryDirectory(prefix="nw-ingest-mem-") as tmp:
        store = StateStore(Path(tmp) / "state.sqlite3")
        store.commit([FeedCommit(
            FeedState(f.id, configured_url=f.url, etag=etags[i % served], next_poll_at=0),
            [(hashlib.sha1(f"{f.id}/{n}".encode()).hexdigest()[:32], "h") for n in
             range(args.items)]) for i, f in enumerate(feeds)])
        publisher = KafkaPublisher(settings)
        with Poller(feeds, store, publisher, config=_config(args),
                    address_policy=_local_feeds_allowed(base)) as poller:
            report = poller.poll_once(force=True)
            workers = psutil.Process().children(recursive=True)
            worker_rss = sum(p.memory_info().rss for p in workers if p.is_running())
        publisher.close()
        store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.put({"rss_mb_10k_feeds": round(peak_mb, 1),
                "parse_worker_rss_mb": round(worker_rss / 2**20, 1),
                "cycle_10k_feeds_304_s": round(report.elapsed_s, 3),
                "not_modified": report.not_modified})


def _real_feeds(settings: Settings, config: Any) -> dict[str, Any]:
    """One cycle over the real publishers' feeds in ../shared/feeds/real, served locally:
    how many gave articles, which failed and why, and how long it took."""
    from newswatch.ingest.poller import Poller
    from newswatch.ingest.publisher import KafkaPublisher
    from newswatch.ingest.registry import FeedConfig
    from newswatch.ingest.state import StateStore

    from newswatch.demo_server import serve_directory

    folder = Path(__file__).resolve().parents[2] / "shared" / "feeds" / "real"
    if not folder.is_dir():
        print(f"real feeds: skipped, {folder} is absent")
        return {"real_feeds": "skipped: ../shared/feeds/real is absent"}
    files = sorted(folder.glob("*.xml"))
    settings = settings.model_copy(update={"topic_prefix": f"real{uuid.uuid4().hex[:6]}."})
    ensure_topics(settings)
    with tempfile.TemporaryDirectory() as state_dir, serve_directory(folder) as base:
        feeds = [FeedConfig(id=path.stem, url=base + path.name) for path in files]
        publisher = KafkaPublisher(settings)
        store = StateStore(Path(state_dir) / "state.sqlite3")
        with Poller(feeds, store, publisher, config=config,
                    address_policy=_local_feeds_allowed(base)) as poller:
            report = poller.poll_once(force=True)
        publisher.close()
        store.close()
    for feed_id, reason in sorted(report.errors.items()):
        print(f"real feed {feed_id}: {reason}")
    return {"real_feeds": len(files), "real_feeds_ok": len(files) - len(report.errors),
            "real_feeds_failed": dict(sorted(report.errors.items())),
            "real_feeds_articles": report.published,
            "real_feeds_cycle_s": round(report.elapsed_s, 3)}


def run(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="benchmarks/run.py ingest")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--registry", type=int, default=10_000,
                        help="feeds registered in the memory measurement")
    parser.add_argument("--parse-workers", type=int, default=None,
                        help="default: PollerConfig's (one per core, up to 4)")
    parser.add_argument("--per-host-limit", type=int, default=4)
    parser.add_argument("--max-in-flight", type=int, default=200)
    args = parser.parse_args(argv)

    figures: dict[str, Any] = {"feeds": args.feeds, "items_per_feed": args.items,
                               "parse_workers": _config(args).parse_workers,
                               "per_host_limit": args.per_host_limit}
    server, base = _start_server(max(args.feeds, 1000), args.items)
    try:
        with EmbeddedBroker() as broker:
            settings = Settings(bootstrap_servers=broker.bootstrap_servers,
                                topic_prefix=f"bench{uuid.uuid4().hex[:6]}.",
                                state_dir=Path(tempfile.gettempdir()))
            ensure_topics(settings)
            started = time.perf_counter()
            figures.update(_cycles(args, settings, base))
            ctx = multiprocessing.get_context("spawn")
            result = ctx.Queue()
            child = ctx.Process(target=_memory_child, args=(
                args, settings.model_dump_json(), base, max(args.feeds, 1000), result))
            child.start()
            figures.update(result.get(timeout=600))
            child.join(60)
            figures.update(_real_feeds(settings, _config(args)))
            figures["wall_s"] = round(time.perf_counter() - started, 1)
    finally:
        server.kill()
        server.join(10)
    return figures

