"""Entry point: ``newswatch <subcommand>``. Subcommands live in sibling modules."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import get_args

from pydantic import ValidationError

from newswatch import __version__
from newswatch.cli.runtime import ConfigError, configure_logging
from newswatch.settings import CONFIG_ENV, LOG_LEVELS, LogFormat, Settings, describe

SUBCOMMANDS = ("up", "poll", "process", "alert", "alerts", "console", "rules", "tag", "stories",
               "feeds", "broker", "schemas")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newswatch",
        description="News monitoring pipeline: feeds -> Kafka -> tagger -> alerts and metrics.",
    )
    parser.add_argument("--version", action="version", version=f"newswatch {__version__}")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help=f"YAML settings file (same as {CONFIG_ENV}; the flag wins)")
    parser.add_argument("--log-level", choices=LOG_LEVELS, type=str.upper, default=None,
                        help="default: NEWSWATCH_LOG_LEVEL, else INFO")
    parser.add_argument("--log-format", choices=get_args(LogFormat), default=None,
                        help="text, or json: one object per line for log shippers "
                        "(default: NEWSWATCH_LOG_FORMAT, else text)")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"newswatch.cli.{name}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.config is not None:
        # the flag is the variable: child processes (parser workers) read the same file
        os.environ[CONFIG_ENV] = args.config
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"newswatch: invalid configuration:\n{describe(exc)}", file=sys.stderr)
        return 2
    except (ConfigError, FileNotFoundError) as exc:
        print(f"newswatch: invalid configuration: {exc}", file=sys.stderr)
        return 2
    configure_logging(args.log_level or settings.log_level,
                      args.log_format or settings.log_format, settings.secret_values())
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
