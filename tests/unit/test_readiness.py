"""/ready's answer from the roles' checks, through the WSGI app that serves it beside /metrics."""

from __future__ import annotations

from wsgiref.util import setup_testing_defaults

from kafka.structs import MemberState
from prometheus_client import CollectorRegistry, Counter

from newswatch.metrics import metrics_app
from newswatch.readiness import Readiness, group_not_joined


def get(app, path: str) -> tuple[str, str]:
    environ: dict = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    seen: dict[str, str] = {}
    body = b"".join(app(environ, lambda status, headers: seen.setdefault("status", status)))
    return seen["status"], body.decode()


def test_not_ready_until_a_role_registers_and_while_any_role_is_not() -> None:
    readiness = Readiness()
    app = metrics_app(readiness, CollectorRegistry())
    status, body = get(app, "/ready")
    assert status.startswith("503") and "starting" in body
    readiness.register("process", lambda: None)
    readiness.register("alert", lambda: "consumer group not joined yet (rebalancing)")
    status, body = get(app, "/ready")
    assert status.startswith("503")
    assert "alert: consumer group not joined yet (rebalancing)" in body
    assert "process: ready" in body
    readiness.unregister("alert")
    assert get(app, "/ready")[0].startswith("200")


def test_a_check_that_raises_means_not_ready() -> None:
    readiness = Readiness()

    def broken() -> str | None:
        raise RuntimeError("boom")

    readiness.register("poll", broken)
    ready, lines = readiness.report()
    assert not ready and lines == ["poll: check failed: RuntimeError: boom"]


def test_other_paths_still_serve_the_metrics() -> None:
    registry = CollectorRegistry()
    Counter("newswatch_probe_test", "x", registry=registry).inc()
    status, body = get(metrics_app(Readiness(), registry), "/metrics")
    assert status.startswith("200") and "newswatch_probe_test_total 1.0" in body


def test_group_state_is_read_from_the_coordinator() -> None:
    class Consumer:
        def __init__(self, state: str | None) -> None:
            self._coordinator = type("C", (), {"state": state})() if state else None

    assert group_not_joined(Consumer(MemberState.STABLE)) is None
    assert group_not_joined(Consumer(MemberState.REBALANCING)) == \
        "consumer group not joined yet (rebalancing)"
    assert group_not_joined(Consumer(None)) == "consumer has no group coordinator"
