"""Operator actions on the alert store: acknowledge, resolve, silence, unsilence.

The one implementation behind ``newswatch alerts`` and the console. Each change is saved with
its history and queued in the store's topic outbox (``publish_later``) in one transaction; the
alert role publishes it on ``news.alerts`` (at once if it runs, else when it next starts). The
lifecycle rules themselves are ``lifecycle``'s; this module only finds, stores and queues.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newswatch.sinks.alerts import lifecycle
from newswatch.sinks.alerts.silences import Matcher, Silence, covering, new_silence
from newswatch.sinks.alerts.store import AlertQuery, SqlAlertStore

from newswatch import topics
from newswatch.contracts import Alert

__all__ = ["ActionError", "SilenceResult", "acknowledge", "find_alert", "resolve", "silence",
           "store_change", "unsilence"]

_OPEN = ("new", "updated", "acknowledged")


class ActionError(ValueError):
    """The action cannot be done: unknown or ambiguous id, or not allowed in the alert's
    state. The message is fit to show an operator."""


@dataclass(frozen=True, slots=True)
class SilenceResult:
    silence: Silence
    covered: int  # open alerts it covers now


def find_alert(store: SqlAlertStore, alert_id: str) -> Alert:
    """The alert with this id, or the one alert whose id starts with it (4+ characters)."""
    alert = store.get(alert_id)
    if alert is not None:
        return alert
    found = store.find_by_prefix(alert_id) if len(alert_id) >= 4 else []
    if len(found) == 1:
        return found[0]
    if not found:
        raise ActionError(f"no alert {alert_id!r} (see `newswatch alerts list --all`)")
    raise ActionError(f"{alert_id!r} matches several alerts; give more of the id")


def store_change(store: SqlAlertStore, alert: Alert, actor: str, comment: str | None) -> None:
    """Save the alert's new version with its history and queue it for ``news.alerts``."""
    with store.transaction():
        store.save_alert(alert, actor=actor, comment=comment)
        store.publish_later(topics.ALERTS, alert.id.encode(), alert.model_dump_json().encode(),
                            alert.updated_at)


def _step(store: SqlAlertStore, step, alert_id: str, by: str,  # type: ignore[no-untyped-def]
          comment: str | None, now: datetime) -> Alert:
    with store.transaction():  # read and write under one lock: two operators cannot interleave
        alert = find_alert(store, alert_id)
        try:
            changed = step(alert, by, now, comment)
        except lifecycle.LifecycleError as exc:
            raise ActionError(str(exc)) from None
        store_change(store, changed, by, comment)
    return changed


def acknowledge(store: SqlAlertStore, alert_id: str, by: str, comment: str | None,
                now: datetime) -> Alert:
    return _step(store, lifecycle.acknowledge, alert_id, by, comment, now)


def resolve(store: SqlAlertStore, alert_id: str, by: str, comment: str | None,
            now: datetime) -> Alert:
    return _step(store, lifecycle.resolve, alert_id, by, comment, now)


def silence(store: SqlAlertStore, matchers: Sequence[Matcher], duration: timedelta, by: str,
            comment: str, now: datetime) -> SilenceResult:
    """Store a new silence and mark the open alerts it covers now."""
    if not matchers:
        raise ActionError("a silence needs at least one matcher")
    if duration <= timedelta(0):
        raise ActionError("a silence must last longer than zero")
    made = new_silence(matchers, created_by=by, now=now, duration=duration, comment=comment)
    covered = 0
    with store.transaction():
        store.save_silence(made)
        for alert in store.list_alerts(AlertQuery(states=_OPEN, limit=100_000)):
            if covering([made], alert, now):
                changed = lifecycle.with_silences(alert, [*alert.silenced_by, made.id], now)
                if changed is not None:
                    store_change(store, changed, by, comment or None)
                    covered += 1
    return SilenceResult(made, covered)


def unsilence(store: SqlAlertStore, silence_id: str, by: str, now: datetime) -> Silence | None:
    """End a silence now; returns it, or None when it was not in force (nothing to do)."""
    found = store.get_silence(silence_id)
    if found is None:
        raise ActionError(f"no silence {silence_id!r} (see `newswatch alerts silences --all`)")
    if not found.active(now):
        return None
    ended = found.model_copy(update={"expired_at": now})
    with store.transaction():
        store.save_silence(ended)
        for alert in store.list_alerts(AlertQuery(limit=100_000)):
            if found.id in alert.silenced_by:
                still = [i for i in alert.silenced_by if i != found.id]
                changed = lifecycle.with_silences(alert, still, now)
                if changed is not None:
                    store_change(store, changed, by, "silence ended")
    return ended
