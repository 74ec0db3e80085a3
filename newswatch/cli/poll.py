"""``newswatch poll``: poll feeds and publish new articles to news.articles.raw."""

from __future__ import annotations

import argparse
from pathlib import Path

from newswatch.cli.runtime import require_cluster, run_role, stop_on_signals
from newswatch.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("poll", help="poll feeds (feeds -> news.articles.raw)")
    parser.add_argument("--feeds", type=Path, default=None,
                        help="feeds file, YAML or OPML (default: NEWSWATCH_FEEDS_FILE)")
    parser.add_argument("--once", action="store_true",
                        help="poll every enabled feed one time, publish what is new, and exit")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.ingest.poller import run_poll

    if args.once:
        require_cluster(settings, "poll")
        return run_poll(settings, once=True, feeds_file=args.feeds, stop=stop_on_signals())
    return run_role(settings, "poll", lambda s, stop: run_poll(
        s, once=False, feeds_file=args.feeds, stop=stop))
