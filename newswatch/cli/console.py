"""``newswatch console``: the web console on the alert store (alerts, stories with evidence,
actions, map, feed health), live in the browser.

    newswatch console [--host 127.0.0.1] [--port 8765] [--feeds FILE] [--state-dir DIR]
    newswatch console hash-password        a users-file hash for a password read from stdin

Bound to loopback (the default) it needs no sign-in; bound to anything else it refuses to
start unless NEWSWATCH_CONSOLE__TOKEN, NEWSWATCH_CONSOLE__TOKEN_FILE or
NEWSWATCH_CONSOLE__USERS_FILE is set (see ``newswatch.sinks.console.auth``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from newswatch.settings import ConfigError, Settings

__all__ = ["add_parser"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("console", help="the web console: live alerts, stories with "
                                   "evidence, actions, map, feed health")
    parser.add_argument("--host", default=None, help="address to bind (default: "
                        "NEWSWATCH_CONSOLE__HOST, 127.0.0.1); beyond loopback auth is required")
    parser.add_argument("--port", type=int, default=None,
                        help="port (default: NEWSWATCH_CONSOLE__PORT, 8765; 0: a free one)")
    parser.add_argument("--feeds", type=Path, default=None,
                        help="feeds file for the feeds view (default: NEWSWATCH_FEEDS_FILE)")
    parser.add_argument("--state-dir", type=Path, default=None,
                        help="state folder: alert store and poll state (default: "
                        "NEWSWATCH_STATE_DIR)")
    actions = parser.add_subparsers(dest="console_action", metavar="ACTION")
    actions.add_parser("serve", help="serve the console (the default)")
    actions.add_parser("hash-password", help="print a users-file hash of a password read "
                       "from stdin (or prompted)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.sinks.console.auth import AuthConfigError, hash_password

    if args.console_action == "hash-password":
        password = (getpass.getpass("password: ") if sys.stdin.isatty()
                    else sys.stdin.readline().rstrip("\n"))
        if len(password) < 8:
            raise ConfigError("use a password of at least 8 characters")
        print(hash_password(password))
        return 0
    if args.state_dir is not None:
        settings = settings.model_copy(update={"state_dir": args.state_dir})
    try:
        return serve(settings, host=args.host or settings.console.host,
                     port=settings.console.port if args.port is None else args.port,
                     feeds_file=args.feeds or settings.feeds_file)
    except AuthConfigError as exc:
        raise ConfigError(str(exc)) from None


def serve(settings: Settings, *, host: str, port: int, feeds_file: Path | None) -> int:
    from newswatch.cli.alerts import _store
    from newswatch.sinks.console.server import ConsoleServer

    with _store(settings) as store:
        try:
            server = ConsoleServer(settings, store, host=host, port=port,
                                   feeds_file=feeds_file, state_dir=Path(settings.state_dir))
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        mode = "sign-in required" if server.access.required else "no sign-in (loopback)"
        print(f"newswatch console on {server.url} ({mode}); alerts from "
              f"{store.location or store.dialect}", file=sys.stderr, flush=True)
        server.serve()
    return 0
