"""``newswatch process``: raw articles -> tagged articles (scale by running more of them)."""

from __future__ import annotations

import argparse

from newswatch.cli.runtime import run_role
from newswatch.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "process", help="tag raw articles (news.articles.raw -> news.articles.tagged)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.processors.role import run_process

    return run_role(settings, "process", run_process)
