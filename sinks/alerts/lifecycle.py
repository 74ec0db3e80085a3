"""Operator actions and timers on an alert: each returns the alert's next version.

``new → updated → acknowledged → resolved``: articles move a new alert to updated (the engine
does that); an operator acknowledges or resolves; a quiet period resolves it automatically;
an article joining a resolved alert's story re-opens it (the engine again). Silences change
only ``silenced_by``. Pure functions: the caller stores and publishes the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from newswatch.contracts import Alert

__all__ = ["AUTO_RESOLVER", "LifecycleError", "acknowledge", "auto_resolve", "resolve",
           "with_silences"]

AUTO_RESOLVER = "newswatch"


class LifecycleError(ValueError):
    """The action does not apply to the alert in its current state."""


def _next(alert: Alert, now: datetime, **changes: object) -> Alert:
    return alert.model_copy(update={"version": alert.version + 1, "updated_at": now, **changes})


def acknowledge(alert: Alert, by: str, now: datetime, comment: str | None = None) -> Alert:
    if alert.state == "resolved":
        raise LifecycleError(f"alert {alert.id[:12]} is resolved; nothing to acknowledge")
    if alert.state == "acknowledged":
        raise LifecycleError(f"alert {alert.id[:12]} is already acknowledged by "
                             f"{alert.acknowledged_by}")
    return _next(alert, now, state="acknowledged", change="acknowledged", acknowledged_by=by,
                 acknowledged_at=now, comment=comment)


def resolve(alert: Alert, by: str, now: datetime, comment: str | None = None) -> Alert:
    if alert.state == "resolved":
        raise LifecycleError(f"alert {alert.id[:12]} is already resolved")
    return _next(alert, now, state="resolved", change="resolved", resolved_by=by,
                 resolved_at=now, comment=comment)


def auto_resolve(alert: Alert, now: datetime) -> Alert:
    """Resolve an alert whose story has been quiet for its rule's quiet period."""
    if alert.state == "resolved":
        raise LifecycleError(f"alert {alert.id[:12]} is already resolved")
    return _next(alert, now, state="resolved", change="auto_resolved",
                 resolved_by=AUTO_RESOLVER, resolved_at=now,
                 comment="no new article for the rule's quiet period")


def with_silences(alert: Alert, silence_ids: Sequence[str], now: datetime) -> Alert | None:
    """The next version when the silences covering the alert changed, else None."""
    ids = list(silence_ids)
    if ids == alert.silenced_by:
        return None
    change = "silenced" if len(ids) > len(alert.silenced_by) else "unsilenced"
    return _next(alert, now, silenced_by=ids, change=change)
