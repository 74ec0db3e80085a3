"""Entry point: ``newswatch <subcommand>``. Subcommands live in sibling modules."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from newswatch import __version__
from newswatch.cli.runtime import ConfigError, configure_logging
from newswatch.settings import Settings

SUBCOMMANDS = ("up", "poll", "process", "alert", "tag", "feeds", "broker", "schemas")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="News monitoring pipeline: feeds -> Kafka -> tagger -> alerts and metrics.",
    )
    parser.add_argument("--version", action="version", version=f"newswatch {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"newswatch.cli.{name}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except (ValidationError, FileNotFoundError) as exc:
        print(f"newswatch: invalid configuration: {exc}", file=sys.stderr)
        return 2
    configure_logging(getattr(args, "log_level", None) or settings.log_level,
                      settings.secret_values())
    try:
        return int(args.func(args, settings) or 0)
    except ConfigError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        logging.getLogger("newswatch").warning("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
