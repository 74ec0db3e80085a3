"""The console in a real headless browser (Debian's Chromium, Playwright) against a real
broker and store: the alert role runs in-process and consumes tagged articles from the
embedded broker; the console serves the same store over real HTTP.

The operator sees a new alert arrive live, opens its story with the evidence marked,
acknowledges it and silences its rule; ``newswatch alerts list --json`` (a separate process)
and ``news.alerts`` show both. Screenshots go to ``NEWSWATCH_SCREENSHOT_DIR`` when set
(docs/screenshots was made that way).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from newswatch.sinks.alerts.role import build_alert_runner, open_alert_store
from newswatch.sinks.console.server import ConsoleServer

from newswatch.contracts import Alert
from newswatch.kafka.clients import ensure_topics
from newswatch.settings import Settings
from tests.browser import WATCH_ROWS_JS, browser_page, missing_reason, wait_js
from tests.integration.console_fixtures import (
    RULES,
    attack_article,
    quake_article,
    volcano_article,
)
from tests.kafka_helpers import produce_tagged, read_to_end

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or "")]



def _until(test: Callable[[], object], timeout_s: float = 40, what: str = "") -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = test()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _feeds(tmp_path: Path) -> Path:
    from newswatch.ingest.schedule import FeedState
    from newswatch.ingest.state import FeedCommit, StateStore

    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        "feeds:\n"
        "  - {id: desk-wire, url: 'http://127.0.0.1:9/wire.xml', name: Desk wire}\n"
        "  - {id: regional-daily, url: 'http://127.0.0.1:9/daily.xml', name: Regional daily}\n"
        "  - {id: old-blog, url: 'http://127.0.0.1:9/blog.xml', name: Old blog}\n"
        "  - {id: new-source, url: 'http://127.0.0.1:9/new.xml', name: New source}\n",
        encoding="utf-8")
    now = time.time()
    with StateStore.in_dir(tmp_path) as state:
        state.commit([
            FeedCommit(FeedState("desk-wire", last_fetch_at=now - 40, last_success_at=now - 40,
                                 last_status=200, items_published=212)),
            FeedCommit(FeedState("regional-daily", last_fetch_at=now - 300,
                                 last_success_at=now - 300, last_status=304,
                                 items_published=57)),
            FeedCommit(FeedState("old-blog", last_fetch_at=now - 600, last_status=404,
                                 last_success_at=now - 4 * 86400,
                                 failing_since=now - 3 * 86400, errors_total=31,
                                 last_error_kind="http", last_error="404 Not Found"))])
    return feeds


def test_operator_sees_acts_and_silences_in_a_browser(
        make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    settings = make_settings(rules_file=rules, alerts={"reload_interval_s": 0.5})
    ensure_topics(settings)
    stop = threading.Event()
    role = build_alert_runner(settings, stop)
    role_thread = threading.Thread(target=role.run)
    role_thread.start()
    store = open_alert_store(settings)
    shots = os.environ.get("NEWSWATCH_SCREENSHOT_DIR")
    shot_dir = Path(shots) if shots else tmp_path / "shots"
    shot_dir.mkdir(parents=True, exist_ok=True)
    server = ConsoleServer(settings, store, host="127.0.0.1", port=0,
                           feeds_file=_feeds(tmp_path), state_dir=tmp_path)
    server.start()
    page_errors: list[str] = []
    try:
        assert server.wait_started()
        produce_tagged(settings, [attack_article(1), quake_article(1)])
        _until(lambda: store.count() >= 3, what="the first alerts in the store")

        with browser_page() as page:
            # any script error or CSP violation in the console's own code fails the test
            page.on("console", lambda m: m.type == "error" and page_errors.append(m.text))
            page.on("pageerror", lambda e: page_errors.append(str(e)))
            page.goto(server.url)
            page.wait_for_selector("body[data-ready='1']")
            page.wait_for_selector("#live.on")
            assert page.locator("#alerts tbody tr").count() == 3

            # a new alert arrives while the page is open
            page.evaluate("(t) => { window.__seen = null; (" + WATCH_ROWS_JS + ")(t)"
                          ".then((at) => { window.__seen = at; }); return true; }",
                          "Volcano erupts on Java")
            produce_tagged(settings, [volcano_article(1)])
            wait_js(page, "window.__seen !== null")
            seen_ms = page.evaluate("window.__seen")
            volcano = next(a for a in store.list_alerts() if a.rule_id == "quake"
                           and a.primary_country == "ID")
            delay_s = seen_ms / 1000 - volcano.updated_at.timestamp()
            print(f"live delay: {delay_s:.3f} s from stored to shown")
            assert 0 <= delay_s <= 1.0, f"new alert shown {delay_s:.2f}s after it was stored"
            page.screenshot(path=str(shot_dir / "alerts.png"))

            # open the attack alert: its story, with the evidence marked
            attack = next(a for a in store.list_alerts() if a.rule_id == "pk-attack")
            page.click(f"#alerts tbody tr[data-id='{attack.id}']")
            page.wait_for_selector("article.kept")
            marks = page.locator("article.kept mark")
            assert marks.count() >= 3
            assert "attacked" in marks.all_text_contents()
            # the article's own markup is text, not elements
            assert page.locator("article.kept script").count() == 0
            assert "<script>alert(1)</script>" in page.locator("article.kept p.text").inner_text()
            page.screenshot(path=str(shot_dir / "alert-detail.png"), full_page=True)

            page.fill(".actions input[name=comment]", "desk is on it")
            page.click("#ack")
            wait_js(page, "document.getElementById('alert-state').textContent.includes('acknowledged')")
            # silence the ttp rule from the ttp alert's page
            ttp = next(a for a in store.list_alerts() if a.rule_id == "ttp")
            page.goto(server.url + f"#/alert/{ttp.id}")
            wait_js(page, "document.querySelector('#silence-form input[name=matcher]')?.value"
                    " === 'rule=ttp'")
            boxes = page.locator("#silence-form input[name=matcher]")
            assert boxes.nth(0).get_attribute("value") == "rule=ttp"
            assert boxes.nth(0).is_checked()
            page.select_option("#silence-form select[name=duration]", "6h")
            page.fill("#silence-form input[name=silence-comment]", "known group, tracked")
            page.click("#silence-form button[type=submit]")
            wait_js(page, "document.getElementById('silence-result').textContent.includes('covers 1')")
            wait_js(page, "document.getElementById('alert-state').textContent.includes('silenced')")

            page.goto(server.url + "#/map")
            page.wait_for_selector("#world path.sev-critical")
            assert page.locator("#world path[data-code='PK']").get_attribute(
                "class") == "country sev-high"
            assert page.locator("#world circle[data-code='PK-KP']").get_attribute(
                "class") == "division sev-high"
            page.screenshot(path=str(shot_dir / "map.png"))
            page.click("#world circle[data-code='PK-KP']")
            wait_js(page, "location.hash === '#/alerts' && [...document.querySelectorAll("
                    "'#alerts tbody tr')].length === 2")
            assert "Lakki Marwat" in page.locator("#alerts tbody").inner_text()
            page.evaluate("document.getElementById('map').replaceChildren()")  # no stale map
            page.goto(server.url + "#/map")
            page.wait_for_selector("#world path[data-code='CL']")
            page.click("#world path[data-code='CL']")
            wait_js(page, "location.hash === '#/alerts'")
            wait_js(page, "[...document.querySelectorAll('#alerts tbody tr')].length === 1")
            assert "Chile" in page.locator("#alerts tbody").inner_text()

            page.goto(server.url + "#/silences")
            page.wait_for_selector("#silences tbody tr")
            row = page.locator("#silences tbody tr").first.inner_text()
            assert "rule=ttp" in row and "known group, tracked" in row

            page.goto(server.url + "#/feeds")
            page.wait_for_selector("#feeds tbody tr")
            assert "dead" in page.locator("#feeds tbody").inner_text()
            page.screenshot(path=str(shot_dir / "feeds.png"))

        # the real CLI, a separate process on the same store
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
        env["NEWSWATCH_STATE_DIR"] = str(settings.state_dir)
        run = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "alerts", "list",
                              "--all", "--json"], env=env, capture_output=True, text=True,
                             timeout=60, check=True)
        listed = {a.id: a for a in map(Alert.model_validate_json, run.stdout.splitlines())}
        user = server.access.local_user
        assert listed[attack.id].state == "acknowledged"
        assert listed[attack.id].acknowledged_by == user
        assert listed[attack.id].comment == "desk is on it"
        assert listed[ttp.id].silenced_by and listed[ttp.id].state == "new"
        silences = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "alerts",
                                   "silences", "--json"], env=env, capture_output=True,
                                  text=True, timeout=60, check=True)
        (silence,) = [json.loads(line) for line in silences.stdout.splitlines()]
        assert silence["created_by"] == user and silence["comment"] == "known group, tracked"
        assert silence["id"] in listed[ttp.id].silenced_by

        # and news.alerts carries both changes, keyed by alert id (the role publishes them)
        def changes() -> set[tuple[str, str]]:
            return {(r.key.decode(), Alert.model_validate_json(r.value).change)
                    for r in read_to_end(settings, settings.topics.alerts)}
        _until(lambda: {(attack.id, "acknowledged"), (ttp.id, "silenced")} <= changes(),
               what="the console's changes on news.alerts")
    finally:
        server.stop()
        stop.set()
        role_thread.join(30)
        role.close()
        store.close()
    assert (shot_dir / "alerts.png").stat().st_size > 10_000
    assert not page_errors, page_errors
