"""Parse benchmark: feed items per second on one core over the real feeds.

``python benchmarks/run.py parse [--repeat N] [--feeds DIR]``

- ``feedparser_items_per_s``: feedparser 6 with its defaults (the reference);
- ``feedparser_rs_items_per_s``: feedparser-rs with its defaults (HTML sanitiser on);
- ``feedparser_rs_unsanitised_items_per_s``: feedparser-rs as ``newswatch.ingest.engine`` calls it;
- ``parse_feed_items_per_s``: ``newswatch.ingest.parse.parse_feed`` end to end (encoding and
  well-formedness checks, the fast parser with its fallbacks, clean text, dates, canonical
  URLs, ids, validated ``RawArticle`` records) with cold caches, i.e. as if every item were new;
- ``parse_feed_warm_items_per_s``: the same with the URL and dateparser caches warm, as when a
  poller sees the same items again;
- ``parse_feed_reference_items_per_s``: ``parse_feed`` forced onto feedparser.

Each figure is the best of ``--repeat`` timed passes (the machine is shared; the best pass is
the least disturbed one), measured with the process CPU clock, after one warm-up pass.
The ingest target is >= 1,000 articles/s published by one poller.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# `python benchmarks/run.py` puts benchmarks/ first on sys.path, where benchmarks/ingest.py
# would shadow the `ingest` package; the benchmarks are imported as `benchmarks.*` anyway.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _HERE]
if getattr(sys.modules.get("ingest"), "__file__", "").startswith(_HERE):
    del sys.modules["ingest"]

import feedparser
import feedparser_rs
from newswatch.ingest import dates, identity
from newswatch.ingest.parse import parse_feed

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FEEDS = REPO.parent / "shared" / "feeds" / "real"
FETCHED = datetime(2026, 11, 27, tzinfo=UTC)


def _clear_caches() -> None:
    identity.canonical_url.cache_clear()
    dates._read_slow.cache_clear()


def _best_rate(
    feeds: list[tuple[str, bytes]],
    parse_one: Callable[[str, bytes], int],
    repeat: int,
    before_pass: Callable[[], None] | None = None,
) -> tuple[float, int]:
    """Items per CPU-second of the best of ``repeat`` passes, and the items in one pass."""
    best = float("inf")
    items = 0
    for _ in range(repeat):
        if before_pass:
            before_pass()
        start = time.process_time()
        items = sum(parse_one(name, body) for name, body in feeds)
        best = min(best, time.process_time() - start)
    return items / best, items


def run(argv: list[str]) -> dict[str, Any]:
    ap = argparse.ArgumentParser(prog="parse", description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="timed passes per figure (best wins)")
    ap.add_argument("--feeds", type=Path, default=DEFAULT_FEEDS, help="directory of *.xml feeds")
    args = ap.parse_args(argv)

    paths = sorted(args.feeds.glob("*.xml"))
    if not paths:
        raise SystemExit(f"no feeds in {args.feeds} (the real feeds live in ../shared/feeds/real)")
    feeds = [(p.stem, p.read_bytes()) for p in paths]

    def with_feedparser(_name: str, body: bytes) -> int:
        return len(feedparser.parse(io.BytesIO(body)).entries)

    def with_rs(_name: str, body: bytes) -> int:
        return len(feedparser_rs.parse(body).entries)

    def with_rs_unsanitised(_name: str, body: bytes) -> int:
        return len(feedparser_rs.parse(body, sanitize_html=False).entries)

    def end_to_end(engine: str) -> Callable[[str, bytes], int]:
        def parse_one(name: str, body: bytes) -> int:
            parsed = parse_feed(
                body,
                feed_id=name,
                feed_url=f"https://feeds.invalid/{name}",
                fetched_at=FETCHED,
                engine=engine,  # type: ignore[arg-type]
            )
            return len(parsed.articles)

        return parse_one

    # Warm-up: imports, regex compilation, dateparser's language data (seconds, once).
    outcomes = {
        name: parse_feed(body, feed_id=name, feed_url="https://feeds.invalid/", fetched_at=FETCHED)
        for name, body in feeds
    }

    figures: dict[str, Any] = {"feeds": len(feeds), "bytes": sum(len(b) for _, b in feeds)}
    rate, figures["items"] = _best_rate(feeds, with_feedparser, max(1, args.repeat // 2))
    figures["feedparser_items_per_s"] = round(rate)
    figures["feedparser_rs_items_per_s"] = round(_best_rate(feeds, with_rs, args.repeat)[0])
    figures["feedparser_rs_unsanitised_items_per_s"] = round(
        _best_rate(feeds, with_rs_unsanitised, args.repeat)[0]
    )
    rate, figures["articles"] = _best_rate(feeds, end_to_end("auto"), args.repeat, _clear_caches)
    figures["parse_feed_items_per_s"] = round(rate)
    figures["parse_feed_warm_items_per_s"] = round(
        _best_rate(feeds, end_to_end("auto"), args.repeat)[0]
    )
    figures["parse_feed_reference_items_per_s"] = round(
        _best_rate(feeds, end_to_end("reference"), max(1, args.repeat // 2), _clear_caches)[0]
    )
    fallbacks = {n: p.fallback_reason for n, p in outcomes.items() if p.engine == "reference"}
    figures["reference_fallback_feeds"] = fallbacks
    figures["errors"] = {n: p.error for n, p in outcomes.items() if p.error}

    print(f"{'feeds':<40}{figures['feeds']:>10}   ({figures['bytes'] / 1e6:.1f} MB)")
    for key, value in figures.items():
        if key.endswith("_per_s"):
            print(f"{key:<40}{value:>10,}")
    for name, reason in fallbacks.items():
        print(f"  feedparser used for {name}: {reason}")
    return figures
