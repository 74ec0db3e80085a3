"""Notifications: tell people about an alert (console line, JSON line, or an HTTP webhook).

A notifier raises ``NotifyError`` when it gives up; the sink logs and counts that and carries
on, because an unreachable chat server must not stop alerts from being stored and published.
The webhook retries transient failures (connection errors, timeouts, 408/429/5xx) a bounded
number of times with exponential backoff; other 4xx responses are not retried (the request
itself is wrong). Webhook URLs often embed a secret token, so logs and errors show only the
scheme and host.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from typing import Literal, Protocol, TextIO
from urllib.parse import urlsplit

from newswatch.sinks.alerts.rules import ConsoleConfig, WebhookConfig, severity_rank

from newswatch.contracts import Alert, AlertSeverity

__all__ = [
    "ConsoleNotifier",
    "Notifier",
    "NotifyError",
    "NotifyEvent",
    "WebhookNotifier",
    "build_notifiers",
    "format_line",
]

log = logging.getLogger(__name__)

NotifyEvent = Literal["new", "escalated"]
_RETRY_STATUS = frozenset({408, 425, 429})


class NotifyError(RuntimeError):
    """A notification could not be delivered (after retries, where the notifier retries)."""


class Notifier(Protocol):
    name: str
    min_severity: AlertSeverity

    def notify(self, alert: Alert, event: NotifyEvent) -> None:
        """Deliver one alert or raise NotifyError."""
        ...


def wants(notifier: Notifier, alert: Alert) -> bool:
    return severity_rank(alert.severity) >= severity_rank(notifier.min_severity)


def format_line(alert: Alert, event: NotifyEvent = "new") -> str:
    """One human-readable line: severity, rule, country, title, url."""
    country = alert.primary_country or (",".join(alert.countries[:3]) or "-")
    extra = []
    if event == "escalated":
        extra.append("escalated")
    if alert.occurrences > 1:
        extra.append(f"{alert.occurrences} articles")
    tail = f" ({', '.join(extra)})" if extra else ""
    title = " ".join(alert.title.split()) or "(no title)"
    return (f"[{alert.severity.upper()}] {alert.rule_name} | {country} | {title}"
            f" | {alert.url or '-'}{tail}")


def _redact(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.path not in ("", "/") else url


class ConsoleNotifier:
    """Writes each alert to a stream: a readable line, or the alert as one JSON line."""

    def __init__(self, stream: TextIO | None = None, fmt: Literal["text", "json"] = "text",
                 min_severity: AlertSeverity = "info", name: str = "console") -> None:
        self._stream = stream
        self.fmt = fmt
        self.min_severity = min_severity
        self.name = name

    def notify(self, alert: Alert, event: NotifyEvent) -> None:
        stream = self._stream or sys.stdout
        if self.fmt == "json":
            # One Alert record per line, exactly as on the alerts topic, so `--json` output
            # can be piped to anything that reads the topic. An escalation shows as the same
            # alert id with a higher severity.
            line = alert.model_dump_json()
        else:
            line = format_line(alert, event)
        try:
            stream.write(line + "\n")
            stream.flush()
        except (OSError, ValueError) as exc:
            raise NotifyError(f"{self.name}: cannot write: {exc}") from exc


class WebhookNotifier:
    """POSTs ``{"event", "text", "alert"}`` as JSON. ``text`` is the console line, so Slack- or
    Mattermost-style incoming webhooks show something useful without a template."""

    def __init__(self, url: str, *, timeout: float = 5.0, retries: int = 3,
                 backoff: float = 0.5, max_backoff: float = 10.0,
                 headers: Mapping[str, str] | None = None,
                 min_severity: AlertSeverity = "info", name: str | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("webhook url must start with http:// or https://")
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.headers = dict(headers or {})
        self.min_severity = min_severity
        self.name = name or f"webhook {_redact(url)}"
        self._sleep = sleep

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay = min(self.max_backoff, self.backoff * (2 ** attempt))
        if retry_after and retry_after.strip().isdigit():
            delay = min(self.max_backoff, max(delay, float(retry_after)))
        return delay

    def notify(self, alert: Alert, event: NotifyEvent) -> None:
        body = json.dumps({"event": f"alert.{event}", "text": format_line(alert, event),
                           "alert": alert.model_dump(mode="json")}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "newswatch-alerts",
                   "Idempotency-Key": f"{alert.id}:{event}:{alert.severity}", **self.headers}
        last = ""
        for attempt in range(self.retries + 1):
            retry_after = None
            request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    response.read()
                return
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                exc.close()
                if exc.code < 500 and exc.code not in _RETRY_STATUS:
                    raise NotifyError(f"{self.name}: rejected with {last}; not retried") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                last = f"{type(exc).__name__}: {reason}"
            if attempt < self.retries:
                delay = self._delay(attempt, retry_after)
                log.warning("%s: attempt %d failed (%s); retrying in %.2fs",
                            self.name, attempt + 1, last, delay)
                self._sleep(delay)
        raise NotifyError(f"{self.name}: gave up after {self.retries + 1} attempts: {last}")


def build_notifiers(configs: Iterable[ConsoleConfig | WebhookConfig]) -> list[Notifier]:
    """Notifiers from the ``notifications:`` section of a rules file."""
    notifiers: list[Notifier] = []
    for config in configs:
        if isinstance(config, ConsoleConfig):
            stream = sys.stderr if config.stream == "stderr" else None
            notifiers.append(ConsoleNotifier(stream, config.format, config.min_severity))
        else:
            notifiers.append(WebhookNotifier(
                config.url, timeout=config.timeout, retries=config.retries,
                backoff=config.backoff, max_backoff=config.max_backoff,
                headers=config.headers, min_severity=config.min_severity))
    return notifiers
