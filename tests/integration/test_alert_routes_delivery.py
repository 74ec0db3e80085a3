"""Route delivery through apprise to real HTTP servers on 127.0.0.1 (http.server in threads).

Two routes share one notification: a generic JSON webhook (``json://``) that answers 200, and a
Slack-style incoming webhook reached through ``json://`` with apprise's payload mapping
(``:message=text`` and the other keys dropped: the body is exactly ``{"text": ...}``) that
answers 500, then 429, then 200. The first route must not wait for the second; the second gets
the message after two retries; nothing is sent again after success; the tokens in both URLs
appear in no log line and nothing on stderr, even with every logger at DEBUG.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise

import pytest
from newswatch.sinks.alerts.routes.config import RouteConfig
from newswatch.sinks.alerts.routes.metrics import RouteMetrics
from newswatch.sinks.alerts.routes.testing import MemoryOutbox, make_alert
from newswatch.sinks.alerts.routes.worker import DeliveryWorker
from prometheus_client import CollectorRegistry

pytestmark = pytest.mark.integration

JSON_TOKEN = "jsonTOKEN9f3a1c"
SLACK_TOKEN = "slackTOKEN7b2e4d"
SLACK_PAYLOAD_MAP = ":message=text&:title=&:version=&:attachments=&:type="


class Receiver:
    """A local webhook that answers from a script of status codes and records each request
    with the time it arrived."""

    def __init__(self, script: list[int] | None = None, delay: float = 0.0) -> None:
        self.script = list(script or [])
        self.requests: list[tuple[float, str, dict]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append((time.monotonic(), self.path, json.loads(body)))
                    status = receiver.script.pop(0) if receiver.script else 200
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def count(self) -> int:
        with self.lock:
            return len(self.requests)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    webhook, slack = Receiver(), Receiver([500, 429, 200])
    yield webhook, slack
    webhook.close()
    slack.close()


def wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_failing_route_retries_without_delaying_the_other_and_leaks_no_token(
        receivers, caplog, capfd):
    webhook, slack = receivers
    environ = {
        "OPS_WEBHOOK_URL": f"json://127.0.0.1:{webhook.port}/hooks/{JSON_TOKEN}",
        "OPS_SLACK_URL": (f"json://127.0.0.1:{slack.port}/services/T000/B000/{SLACK_TOKEN}"
                          f"?{SLACK_PAYLOAD_MAP}"),
    }
    retry = {"max_attempts": 5, "initial": 0.4, "max": 2}
    routes = [RouteConfig(name="ops-webhook", url_env="OPS_WEBHOOK_URL", format="markdown",
                          retry=retry, min_interval=0.05),
              RouteConfig(name="ops-slack", url_env="OPS_SLACK_URL", format="slack",
                          retry=retry, min_interval=0.05)]
    outbox = MemoryOutbox()
    attack = make_alert(id="a1", source_count=12)
    ttp = make_alert(id="a2", rule_id="ttp-mentions", rule_name="Mentions of TTP",
                     severity="low")
    now = datetime.now(UTC)
    for route in routes:
        assert outbox.enqueue(route.name, "article-1", "new", [attack, ttp], now)
    metrics = RouteMetrics(CollectorRegistry())
    caplog.set_level(logging.DEBUG)  # every logger, apprise's and urllib3's included
    # What an operator's log pipeline would get: every record on stderr.
    stderr_handler = logging.StreamHandler(sys.stderr)
    logging.getLogger().addHandler(stderr_handler)

    worker = DeliveryWorker.from_routes(outbox, routes, environ, metrics=metrics,
                                        poll_interval=0.05)
    worker.start()
    try:
        assert wait_for(lambda: webhook.count() == 1 and slack.count() == 3)
        assert wait_for(lambda: set(outbox.states().values()) == {"sent"})
        time.sleep(0.6)  # long enough for a wrongly repeated send to show up
    finally:
        worker.stop()
        logging.getLogger().removeHandler(stderr_handler)

    # The JSON route went out at once, while the Slack route was still failing.
    (webhook_at, webhook_path, webhook_body), = webhook.requests
    slack_times = [at for at, _, _ in slack.requests]
    assert webhook_at < slack_times[1], "the webhook waited for the failing route's retry"
    assert slack_times[1] - slack_times[0] >= 0.35  # the 0.4 s backoff, then 0.8 s
    assert slack_times[2] - slack_times[1] >= 0.75

    # apprise's generic JSON payload, and the Slack-shaped one: only "text".
    assert webhook_path == f"/hooks/{JSON_TOKEN}"
    assert webhook_body["title"].startswith("[HIGH] New: Militant attack in Pakistan")
    assert "Mentions of TTP" in webhook_body["message"]
    assert webhook_body["type"] == "failure"
    bodies = [body for _, _, body in slack.requests]
    assert all(body == bodies[0] for body in bodies), "a retry resends the same message"
    assert set(bodies[0]) == {"text"}
    text = bodies[0]["text"]
    assert text.startswith("*[HIGH] New: Militant attack in Pakistan (+1 more rule)")
    assert "• *HIGH* Militant attack in Pakistan (`pk-attack`)" in text
    assert "• *LOW* Mentions of TTP (`ttp-mentions`)" in text
    assert "12 sources, first seen 03 Nov 09:14 UTC" in text

    # Sent once each, after success nothing more.
    assert webhook.count() == 1 and slack.count() == 3
    assert all(e.times_marked_sent == 1 for e in outbox.entries.values())
    slack_entry = next(e for e in outbox.entries.values() if e.notification.route == "ops-slack")
    assert len(slack_entry.errors) == 2
    assert "error=500" in slack_entry.errors[0] and "error=429" in slack_entry.errors[1]
    assert metrics.sent.labels("ops-webhook")._value.get() == 1
    assert metrics.sent.labels("ops-slack")._value.get() == 1
    assert metrics.failed.labels("ops-slack")._value.get() == 2
    assert metrics.failed.labels("ops-webhook")._value.get() == 0

    # The failures were logged, by route name, and no token anywhere.
    logged = caplog.text
    assert "route 'ops-slack': " in logged and "error=500" in logged
    captured = capfd.readouterr()
    assert "JSON POST URL" in captured.err, "apprise's debug lines did reach stderr"
    for token in (JSON_TOKEN, SLACK_TOKEN, "T000/B000"):
        assert token not in logged
        assert token not in captured.err and token not in captured.out
        assert all(token not in e for entry in outbox.entries.values() for e in entry.errors)


def test_unreachable_route_is_given_up_after_its_attempts_without_naming_its_url(caplog):
    # A port nobody listens on: connection refused on every attempt.
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as probe:
        dead_port = probe.server_address[1]
    route = RouteConfig(name="pager", url_env="PAGER_URL",
                        retry={"max_attempts": 2, "initial": 0.1, "max": 0.1},
                        min_interval=0.01)
    environ = {"PAGER_URL": f"json://127.0.0.1:{dead_port}/page/{JSON_TOKEN}"}
    outbox = MemoryOutbox()
    outbox.enqueue("pager", "article-9", "escalated", [make_alert(severity="critical")],
                   datetime.now(UTC))
    metrics = RouteMetrics(CollectorRegistry())
    caplog.set_level(logging.DEBUG)
    worker = DeliveryWorker.from_routes(outbox, [route], environ, metrics=metrics,
                                        poll_interval=0.05)
    worker.start()
    try:
        assert wait_for(lambda: outbox.states() == {1: "given_up"}, timeout=5)
    finally:
        worker.stop()
    assert metrics.gave_up.labels("pager")._value.get() == 1
    gave_up = [r.getMessage() for r in caplog.records if "gave up" in r.getMessage()]
    assert len(gave_up) == 1
    assert gave_up[0].startswith("route pager: gave up on notification 1 (escalated")
    assert "Connection error" in gave_up[0]
    assert JSON_TOKEN not in caplog.text and str(dead_port) not in gave_up[0]


@pytest.mark.parametrize(("scheme_url", "path", "check"), [
    # Mattermost's incoming webhooks are Slack-compatible: {"text": title + body, ...}.
    ("mmost://127.0.0.1:{port}/{token}", "/hooks/{token}",
     lambda body: body["text"].startswith("[HIGH] New: Militant attack in Pakistan")),
    # ntfy, self-hosted over plain HTTP: the topic is in the JSON body.
    ("ntfy://127.0.0.1:{port}/{token}", "/",
     lambda body: body["title"].startswith("[HIGH] New:") and "pk-attack" in body["message"]),
], ids=["mattermost", "ntfy"])
def test_other_apprise_services_reach_a_local_server(scheme_url, path, check, caplog):
    receiver = Receiver()
    try:
        route = RouteConfig(name="desk", url_env="DESK_URL", format="markdown")
        environ = {"DESK_URL": scheme_url.format(port=receiver.port, token=JSON_TOKEN)}
        outbox = MemoryOutbox()
        outbox.enqueue("desk", "article-1", "new", [make_alert()], datetime.now(UTC))
        caplog.set_level(logging.DEBUG)
        worker = DeliveryWorker.from_routes(outbox, [route], environ,
                                            metrics=RouteMetrics(CollectorRegistry()),
                                            poll_interval=0.05)
        worker.start()
        try:
            assert wait_for(lambda: outbox.states() == {1: "sent"}, timeout=5)
        finally:
            worker.stop()
        ((_, got_path, body),) = receiver.requests
        assert got_path == path.format(token=JSON_TOKEN)
        assert check(body), body
        assert JSON_TOKEN not in caplog.text
    finally:
        receiver.close()


def test_rate_limit_spaces_one_routes_messages_while_a_slow_route_holds_only_itself():
    fast, slow = Receiver(), Receiver(delay=2.5)
    try:
        routes = [RouteConfig(name="fast", url_env="FAST_URL", batch_limit=1,
                              min_interval=0.3),
                  RouteConfig(name="slow", url_env="SLOW_URL", timeout=5)]
        environ = {"FAST_URL": f"json://127.0.0.1:{fast.port}/hook/{JSON_TOKEN}",
                   "SLOW_URL": f"json://127.0.0.1:{slow.port}/hook/{SLACK_TOKEN}"}
        outbox = MemoryOutbox()
        now = datetime.now(UTC)
        outbox.enqueue("slow", "article-0", "new", [make_alert()], now)
        for i in range(3):
            outbox.enqueue("fast", f"article-{i}", "new", [make_alert(id=f"a{i}")], now)
        worker = DeliveryWorker.from_routes(outbox, routes, environ,
                                            metrics=RouteMetrics(CollectorRegistry()),
                                            poll_interval=0.05)
        started = time.monotonic()
        worker.start()
        try:
            assert wait_for(lambda: set(outbox.states().values()) == {"sent"})
        finally:
            worker.stop()
        times = [at - started for at, _, _ in fast.requests]
        assert len(times) == 3, "batch_limit 1: one message per notification"
        gaps = [b - a for a, b in pairwise(times)]
        assert all(gap >= 0.28 for gap in gaps), gaps  # min_interval 0.3 s
        # All three went out while the slow route's first request was still being answered.
        assert times[-1] < 2.0, times
        assert slow.count() == 1
    finally:
        fast.close()
        slow.close()
