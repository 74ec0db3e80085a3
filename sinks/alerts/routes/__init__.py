"""Routes: where alert notifications go, through apprise (Slack, Teams, Discord, e-mail, ntfy,
PagerDuty, generic JSON webhooks and more).

Pure core: ``config`` (a route and which alerts it wants), ``message`` (what a notification
says), ``RetryPolicy.delay`` (when to try again). Edges: ``secrets`` (the URL, from the
environment or a secrets file), ``sender`` (apprise), ``worker`` (one delivery thread per route
over the outbox the alert sink fills).
"""

from newswatch.sinks.alerts.routes.config import (
    MessageFormat,
    RetryPolicy,
    RouteConfig,
    route_wants,
    select_routes,
)
from newswatch.sinks.alerts.routes.message import Message, format_message
from newswatch.sinks.alerts.routes.secrets import RouteError, resolve_url
from newswatch.sinks.alerts.routes.sender import AppriseSender, DeliveryError, build_sender
from newswatch.sinks.alerts.routes.worker import DeliveryWorker

__all__ = [
    "AppriseSender",
    "DeliveryError",
    "DeliveryWorker",
    "Message",
    "MessageFormat",
    "RetryPolicy",
    "RouteConfig",
    "RouteError",
    "build_sender",
    "format_message",
    "resolve_url",
    "route_wants",
    "select_routes",
]
