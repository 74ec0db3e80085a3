"""``newswatch up``: the whole pipeline in one process.

With no bootstrap servers configured it starts the embedded broker, serves the demo feeds over
local HTTP, and runs poll, process and alert together, printing each alert as it is raised and
serving ``/metrics``. With bootstrap servers configured it uses that cluster and starts no broker.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import threading
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from kafka.errors import KafkaError

from newswatch.cli.runtime import broker_unreachable, connect, stop_on_signals
from newswatch.demo_server import serve_directory
from newswatch.kafka.broker import EmbeddedBroker
from newswatch.metrics import serve_metrics
from newswatch.settings import ConfigError, Settings, package_path

DEMO_FEEDS = package_path("newswatch.ingest", "demo", "feeds")
EMBEDDED_SESSION_TIMEOUT_MS = 6_000  # Tansu joins a group after ~half the session timeout

log = logging.getLogger("newswatch.up")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "up", help="run every role in one process (embedded broker and demo feeds by default)")
    parser.add_argument("--json", action="store_true", help="print alerts as JSON lines on stdout")
    parser.add_argument("--duration", type=float, default=None, metavar="S",
                        help="stop cleanly after S seconds")
    parser.add_argument("--feeds", type=Path, default=None,
                        help="feeds file (default: the demo feeds, served locally)")
    parser.add_argument("--state-dir", type=Path, default=None,
                        help="poller and alert state (default: NEWSWATCH_STATE_DIR, ./var; with "
                        "the embedded broker, which keeps nothing, the poller's state goes to a "
                        "fresh temporary folder and only the alert store is kept)")
    parser.add_argument("--no-console", action="store_true",
                        help="do not serve the web console (default: on NEWSWATCH_CONSOLE__HOST"
                        ":PORT, 127.0.0.1:8765, or a free port if that one is busy)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.ingest.poller import run_poll
    from newswatch.processors.role import run_process
    from newswatch.sinks.alerts.role import load_rules_or_exit, run_alert

    load_rules_or_exit(settings.rules_file)  # a broken rules file stops here, before the broker
    stop = stop_on_signals()
    if args.duration is not None:
        timer = threading.Timer(args.duration, stop.set)
        timer.daemon = True
        timer.start()
    with ExitStack() as stack:
        if not settings.bootstrap_servers:
            broker = stack.enter_context(EmbeddedBroker())
            log.info("embedded broker on %s", broker.bootstrap_servers)
            settings = settings.model_copy(update={
                "bootstrap_servers": broker.bootstrap_servers,
                "session_timeout_ms": min(settings.session_timeout_ms, EMBEDDED_SESSION_TIMEOUT_MS),
            })
            alert_dir = args.state_dir or settings.state_dir
            state_dir = args.state_dir or Path(stack.enter_context(
                tempfile.TemporaryDirectory(prefix="newswatch-up-")))
        else:
            state_dir = alert_dir = args.state_dir or settings.state_dir
        settings = settings.model_copy(update={"state_dir": state_dir})
        alert_settings = settings.model_copy(update={"state_dir": alert_dir})
        try:
            connect(settings, "up")
        except KafkaError as exc:
            return broker_unreachable(settings, "up", exc)
        feeds_file = args.feeds
        if feeds_file is None:
            feeds_file, origin = _demo_feeds_file(stack, state_dir)
            # the demo's own feed server, and only it, is allowed although it is on loopback
            settings = settings.model_copy(update={
                "allowed_hosts": f"{settings.allowed_hosts},{origin}".strip(",")})
        port = _serve_metrics(settings)
        console = None if args.no_console else _start_console(stack, alert_settings,
                                                               feeds_file, state_dir)
        # log records, not prints, so that --log-format json keeps stderr all JSON
        log.info("metrics on http://%s:%d/metrics; polling %s; alerts kept in %s "
                 "(`newswatch alerts list`)", settings.metrics_host, port, feeds_file,
                 _store_name(alert_settings))
        if console is not None:
            log.info("console on %s", console)
        roles: dict[str, Callable[[], int]] = {
            "poll": lambda: run_poll(settings, once=False, feeds_file=feeds_file, stop=stop),
            "process": lambda: run_process(settings, stop),
            "alert": lambda: run_alert(alert_settings, stop, json_lines=args.json),
        }
        return _run_together(roles, stop)


def _demo_feeds_file(stack: ExitStack, state_dir: Path) -> tuple[Path, str]:
    """The demo feeds' registry file, and the host:port of the local server serving them."""
    from urllib.parse import urlsplit

    from newswatch.ingest.registry import FeedConfig, feeds_to_yaml

    base = stack.enter_context(serve_directory(DEMO_FEEDS, relative_dates=True))
    feeds = [FeedConfig(id=f"demo-{path.stem}", url=base + path.name, name=path.stem,
                        interval_s=60)
             for path in sorted(DEMO_FEEDS.glob("*.xml"))]
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "demo-feeds.yaml"
    path.write_text(feeds_to_yaml(feeds, header="demo feeds served by newswatch up"), "utf-8")
    return path, urlsplit(base).netloc


def _start_console(stack: ExitStack, settings: Settings, feeds_file: Path,
                   state_dir: Path) -> str:
    """The web console in a thread on its own connection to the alert store; its URL."""
    from newswatch.cli.alerts import _store
    from newswatch.sinks.console.auth import AuthConfigError
    from newswatch.sinks.console.server import ConsoleServer

    store = stack.enter_context(_store(settings))
    host, port = settings.console.host, settings.console.port
    try:
        try:
            server = ConsoleServer(settings, store, host=host, port=port, feeds_file=feeds_file,
                                   state_dir=state_dir)
        except OSError as exc:
            log.warning("console port %d unavailable (%s); using a free port", port, exc)
            server = ConsoleServer(settings, store, host=host, port=0, feeds_file=feeds_file,
                                   state_dir=state_dir)
    except AuthConfigError as exc:
        raise ConfigError(f"{exc} (or run `newswatch up --no-console`)") from None
    server.start()
    stack.callback(server.stop)
    server.wait_started()
    return server.url


def _store_name(settings: Settings) -> str:
    if settings.alerts.store_url is not None:
        return "the PostgreSQL store (NEWSWATCH_ALERTS__STORE_URL)"
    return str((settings.state_dir / "alerts.sqlite3").resolve())


def _serve_metrics(settings: Settings) -> int:
    try:
        return serve_metrics(settings.metrics_port, settings.metrics_host)
    except OSError as exc:
        log.warning("metrics port %d unavailable (%s); using a free port",
                    settings.metrics_port, exc)
        return serve_metrics(0, settings.metrics_host)


def _run_together(roles: dict[str, Callable[[], int]], stop: threading.Event) -> int:
    """Run each role in a thread; the first role to fail stops the others."""
    codes: dict[str, int] = {}

    def run_one(name: str, body: Callable[[], int]) -> None:
        try:
            codes[name] = body()
        except Exception:
            log.exception("role %s crashed", name)
            codes[name] = 1
        if codes[name] != 0:
            log.error("role %s exited with %d; stopping the others", name, codes[name])
            stop.set()

    threads = [threading.Thread(target=run_one, args=item, name=item[0]) for item in roles.items()]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        for thread in threads:
            thread.join(timeout=0.5)
    return max(codes.values(), default=0)
