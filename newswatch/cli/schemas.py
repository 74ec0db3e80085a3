"""``newswatch schemas``: write or check the JSON Schemas and the AsyncAPI document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newswatch.contracts import published
from newswatch.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schemas", help="write (or --check) the topics' JSON Schemas and AsyncAPI document")
    parser.add_argument("--check", action="store_true", help="exit 1 if the files drifted")
    parser.add_argument("--dir", type=Path, default=published.SCHEMA_DIR)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.check:
        stale = published.drift(args.dir)
        for name in stale:
            print(f"schema drift: {args.dir / name} differs from the models", file=sys.stderr)
        return 1 if stale else 0
    try:
        written = published.write(args.dir)
    except published.BreakingChange as exc:
        print(f"newswatch schemas: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0
