"""Console notifications: each alert as a readable line or a JSON line on a stream.

Routes to people (chat, e-mail, paging, webhooks) are not sent from here: the sink enqueues
them in the outbox and ``routes.DeliveryWorker`` delivers them through apprise. The hand-written
webhook client that lived here is gone with the rules file's ``notifications:`` section.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Literal, Protocol, TextIO

from newswatch.sinks.alerts.rules import severity_rank

from newswatch.contracts import Alert, AlertSeverity

__all__ = [
    "ConsoleNotifier",
    "Notifier",
    "NotifyError",
    "NotifyEvent",
    "build_notifiers",
    "format_line",
]

NotifyEvent = Literal["new", "escalated"]


class NotifyError(RuntimeError):
    """A notification could not be written."""


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
    if alert.article_count > 1:
        extra.append(f"{alert.article_count} articles")
    tail = f" ({', '.join(extra)})" if extra else ""
    title = " ".join(alert.title.split()) or "(no title)"
    return (f"[{alert.severity.upper()}] {alert.rule_name} | {country} | {title}"
            f" | {alert.url or '-'}{tail}")


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
            # can be piped to anything that reads the topic.
            line = alert.model_dump_json()
        else:
            line = format_line(alert, event)
        try:
            stream.write(line + "\n")
            stream.flush()
        except (OSError, ValueError) as exc:
            raise NotifyError(f"{self.name}: cannot write: {exc}") from exc


def build_notifiers(configs: Iterable[object]) -> list[Notifier]:
    """Transitional, until the sink enqueues into the outbox: a rules file configures no
    notifiers any more (its ``routes:`` go through the outbox), so there are none to build."""
    del configs
    return []
