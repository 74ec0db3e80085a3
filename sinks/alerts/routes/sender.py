"""Sending a message through apprise, the notification library behind every route.

apprise speaks to Slack, Teams, Discord, e-mail, ntfy, PagerDuty, generic JSON/form/XML
webhooks and ~100 more services from one URL. It reports a failed send as a false result whose
captured log entries say why; those entries (and apprise's own debug lines) can quote the URL's
host or path, where webhook tokens live. So:

- a logging filter on apprise's and urllib3's loggers masks every part of every route URL
  (registered before apprise first sees it) in whatever they log, at any level;
- the failure detail is taken from apprise's per-call result (captured per call through a
  context variable, so concurrent route threads never read each other's) and redacted against
  the URL before it goes into a ``DeliveryError``.

Retries are not apprise's job here (its ``retry`` stays 0): the outbox schedules them, so a
retry survives a restart and never blocks the route's thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Protocol

import apprise
from newswatch.sinks.alerts.routes.config import RouteConfig
from newswatch.sinks.alerts.routes.message import Message
from newswatch.sinks.alerts.routes.secrets import (
    RouteError,
    redact,
    resolve_url,
    secret_fragments,
)

__all__ = ["AppriseSender", "DeliveryError", "Sender", "build_sender", "check_url"]

_BODY_FORMATS = {"text": apprise.NotifyFormat.TEXT, "markdown": apprise.NotifyFormat.MARKDOWN,
                 # Already Slack mrkdwn: apprise must pass it through unconverted.
                 "slack": apprise.NotifyFormat.TEXT}
_NOTIFY_TYPES = {"critical": apprise.NotifyType.FAILURE, "high": apprise.NotifyType.FAILURE,
                 "medium": apprise.NotifyType.WARNING, "low": apprise.NotifyType.INFO,
                 "info": apprise.NotifyType.INFO}
_DETAIL_LIMIT = 300


class _RedactSecrets(logging.Filter):
    """Masks every registered URL part in the records of the loggers it is attached to. A
    logger's filter runs before any of its handlers, so whatever collects apprise's records
    (our log handlers, apprise's own per-call capture, a test's capture) sees them masked."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._fragments: tuple[str, ...] = ()

    def add(self, fragments: list[str]) -> None:
        with self._lock:
            merged = set(self._fragments) | set(fragments)
            self._fragments = tuple(sorted(merged, key=len, reverse=True))

    def filter(self, record: logging.LogRecord) -> bool:
        fragments = self._fragments
        if fragments:
            message = record.getMessage()
            masked = redact(message, fragments)
            if masked != message:
                record.msg, record.args = masked, ()
        return True


_REDACT = _RedactSecrets()
# apprise's records quote URLs at DEBUG ("Loaded JSON URL", "JSON POST URL"); urllib3's
# request, redirect and retry lines carry the path. A logger's filter does not cover its child
# loggers, so every logger that makes such records is listed.
_QUOTING_LOGGERS = ("apprise", "apprise.xmpp", "urllib3.connectionpool", "urllib3.connection",
                    "urllib3.poolmanager", "urllib3.response", "urllib3.util.retry")
for _name in _QUOTING_LOGGERS:
    logging.getLogger(_name).addFilter(_REDACT)


class DeliveryError(RuntimeError):
    """A send failed. The message names the route and never holds its URL."""


class Sender(Protocol):
    route: str

    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise DeliveryError."""
        ...


def _apprise_for(url: str) -> apprise.Apprise | None:
    # Registered before apprise sees the URL: building the service already logs it.
    _REDACT.add(secret_fragments(url))
    # Synchronous dispatch in the caller's thread: one route's thread is its own queue.
    asset = apprise.AppriseAsset(async_mode=False)
    client = apprise.Apprise(asset=asset)
    return client if client.add(url) else None


def _scheme(url: str) -> str:
    scheme, sep, _ = url.partition("://")
    return scheme if sep and scheme.isalnum() and len(scheme) <= 16 else "?"


def _unsupported(route: RouteConfig, url: str) -> RouteError:
    return RouteError(f"route '{route.name}': {route.url_source} does not hold a URL apprise "
                      f"supports (scheme '{_scheme(url)}'); see "
                      "https://github.com/caronc/apprise/wiki for the URL forms")


def check_url(route: RouteConfig, url: str) -> None:
    """Raise RouteError unless apprise can build a service from ``url``."""
    if _apprise_for(url) is None:
        raise _unsupported(route, url)


class AppriseSender:
    """Sends a route's messages to the one service its apprise URL names."""

    def __init__(self, route: RouteConfig, url: str) -> None:
        client = _apprise_for(url)
        if client is None:
            raise _unsupported(route, url)
        self.route = route.name
        self._client = client
        self._timeout_s = route.timeout.total_seconds()
        self._fragments = secret_fragments(url)

    def send(self, message: Message) -> None:
        try:
            result = self._client.notify(
                body=message.body, title=message.title,
                notify_type=_NOTIFY_TYPES[message.severity],
                body_format=_BODY_FORMATS[message.format], timeout=self._timeout_s)
        except Exception as exc:  # noqa: BLE001 - a plugin bug must not end the route's thread
            raise DeliveryError(f"route '{self.route}': apprise raised "
                                f"{type(exc).__name__}") from None
        if result:
            return
        raise DeliveryError(f"route '{self.route}': {self._detail(result)}")

    def _detail(self, result: apprise.AppriseResult) -> str:
        lines = [entry.message for entry in result.logs()
                 if entry.level in ("WARNING", "ERROR", "CRITICAL")]
        detail = redact(" ".join(lines), self._fragments) or "send failed (no detail)"
        return detail[:_DETAIL_LIMIT]


def build_sender(route: RouteConfig, environ: Mapping[str, str] | None = None) -> AppriseSender:
    """The sender for ``route``, its URL read from the environment or its secrets file."""
    return AppriseSender(route, resolve_url(route, environ))
