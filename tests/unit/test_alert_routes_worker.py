"""The delivery loop's decisions over an in-memory outbox and a recording sender, on a
hand-driven clock: batching, retry times, giving up once, and errors that keep URLs out."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from newswatch.sinks.alerts.routes.config import RouteConfig
from newswatch.sinks.alerts.routes.message import Message
from newswatch.sinks.alerts.routes.metrics import RouteMetrics
from newswatch.sinks.alerts.routes.sender import DeliveryError
from newswatch.sinks.alerts.routes.testing import MemoryOutbox, make_alert
from newswatch.sinks.alerts.routes.worker import DeliveryWorker
from prometheus_client import CollectorRegistry

T0 = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class RecordingSender:
    """Answers from a script: None delivers, an exception is raised."""

    def __init__(self, route: str, script: list[Exception | None] | None = None) -> None:
        self.route = route
        self.script = list(script or [])
        self.messages: list[Message] = []

    def send(self, message: Message) -> None:
        self.messages.append(message)
        step = self.script.pop(0) if self.script else None
        if step is not None:
            raise step


def value(counter, route: str) -> float:
    return counter.labels(route)._value.get()


def setup(route: RouteConfig, sender: RecordingSender):
    outbox, clock = MemoryOutbox(), Clock()
    metrics = RouteMetrics(CollectorRegistry())
    worker = DeliveryWorker(outbox, [route], {route.name: sender}, worker_id="w1",
                            metrics=metrics, clock=clock)
    return outbox, clock, metrics, worker


def enqueue(outbox: MemoryOutbox, n: int, at: datetime, route: str = "ops") -> None:
    for i in range(n):
        outbox.enqueue(route, f"article-{i}", "new", [make_alert(id=f"a{i}")], at)


def test_queued_notifications_go_out_as_one_message_up_to_the_limit():
    route = RouteConfig(name="ops", url_env="X", batch_limit=2)
    sender = RecordingSender("ops")
    outbox, clock, metrics, worker = setup(route, sender)
    enqueue(outbox, 3, T0)
    clock.now = T0 + timedelta(seconds=4)
    assert worker.deliver_once("ops") == 2
    assert worker.deliver_once("ops") == 1
    assert worker.deliver_once("ops") == 0
    assert [m.title for m in sender.messages] == [
        "[HIGH] 2 alert notifications (2 new)",
        "[HIGH] New: Militant attack in Pakistan — Blast hits market in Peshawar"]
    assert outbox.states() == {1: "sent", 2: "sent", 3: "sent"}
    assert all(e.times_marked_sent == 1 for e in outbox.entries.values())
    assert value(metrics.sent, "ops") == 3 and value(metrics.messages, "ops") == 2
    latency = metrics.latency.labels("ops")
    assert latency._sum.get() == pytest.approx(12.0)  # three notifications, 4 s each


def test_failures_are_retried_on_the_backoff_schedule_then_given_up_once(caplog):
    route = RouteConfig(name="ops", url_env="X",
                        retry={"max_attempts": 3, "initial": "10s", "max": "15s"})
    sender = RecordingSender("ops", [DeliveryError("route 'ops': error=500.")] * 3)
    outbox, clock, metrics, worker = setup(route, sender)
    enqueue(outbox, 1, T0)
    caplog.set_level(logging.WARNING)

    assert worker.deliver_once("ops") == 1
    entry = outbox.entries[1]
    assert entry.state == "pending" and entry.due_at == T0 + timedelta(seconds=10)
    assert worker.deliver_once("ops") == 0, "not due before its retry time"

    clock.now = entry.due_at
    assert worker.deliver_once("ops") == 1
    assert entry.due_at == clock.now + timedelta(seconds=15)  # 20 s capped at 15 s

    clock.now = entry.due_at
    assert worker.deliver_once("ops") == 1
    assert entry.state == "given_up" and entry.notification.attempts == 3
    assert entry.errors == ["route 'ops': error=500."] * 3
    clock.now += timedelta(days=1)
    assert worker.deliver_once("ops") == 0, "a given-up notification is never sent again"

    gave_up = [r for r in caplog.records if "gave up" in r.getMessage()]
    assert len(gave_up) == 1 and gave_up[0].levelno == logging.ERROR
    assert "notification 1 (new, rules pk-attack) after 3 attempts" in gave_up[0].getMessage()
    assert value(metrics.failed, "ops") == 3 and value(metrics.gave_up, "ops") == 1
    assert value(metrics.sent, "ops") == 0


def test_notifications_with_different_histories_get_their_own_retry_times():
    route = RouteConfig(name="ops", url_env="X", retry={"initial": "1s", "max": "1h"})
    sender = RecordingSender("ops", [DeliveryError("route 'ops': down"),
                                     DeliveryError("route 'ops': down")])
    outbox, clock, _, worker = setup(route, sender)
    enqueue(outbox, 1, T0)
    worker.deliver_once("ops")  # attempt 1 of notification 1 fails: due at +1 s
    outbox.enqueue("ops", "later", "new", [make_alert(id="b")], T0)
    clock.now = T0 + timedelta(seconds=1)
    assert worker.deliver_once("ops") == 2  # both in one message, both fail
    assert outbox.entries[1].due_at == clock.now + timedelta(seconds=2)  # its 2nd failure
    assert outbox.entries[2].due_at == clock.now + timedelta(seconds=1)  # its 1st


def test_an_unexpected_sender_error_is_recorded_without_its_text():
    route = RouteConfig(name="ops", url_env="X")
    leaky = RuntimeError("cannot reach https://hooks.example/T0/B0/s3cr3t")
    outbox, _, _, worker = setup(route, RecordingSender("ops", [leaky]))
    enqueue(outbox, 1, T0)
    worker.deliver_once("ops")
    (error,) = outbox.entries[1].errors
    assert error == "route 'ops': sender failed with RuntimeError"


def test_a_claimed_notification_is_leased_away_from_other_workers():
    route = RouteConfig(name="ops", url_env="X", timeout="10s")
    outbox, _, _, _ = setup(route, RecordingSender("ops"))
    enqueue(outbox, 1, T0)
    assert len(outbox.claim("ops", "other", T0, timedelta(seconds=40))) == 1
    assert outbox.claim("ops", "w1", T0 + timedelta(seconds=39), timedelta(seconds=40)) == []
    # A worker that died leaves its claim to expire; then another worker takes it.
    assert len(outbox.claim("ops", "w1", T0 + timedelta(seconds=40), timedelta(seconds=40))) == 1


def test_every_route_needs_a_sender():
    with pytest.raises(ValueError, match=r"no sender for route\(s\) \['pager'\]"):
        DeliveryWorker(MemoryOutbox(), [RouteConfig(name="pager", url_env="X")], {},
                       metrics=RouteMetrics(CollectorRegistry()))
