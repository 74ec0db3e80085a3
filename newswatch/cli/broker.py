"""``newswatch broker``: run the embedded Kafka-protocol broker alone, for local multi-process use."""

from __future__ import annotations

import argparse
import sys

from newswatch.cli.runtime import stop_on_signals
from newswatch.kafka.broker import EmbeddedBroker
from newswatch.kafka.clients import ensure_topics
from newswatch.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "broker", help="run the embedded broker (memory-only) and print its bootstrap address")
    parser.add_argument("--port", type=int, default=9092)
    parser.add_argument("--host", default="127.0.0.1")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    stop = stop_on_signals()
    with EmbeddedBroker(args.host, args.port) as broker:
        ensure_topics(settings.model_copy(update={"bootstrap_servers": broker.bootstrap_servers}))
        print(f"NEWSWATCH_BOOTSTRAP_SERVERS={broker.bootstrap_servers}", flush=True)
        print("embedded broker running (memory-only); Ctrl-C stops it", file=sys.stderr)
        while not stop.wait(0.5):
            if not broker.running:
                print("embedded broker exited", file=sys.stderr)
                return 1
    return 0
