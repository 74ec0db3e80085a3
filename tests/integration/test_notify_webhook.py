"""The webhook notifier against a real HTTP server on localhost (http.server in a thread)."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from newswatch.sinks.alerts.metrics import AlertMetrics
from newswatch.sinks.alerts.notify import ConsoleNotifier, NotifyError, WebhookNotifier
from newswatch.sinks.alerts.sink import AlertSink
from newswatch.sinks.alerts.testing import tagged_article
from prometheus_client import CollectorRegistry

from newswatch.contracts import Alert

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


class Hook:
    """A local webhook receiver that answers from a script: status codes, or ("sleep", s)."""

    def __init__(self) -> None:
        self.script: list[int | tuple[str, float]] = []
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with hook.lock:
                    hook.requests.append((dict(self.headers), body))
                    step = hook.script.pop(0) if hook.script else 200
                if isinstance(step, tuple):
                    time.sleep(step[1])
                    step = 200
                self.send_response(step)
                if step == 429:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/secret-token"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook()
    yield h
    h.close()


def an_alert(**kw) -> Alert:
    values = {"id": "a1", "rule_id": "pk-attack", "rule_name": "Militant attack in Pakistan",
              "severity": "high", "dedup_key": "pk-attack|primary_country=PK",
              "article_id": "art-1", "title": "Blast hits market in Peshawar",
              "url": "https://demo.newswatch.example/1", "primary_country": "PK",
              "countries": ["PK"], "raised_at": T0}
    values.update(kw)
    return Alert(**values)


def notifier(url: str, **kw) -> WebhookNotifier:
    options = {"timeout": 2.0, "retries": 3, "backoff": 0.01, "max_backoff": 0.05}
    options.update(kw)
    return WebhookNotifier(url, **options)


def test_posts_alert_json(hook: Hook):
    notifier(hook.url, headers={"X-Team": "ops"}).notify(an_alert(), "new")
    ((headers, body),) = hook.requests
    payload = json.loads(body)
    assert payload["event"] == "alert.new"
    assert payload["alert"]["id"] == "a1" and payload["alert"]["severity"] == "high"
    assert payload["text"].startswith("[HIGH] Militant attack in Pakistan | PK | Blast hits")
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Team"] == "ops"
    assert headers["Idempotency-Key"] == "a1:new:high"


def test_500_then_200_is_retried_and_succeeds(hook: Hook):
    hook.script = [500, 200]
    notifier(hook.url).notify(an_alert(), "new")
    assert len(hook.requests) == 2
    assert hook.requests[0][1] == hook.requests[1][1]


def test_429_is_retried(hook: Hook):
    hook.script = [429, 503, 200]
    notifier(hook.url).notify(an_alert(), "new")
    assert len(hook.requests) == 3


def test_gives_up_after_bounded_retries(hook: Hook):
    hook.script = [500] * 10
    with pytest.raises(NotifyError, match="gave up after 3 attempts: HTTP 500") as info:
        notifier(hook.url, retries=2).notify(an_alert(), "new")
    assert len(hook.requests) == 3
    assert "secret-token" not in str(info.value)  # the URL's token is not leaked


def test_client_error_is_not_retried(hook: Hook):
    hook.script = [400]
    with pytest.raises(NotifyError, match="HTTP 400; not retried"):
        notifier(hook.url).notify(an_alert(), "new")
    assert len(hook.requests) == 1


def test_timeout_is_retried(hook: Hook):
    hook.script = [("sleep", 1.0), 200]
    started = time.monotonic()
    notifier(hook.url, timeout=0.2).notify(an_alert(), "new")
    assert len(hook.requests) == 2
    assert time.monotonic() - started < 1.0


def test_connection_refused_fails_cleanly():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NotifyError, match="gave up after 2 attempts"):
        notifier(f"http://127.0.0.1:{port}/hook", retries=1).notify(an_alert(), "new")


def test_sink_uses_webhook_from_rules_file_and_survives_its_failure(tmp_path: Path, hook: Hook):
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"""
rules:
  - id: peshawar
    name: Peshawar blast
    severity: high
    match: {{all: {{keywords: [Peshawar]}}}}
notifications:
  - {{type: webhook, url: "{hook.url}", retries: 1, backoff: 0.01, min_severity: medium}}
""", encoding="utf-8")
    metrics = AlertMetrics(CollectorRegistry())
    sink = AlertSink(rules, tmp_path / "a.db", metrics=metrics, reload_interval_s=0)
    (notified,) = sink.notifiers
    hook.script = [500, 500]
    art = tagged_article("Blast hits market in Peshawar", "A bomb went off in Peshawar.",
                         id="art-1")
    (alert,) = sink.handle(art, T0)  # published although the webhook is down
    assert alert.rule_id == "peshawar"
    assert len(hook.requests) == 2
    assert metrics.notification_failures.labels(notified.name)._value.get() == 1
    assert "secret-token" not in notified.name

    (second,) = sink.handle(tagged_article("Peshawar again", "Peshawar.", id="art-2"), T0)
    assert second.id != alert.id
    assert len(hook.requests) == 3
    assert json.loads(hook.requests[-1][1])["alert"]["article_id"] == "art-2"
    assert metrics.notifications.labels(notified.name)._value.get() == 1
    sink.close()


def test_console_and_webhook_together_keep_min_severity(tmp_path: Path, hook: Hook):
    rules = tmp_path / "rules.yaml"
    rules.write_text("""
rules:
  - {id: low, name: Low rule, severity: low, match: {all: {keywords: [Quetta]}}}
""", encoding="utf-8")
    out = io.StringIO()
    sink = AlertSink(rules, tmp_path / "a.db",
                     [ConsoleNotifier(out), notifier(hook.url, min_severity="high")],
                     metrics=AlertMetrics(CollectorRegistry()))
    sink.handle(tagged_article("Quetta traffic", "Quetta roads busy.", id="q"), T0)
    assert "[LOW] Low rule" in out.getvalue()
    assert hook.requests == []
    sink.close()
