"""What every long-running subcommand needs: logging, a stop event wired to SIGINT/SIGTERM,
and a clear refusal when a role that needs a cluster has none configured."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TextIO

from newswatch import redaction
from newswatch.settings import ConfigError, LogFormat, LogLevel, Settings

RoleBody = Callable[[Settings, threading.Event], int]

EXIT_METRICS_PORT = 2  # a configuration problem, like the other exit-2 refusals

__all__ = [
    "ConfigError",
    "broker_unreachable",
    "configure_logging",
    "connect",
    "log_handler",
    "require_cluster",
    "run_role",
    "stop_on_signals",
]


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_handler(log_format: LogFormat, stream: TextIO) -> logging.Handler:
    """A handler writing ``text`` for people or ``json`` for log shippers: one object per line
    with ``time`` (ISO 8601, UTC), ``level``, ``logger`` and ``message`` (and ``exc_info``
    with the traceback, when there is one)."""
    handler = logging.StreamHandler(stream)
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(
            "%(levelname)s %(name)s %(message)s", timestamp="time",
            rename_fields={"levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    return handler


def configure_logging(level: LogLevel, log_format: LogFormat = "text",
                      secrets: Iterable[str] = ()) -> None:
    """Log to stderr at ``level`` as ``log_format``; every record, a library's too, is
    redacted of ``secrets`` and of values keyed as passwords, secrets or tokens
    (``redaction``)."""
    redaction.install(secrets)
    logging.basicConfig(level=level, handlers=[log_handler(log_format, sys.stderr)])
    # kafka-python logs every failed reconnect attempt at ERROR; our own messages say what
    # matters (broker unreachable, delivery failed), so its own logs show only when debugging.
    if logging.getLogger().level > logging.DEBUG:
        logging.getLogger("kafka").setLevel(logging.CRITICAL)


def stop_on_signals() -> threading.Event:
    """An event set by the first SIGINT/SIGTERM; a second SIGINT raises KeyboardInterrupt."""
    stop = threading.Event()

    def handle(signum: int, _frame: object) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        logging.getLogger("newswatch").info("%s received: finishing the batch and stopping",
                                            signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
    return stop


def require_cluster(settings: Settings, role: str) -> None:
    if not settings.bootstrap_servers:
        raise ConfigError(
            f"`newswatch {role}` runs one role against a Kafka cluster: set "
            "NEWSWATCH_BOOTSTRAP_SERVERS (or start one with `newswatch broker`), "
            "or run every role on the embedded broker with `newswatch up`."
        )


def run_role(settings: Settings, role: str, body: RoleBody) -> int:
    """Run one role against the configured cluster, serving ``/metrics`` while it runs."""
    from kafka.errors import KafkaError

    from newswatch.metrics import serve_metrics

    require_cluster(settings, role)
    stop = stop_on_signals()
    log = logging.getLogger("newswatch")
    try:
        port = serve_metrics(settings.metrics_port, settings.metrics_host)
    except OSError as exc:  # most often another role already serves /metrics on that port
        log.error("%s: cannot serve /metrics on %s:%d: %s; set NEWSWATCH_METRICS_PORT to a "
                  "free port (0 picks one)", role, settings.metrics_host, settings.metrics_port,
                  exc.strerror or exc)
        return EXIT_METRICS_PORT
    log.info("%s: metrics on http://%s:%d/metrics", role, settings.metrics_host, port)
    try:
        connect(settings, role)
        code = body(settings, stop)
    except KafkaError as exc:
        return broker_unreachable(settings, role, exc)
    log.info("%s: stopped with exit code %d", role, code)
    return code


def connect(settings: Settings, role: str) -> None:
    """Reach the broker and create the missing topics, saying first where and for how long:
    an unreachable broker is otherwise ``broker_timeout_s`` of silence before its error."""
    from newswatch.kafka.clients import ensure_topics

    logging.getLogger("newswatch").info(
        "%s: connecting to the broker at %s (giving up after %.0f s)", role,
        settings.bootstrap_servers, settings.broker_timeout_s)
    ensure_topics(settings, timeout_s=settings.broker_timeout_s)


def broker_unreachable(settings: Settings, role: str, exc: Exception) -> int:
    """A Kafka error raised while connecting (bootstrap, topic creation): the broker is not
    there. Say so in one line and exit non-zero, so a supervisor restarts the role."""
    from newswatch.kafka.runner import EXIT_BROKER_LOST

    detail = str(exc)
    if type(exc).__name__ not in detail:  # kafka-python's errors name themselves already
        detail = f"{type(exc).__name__}: {detail}"
    logging.getLogger("newswatch").error("%s: cannot reach the broker at %s within %.0fs: %s",
                                         role, settings.bootstrap_servers,
                                         settings.broker_timeout_s, detail)
    return EXIT_BROKER_LOST

