"""Console benchmark: ``python benchmarks/run.py console [--alerts N] [--runs R]``.

A SQLite alert store with N (10,000) alerts over 40 rules, 30 countries, five severities and
four states. Figures:

- ``list_p95_ms``: the alerts view's request (``/api/alerts``, open alerts, newest 200) through
  Starlette's TestClient: the app's whole server-side work (query, JSON) plus an in-process
  client, so an upper bound on server time; p95 of R runs.
- ``filtered_p95_ms``: a filtered view (rule and severity, SQL-indexed); and
  ``country_filtered_p95_ms``: by country (a list field, matched in the JSON body).
- ``map_p95_ms``: the map's counts by country and by first-level division (a third of the
  alerts name one);
- ``live_delay_s``: in headless Chromium (when installed), the time from an alert being stored
  to its row appearing in the open alerts page; the worst of five.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newswatch.sinks.alerts.store import SqliteAlertStore
from newswatch.sinks.console.app import create_app
from newswatch.sinks.console.auth import Access

from newswatch.contracts import Alert
from newswatch.contracts.evidence import Span
from newswatch.settings import Settings

SEVERITIES = ("info", "low", "medium", "high", "critical")
STATES = ("new", "updated", "acknowledged", "resolved")
COUNTRIES = ("PK", "AF", "IN", "SY", "UA", "RU", "NG", "ML", "SD", "SO", "YE", "IQ", "IR", "IL",
             "PS", "LB", "ET", "KE", "CD", "MM", "PH", "ID", "CL", "MX", "CO", "VE", "HT", "BD",
             "TR", "EG")


def _alert(n: int, now: datetime) -> Alert:
    at = now - timedelta(seconds=n * 7)
    country = COUNTRIES[n % len(COUNTRIES)]
    title = f"Report {n}: armed men attacked a checkpoint near the border in {country}"
    return Alert(id=f"{n:032x}", version=1 + n % 3, change="raised", state=STATES[n % 4],
                 rule_id=f"rule-{n % 40}", rule_name=f"Rule {n % 40}",
                 severity=SEVERITIES[n % 5], story_id=f"st-{n // 2}", title=title,
                 url=f"https://news.example/{n}", summary=f"Rule {n % 40}: countries {country}",
                 article_id=f"a-{n}", latest_article_id=f"a-{n}", article_count=1 + n % 4,
                 source_count=1 + n % 3, sources=["news.example"], countries=[country],
                 primary_country=country,
                 admin1=[f"{country}-{n % 4 + 1:02d}"] if n % 3 == 0 else [], actors=["ttp"] if n % 7 == 0 else [],
                 event_types=["attack"], evidence=[Span(start=40, end=48, text="attacked",
                                                        field="title")],
                 first_seen_at=at, last_seen_at=at, raised_at=at, updated_at=at)


def _p95_ms(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18] * 1000, 2)


def _time(client: Any, path: str, runs: int) -> tuple[float, int]:
    samples = []
    count = 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
        count = len(response.json()["alerts"])
    return _p95_ms(samples), count


def _live_delay(store: SqliteAlertStore, folder: Path) -> float | None:
    from newswatch.sinks.console.server import ConsoleServer

    from tests.browser import WATCH_ROWS_JS, browser_page, missing_reason, wait_js

    reason = missing_reason()
    if reason:
        print(f"live_delay_s not measured: {reason}")
        return None
    server = ConsoleServer(Settings(state_dir=folder), store, host="127.0.0.1", port=0,
                           feeds_file=None, state_dir=folder)
    server.start()
    delays = []
    try:
        server.wait_started()
        with browser_page() as page:
            page.goto(server.url)
            wait_js(page, "document.body.dataset.ready === '1'")
            wait_js(page, "document.getElementById('live').classList.contains('on')")
            for trial in range(5):
                marker = f"Live trial {trial} {time.time_ns()}"
                page.evaluate("(t) => { window.__seen = null; (" + WATCH_ROWS_JS + ")(t)"
                              ".then((at) => { window.__seen = at; }); return true; }", marker)
                now = datetime.now(UTC)
                alert = _alert(900_000 + trial, now).model_copy(update={
                    "title": marker, "state": "new", "updated_at": now, "raised_at": now})
                store.save_alert(alert)
                seen_ms = wait_js(page, "window.__seen")
                delays.append(seen_ms / 1000 - now.timestamp())
                time.sleep(0.3)
    finally:
        server.stop()
    print("live delays (s): " + ", ".join(f"{d:.3f}" for d in delays))
    return round(max(delays), 3)


def run(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="benchmarks/run.py console")
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    from starlette.testclient import TestClient

    with tempfile.TemporaryDirectory(prefix="newswatch-console-bench-") as tmp:
        folder = Path(tmp)
        store = SqliteAlertStore(folder / "alerts.sqlite3")
        now = datetime.now(UTC)
        started = time.perf_counter()
        with store.transaction():
            for n in range(args.alerts):
                store.save_alert(_alert(n, now))
        print(f"stored {store.count()} alerts in {time.perf_counter() - started:.1f} s")
        with TestClient(create_app(store, Access())) as client:
            _time(client, "/api/alerts", 5)  # warm up
            list_p95, listed = _time(client, "/api/alerts", args.runs)
            filtered_p95, filtered = _time(client, "/api/alerts?rule=rule-3&severity=high,"
                                           "critical&state=all", args.runs)
            country_p95, by_country = _time(client, "/api/alerts?country=PK", args.runs)
            map_samples = []
            for _ in range(args.runs):
                t = time.perf_counter()
                client.get("/api/map")
                map_samples.append(time.perf_counter() - t)
        print(f"alerts view: {listed} rows; rule+severity: {filtered}; country PK: {by_country}")
        live = None if args.no_browser else _live_delay(store, folder)
        store.close()
    figures: dict[str, Any] = {"alerts": args.alerts, "runs": args.runs,
                               "list_p95_ms": list_p95, "filtered_p95_ms": filtered_p95,
                               "country_filtered_p95_ms": country_p95,
                               "map_p95_ms": _p95_ms(map_samples), "live_delay_s": live}
    figures["ok"] = bool(list_p95 <= 300 and filtered_p95 <= 100
                         and (live is None or live <= 1.0))
    return figures
