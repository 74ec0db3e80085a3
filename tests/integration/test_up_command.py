"""`newswatch up` with no configuration: embedded broker, demo feeds, every role in one
process. It must print alerts as JSON lines, serve /metrics with polled, tagged and alerted
counts, and stop cleanly after --duration."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from newswatch.contracts import Alert

pytestmark = pytest.mark.integration


def _metric(text: str, name: str) -> float:
    values = [float(m.group(1)) for m in re.finditer(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.MULTILINE)]
    return sum(values)


def test_up_prints_alerts_and_serves_metrics(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env["NEWSWATCH_METRICS_PORT"] = "0"
    env["NEWSWATCH_CONSOLE__PORT"] = "0"
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "newswatch.cli.main", "up", "--json", "--duration", "80"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stderr_lines: list[str] = []
    reader = threading.Thread(target=lambda: stderr_lines.extend(iter(proc.stderr.readline, "")))
    reader.start()
    try:
        first = proc.stdout.readline()
        first_alert_after = time.monotonic() - started
        assert first, "no alert printed; stderr:\n" + "".join(stderr_lines[-30:])
        alert = Alert.model_validate_json(first)
        assert alert.severity in ("info", "low", "medium", "high", "critical")

        url = next(m.group(0) for line in stderr_lines
                   if (m := re.search(r"http://[\d.]+:\d+/metrics", line)))
        time.sleep(3)
        metrics = urllib.request.urlopen(url, timeout=10).read().decode()
        console = next(m.group(0) for line in stderr_lines
                       if (m := re.search(r"console on (http://127\.0\.0\.1:\d+/)", line)))
        console_url = console.removeprefix("console on ")
        listed = json.loads(urllib.request.urlopen(console_url + "api/alerts?state=all",
                                                   timeout=10).read())
        rest, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        reader.join(5)
    assert proc.returncode == 0, "".join(stderr_lines[-30:])
    assert first_alert_after < 90
    assert _metric(metrics, "newswatch_articles_polled_total") > 0
    assert _metric(metrics, "newswatch_articles_tagged_total") > 0
    assert _metric(metrics, "newswatch_alerts_raised_total") > 0
    alerts = [Alert.model_validate_json(line) for line in [first, *rest.splitlines()] if line]
    assert len({a.id for a in alerts}) >= 1
    # the console served the same store while up ran
    assert alert.id in {a["id"] for a in listed["alerts"]}
    # and the alerts outlive the demo: `newswatch alerts list` reads them after up exited
    after = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "alerts", "list",
                            "--all", "--json", "--limit", "1000"], env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=60, check=False)
    assert after.returncode == 0, after.stderr
    stored = {Alert.model_validate_json(line).id for line in after.stdout.splitlines()}
    assert {a.id for a in alerts} <= stored
    table = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "alerts", "list",
                            "--all"], env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=60, check=False)
    assert table.stdout.startswith("ID ") and alert.id[:10] in table.stdout


def test_up_uses_a_configured_cluster_instead_of_starting_a_broker(make_settings, tmp_path) -> None:
    from newswatch.kafka.clients import ensure_topics
    from tests.kafka_helpers import read_topic

    settings = make_settings()
    ensure_topics(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update({"NEWSWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
                "NEWSWATCH_TOPIC_PREFIX": settings.topic_prefix,
                "NEWSWATCH_SESSION_TIMEOUT_MS": "6000", "NEWSWATCH_METRICS_PORT": "0"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "newswatch.cli.main", "up", "--json", "--duration", "45",
         "--state-dir", str(tmp_path / "state")],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        alerts = read_topic(settings, settings.topics.alerts, expect=1, timeout_s=80)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-3000:]
    assert "embedded broker" not in err
    assert alerts, "no alert reached the configured cluster's alerts topic"
    printed = {Alert.model_validate_json(line).id for line in out.splitlines() if line}
    assert {Alert.model_validate_json(r.value).id for r in alerts} <= printed


def test_ctrl_c_stops_everything_cleanly(tmp_path) -> None:
    """A terminal's Ctrl-C sends SIGINT to the whole process group, parser workers included."""
    import signal

    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env["NEWSWATCH_METRICS_PORT"] = "0"
    proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "up"], env=env,
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        assert proc.stdout.readline(), "no alert before the interrupt"
        os.killpg(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    assert "SIGINT received" in err
