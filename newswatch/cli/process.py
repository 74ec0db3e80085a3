"""``newswatch process``: raw articles -> tagged articles (scale by running more of them).

``--group`` runs it in another consumer group. A new group reads the raw topic from its
earliest offset, so that is how history is re-tagged after the dictionaries change: run
``newswatch process --group newswatch-replay-YYYYMMDD --from-beginning`` beside the live group,
stop it once its lag is zero (deploy/README.md, "Replay"). Its tagged records go to the same
topic under the same keys, and the live group's offsets are untouched.
"""

from __future__ import annotations

import argparse
import logging

from newswatch.cli.runtime import run_role
from newswatch.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "process", help="tag raw articles (news.articles.raw -> news.articles.tagged)")
    parser.add_argument("--group", metavar="NAME",
                        help="consumer group (default: groups.process, newswatch-process); a new "
                        "group reads the raw topic from its earliest offset")
    parser.add_argument("--from-beginning", action="store_true",
                        help="replay: where the group has no committed offset, start at the "
                        "earliest (not the latest) record; needs --group other than the live one")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.processors.role import run_process

    live_group = settings.groups.process
    if args.group:
        groups = settings.groups.model_copy(update={"process": args.group})
        settings = settings.model_copy(update={"groups": groups})
    if args.from_beginning:
        if settings.groups.process == live_group:
            from newswatch.settings import ConfigError

            raise ConfigError(
                f"--from-beginning re-tags history in a group of its own: add --group (e.g. "
                f"--group newswatch-replay-YYYYMMDD); {live_group} is the live group")
        logging.getLogger("newswatch").info(
            "process: replay in group %s from the earliest offset of %s (where the group has "
            "no committed offset) into %s", settings.groups.process, settings.topics.raw,
            settings.topics.tagged)
    return run_role(settings, "process",
                    lambda s, stop: run_process(s, stop, from_beginning=args.from_beginning))
