"""``newswatch alert``: tagged articles -> alerts (topic, store, notifications)."""

from __future__ import annotations

import argparse

from newswatch.cli.runtime import run_role
from newswatch.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "alert", help="raise alerts from tagged articles (news.articles.tagged -> news.alerts)")
    parser.add_argument("--json", action="store_true", help="print alerts as JSON lines on stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.sinks.alerts.role import run_alert

    return run_role(settings, "alert",
                    lambda s, stop: run_alert(s, stop, json_lines=args.json))
