"""The console's HTTP API over a real SQLite store filled by the real alert sink: lists and
filters, detail with marked evidence, actions that change the store and queue news.alerts
records, access control, CSRF, security headers; live events through real uvicorn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from newswatch.sinks.alerts.store import SqliteAlertStore
from newswatch.sinks.console.app import create_app
from newswatch.sinks.console.auth import Access, User, hash_password
from newswatch.sinks.console.server import ConsoleServer
from starlette.testclient import TestClient

from newswatch import topics
from newswatch.contracts import Alert
from newswatch.settings import Settings
from tests.integration.console_fixtures import filled_store, sink_for, volcano_article

pytestmark = pytest.mark.integration
TOKEN = "console-token-0123456789"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteAlertStore]:
    with filled_store(tmp_path / "alerts.sqlite3") as s:
        yield s


def _client(store: SqliteAlertStore, access: Access | None = None) -> TestClient:
    return TestClient(create_app(store, access or Access(), poll_interval_s=0.1),
                      base_url="http://127.0.0.1:8765")


def _csrf(client: TestClient) -> dict[str, str]:
    return {"x-csrf-token": client.get("/api/session").json()["csrf"]}


def test_list_and_filters(store: SqliteAlertStore) -> None:
    with _client(store) as client:
        body = client.get("/api/alerts").json()
        assert body["total"] == 3
        assert [a["rule_id"] for a in body["alerts"]] == ["quake", "pk-attack", "ttp"] or \
            {a["rule_id"] for a in body["alerts"]} == {"quake", "pk-attack", "ttp"}
        assert body["alerts"][0]["rule_id"] == "quake"  # most recently changed first

        def ids(query: str) -> set[str]:
            got = client.get("/api/alerts?" + query)
            assert got.status_code == 200, got.text
            return {a["rule_id"] for a in got.json()["alerts"]}

        assert ids("severity=critical") == {"quake"}
        assert ids("severity=high,medium") == {"pk-attack", "ttp"}
        assert ids("rule=ttp") == {"ttp"}
        assert ids("country=pk") == {"pk-attack", "ttp"}
        assert ids("country=CL") == {"quake"}
        assert ids("event_type=natural_disaster") == {"quake"}
        assert ids("admin1=pk-kp") == {"pk-attack", "ttp"}
        assert ids("actor=ttp") == {"pk-attack", "ttp"}
        assert ids("actor=ttp&rule=ttp") == {"ttp"}
        assert ids("state=acknowledged") == set()
        assert ids("since=1h") == {"quake", "pk-attack", "ttp"}
        bad = client.get("/api/alerts?severity=urgent")
        assert bad.status_code == 400 and "severity 'urgent'" in bad.json()["error"]
        assert client.get("/api/alerts?since=soon").status_code == 400
        counts = client.get("/api/map").json()["countries"]
        assert counts["PK"] == {"total": 2, "by_severity": {"high": 1, "medium": 1},
                                "max": "high"}
        assert counts["CL"]["max"] == "critical"
        assert client.get("/api/map").json()["divisions"] == {
            "PK-KP": {"total": 2, "by_severity": {"high": 1, "medium": 1}, "max": "high"}}
        assert client.get("/api/facets").json()["rules"] == ["pk-attack", "quake", "ttp"]


def test_detail_has_story_history_and_marked_evidence(store: SqliteAlertStore) -> None:
    alert = next(a for a in store.list_alerts() if a.rule_id == "pk-attack")
    with _client(store) as client:
        body = client.get(f"/api/alerts/{alert.id[:8]}").json()  # a unique prefix works too
    assert body["alert"]["id"] == alert.id and body["alert"]["summary"] == alert.summary
    assert body["story"]["articles"][0]["url"] == "https://desk.example/1"
    assert [h["change"] for h in body["history"]] == ["raised"]
    assert [o["rule_id"] for o in body["others"]] == ["ttp"]  # the story's other alert
    (article,) = body["articles"]
    text = article["text_html"]
    assert '<mark class="tag-event" title="event attack">attacked</mark>' in text
    assert ('<mark class="tag-actor" title="actor ttp (armed_group)">Tehrik-i-Taliban Pakistan'
            "</mark>") in text
    # the article's own markup is shown as text, never run
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; fled." in text
    assert "<script>" not in text
    assert ('<mark class="tag-country" title="country PK; division PK-KP">Lakki Marwat</mark>'
            in article["title_html"])
    with _client(store) as client:
        assert client.get("/api/alerts/nonexistent-id").status_code == 404


def test_actions_change_the_store_and_queue_the_topic_record(store: SqliteAlertStore) -> None:
    alert = next(a for a in store.list_alerts() if a.rule_id == "pk-attack")
    before = len(store.pending_records())
    with _client(store) as client:
        headers = _csrf(client)
        done = client.post(f"/api/alerts/{alert.id}/ack", json={"comment": "on it"},
                           headers=headers)
        assert done.status_code == 200, done.text
        again = client.post(f"/api/alerts/{alert.id}/ack", json={}, headers=headers)
        assert again.status_code == 409 and "already acknowledged" in again.json()["error"]
        silenced = client.post("/api/silences", headers=headers, json={
            "matchers": ["rule=ttp"], "duration": "2h", "comment": "known"})
        assert silenced.status_code == 200 and silenced.json()["covered"] == 1
        bad = client.post("/api/silences", headers=headers, json={"matchers": ["colour=red"]})
        assert bad.status_code == 400 and "unknown field" in bad.json()["error"]
        resolved = client.post(f"/api/alerts/{alert.id}/resolve", json={"comment": "over"},
                               headers=headers)
        assert resolved.status_code == 200
        silence_id = silenced.json()["silence"]["id"]
        listed = client.get("/api/silences").json()["silences"]
        assert [s["id"] for s in listed] == [silence_id] and listed[0]["active"]
        ended = client.post(f"/api/silences/{silence_id}/end", json={}, headers=headers)
        assert ended.json() == {"ended": True}

    user = Access().local_user
    now = store.get(alert.id)
    assert now is not None and now.state == "resolved" and now.resolved_by == user
    assert [(h.change, h.actor, h.comment) for h in store.history(alert.id)] == [
        ("raised", None, None), ("acknowledged", user, "on it"), ("resolved", user, "over")]
    ttp = next(a for a in store.list_alerts() if a.rule_id == "ttp")
    assert [h.change for h in store.history(ttp.id)] == ["raised", "silenced", "unsilenced"]
    records = store.pending_records()[before:]
    assert all(r.topic == topics.ALERTS for r in records)
    published = [Alert.model_validate_json(r.value) for r in records]
    assert [(a.id, a.change) for a in published] == [
        (alert.id, "acknowledged"), (ttp.id, "silenced"), (alert.id, "resolved"),
        (ttp.id, "unsilenced")]
    assert all(r.key.decode() == a.id for r, a in zip(records, published, strict=True))


def test_csrf_is_required_for_actions(store: SqliteAlertStore) -> None:
    alert = store.list_alerts()[0]
    with _client(store) as client:
        headers = _csrf(client)
        assert client.post(f"/api/alerts/{alert.id}/ack", json={}).status_code == 403
        assert client.post(f"/api/alerts/{alert.id}/ack", json={},
                           headers={"x-csrf-token": "forged"}).status_code == 403
        cross = client.post(f"/api/alerts/{alert.id}/ack", json={},
                            headers={**headers, "origin": "http://evil.example"})
        assert cross.status_code == 403
        # a different browser (no cookie) replaying the header value is refused
        with _client(store) as other:
            assert other.post(f"/api/alerts/{alert.id}/ack", json={},
                              headers=headers).status_code == 403
    assert store.get(alert.id).state == "new"  # type: ignore[union-attr]


def test_token_is_required_when_configured(store: SqliteAlertStore) -> None:
    access = Access(token=TOKEN)
    with _client(store, access) as client:
        for path in ("/api/alerts", "/api/session", "/api/map", "/api/feeds", "/api/events"):
            refused = client.get(path)
            assert refused.status_code == 401, path
            assert refused.headers["www-authenticate"].startswith("Bearer")
        page = client.get("/", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"
        assert client.get("/api/alerts", headers={"authorization": "Bearer wrong"}
                          ).status_code == 401
        ok = client.get("/api/alerts", headers={"authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and ok.json()["total"] == 3
        cross = client.post("/login", data={"username": "", "password": TOKEN},
                            headers={"origin": "http://evil.example"}, follow_redirects=False)
        assert cross.status_code == 403 and "nw_session" not in cross.cookies
        # the sign-in form sets a session; the browser then reads and acts with its cookie
        assert client.post("/login", data={"username": "", "password": "nope"},
                           follow_redirects=False).headers["location"] == "/login?failed=1"
        signed = client.post("/login", data={"username": "", "password": TOKEN},
                             follow_redirects=False)
        assert signed.status_code == 303 and "nw_session" in signed.cookies
        assert "samesite=strict" in signed.headers["set-cookie"].lower()
        assert "httponly" in signed.headers["set-cookie"].lower()
        session = client.get("/api/session").json()
        assert session["user"] == "token" and session["may_act"]
        alert = store.list_alerts()[0]
        acted = client.post(f"/api/alerts/{alert.id}/ack", json={},
                            headers={"x-csrf-token": session["csrf"]})
        assert acted.status_code == 200
    assert store.get(alert.id).acknowledged_by == "token"  # type: ignore[union-attr]


def test_read_only_users_cannot_act(store: SqliteAlertStore) -> None:
    users = {"rui": User("rui", "readonly", hash_password("pw-rui-123")),
             "ana": User("ana", "operator", hash_password("pw-ana-123"))}
    alert = store.list_alerts()[0]
    with _client(store, Access(users=users)) as client:
        client.post("/login", data={"username": "rui", "password": "pw-rui-123"})
        session = client.get("/api/session").json()
        assert session == {**session, "user": "rui", "role": "readonly", "may_act": False}
        assert client.get("/api/alerts").status_code == 200
        for path, body in ((f"/api/alerts/{alert.id}/ack", {}),
                           (f"/api/alerts/{alert.id}/resolve", {}),
                           ("/api/silences", {"matchers": ["rule=ttp"]})):
            refused = client.post(path, json=body, headers={"x-csrf-token": session["csrf"]})
            assert refused.status_code == 403 and "read-only" in refused.json()["error"]
    assert store.get(alert.id).state == "new"  # type: ignore[union-attr]
    assert store.silences() == []
    with _client(store, Access(users=users)) as client:
        client.post("/login", data={"username": "ana", "password": "pw-ana-123"})
        done = client.post(f"/api/alerts/{alert.id}/ack", json={}, headers=_csrf(client))
        assert done.status_code == 200
    assert store.get(alert.id).acknowledged_by == "ana"  # type: ignore[union-attr]


def test_security_headers_on_every_response(store: SqliteAlertStore) -> None:
    with _client(store, Access(token=TOKEN)) as client:
        for response in (client.get("/login"), client.get("/static/app.js"),
                         client.get("/api/alerts"), client.get("/no-such-page"),
                         client.get("/", follow_redirects=False)):
            csp = response.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert "frame-ancestors 'none'" in csp
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["referrer-policy"] == "no-referrer"


def test_feeds_view_reads_the_poller_state(tmp_path: Path, store: SqliteAlertStore) -> None:
    from newswatch.ingest.schedule import FeedState
    from newswatch.ingest.state import FeedCommit, StateStore

    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {id: wire, url: 'http://127.0.0.1:9/wire.xml', name: Wire}\n"
                     "  - {id: gone, url: 'http://127.0.0.1:9/gone.xml'}\n"
                     "  - {id: new, url: 'http://127.0.0.1:9/new.xml'}\n", encoding="utf-8")
    now = time.time()
    with StateStore.in_dir(tmp_path) as state:
        state.commit([FeedCommit(FeedState("wire", last_fetch_at=now - 60,
                                           last_success_at=now - 60, last_status=200,
                                           items_published=12),
                                 seen=[("a1", None), ("a2", None), ("a3", None)]),
                      FeedCommit(FeedState("gone", last_fetch_at=now - 60, last_status=404,
                                           failing_since=now - 3 * 86400, errors_total=9,
                                           last_error_kind="http", last_error="404 Not Found"))])
        state.import_seen("wire", [("old", None, now - 3 * 86400)])  # not in the last day
    app = create_app(store, Access(), feeds_file=feeds, state_dir=tmp_path)
    with TestClient(app) as client:
        body = client.get("/api/feeds").json()
    rows = {f["id"]: f for f in body["feeds"]}
    assert rows["wire"]["health"] == "ok" and rows["wire"]["items_published"] == 12
    assert rows["wire"]["items_last_24h"] == 3 and rows["gone"]["items_last_24h"] == 0
    assert rows["wire"]["name"] == "Wire" and not rows["wire"]["stale"]
    assert rows["gone"]["health"] == "dead" and rows["gone"]["last_error"] == "http: 404 Not Found"
    assert rows["new"]["health"] == "never_polled"


def test_live_events_over_real_uvicorn(tmp_path: Path, store: SqliteAlertStore) -> None:
    settings = Settings(state_dir=tmp_path)
    server = ConsoleServer(settings, store, host="127.0.0.1", port=0, feeds_file=None,
                           state_dir=tmp_path)
    server.start()
    try:
        assert server.wait_started()
        with httpx.Client(base_url=server.url, timeout=10) as client, \
                client.stream("GET", "/api/events") as events:
            assert events.headers["content-type"].startswith("text/event-stream")
            lines = events.iter_lines()
            assert next(lines).startswith("retry:")
            time.sleep(0.7)  # the feed has taken its first look
            stored_at = time.monotonic()
            sink_for(store).handle(volcano_article(7), datetime.now(UTC))
            for line in lines:
                if line.startswith("data:"):
                    batch = json.loads(line[5:])
                    break
            delay = time.monotonic() - stored_at
        assert {a["title"] for a in batch} == {"Volcano erupts on Java, villages evacuated (7)"}
        assert delay < 1.0, f"live event took {delay:.2f}s"
    finally:
        server.stop()


def test_cli_refuses_to_bind_beyond_loopback_without_auth(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env["NEWSWATCH_STATE_DIR"] = str(tmp_path)
    run = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "console", "--host",
                          "0.0.0.0", "--port", "0"], env=env, capture_output=True, text=True,
                         timeout=60, check=False)
    assert run.returncode == 2
    assert "refusing to serve the console on 0.0.0.0" in run.stderr
    assert "NEWSWATCH_CONSOLE__TOKEN" in run.stderr


def _serve_cli(tmp_path: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update({"NEWSWATCH_STATE_DIR": str(tmp_path), **env_extra})
    proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "console", "--port",
                             "0"], env=env, stderr=subprocess.PIPE, text=True)
    seen = []
    for _ in range(50):  # log lines (and warnings) may come before the address
        line = proc.stderr.readline()  # type: ignore[union-attr]
        seen.append(line)
        if "newswatch console on http://127.0.0.1:" in line or not line:
            break
    assert "newswatch console on http://127.0.0.1:" in line, "".join(seen)
    return proc, line.split(" on ", 1)[1].split(" ", 1)[0]


def test_cli_serves_with_users_from_a_file_and_a_token_from_a_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    hashed = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "console",
                             "hash-password"], input="pw-for-ana-1\n", env=env,
                            capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    users = tmp_path / "users"
    users.write_text(f"ana readonly {hashed}\n", encoding="utf-8")
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    filled_store(tmp_path / "alerts.sqlite3").close()
    proc, url = _serve_cli(tmp_path, {"NEWSWATCH_CONSOLE__USERS_FILE": str(users),
                                      "NEWSWATCH_CONSOLE__TOKEN_FILE": str(token_file)})
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            assert client.get("/api/alerts").status_code == 401
            assert client.get("/api/alerts", headers={"authorization": f"Bearer {TOKEN}"}
                              ).json()["total"] == 3
            client.post("/login", data={"username": "ana", "password": "pw-for-ana-1"})
            assert client.get("/api/session").json()["role"] == "readonly"
    finally:
        proc.terminate()
        proc.wait(10)


def test_failed_sign_ins_pause_sign_in_for_that_address_and_name(
        tmp_path: Path, store: SqliteAlertStore) -> None:
    """Over real uvicorn with the settings users set: after the allowed failures, even the
    right password is refused (429, Retry-After) without being checked, for that address and
    that name; the API's bearer token is not affected."""
    users = tmp_path / "users"
    users.write_text(f"ana operator {hash_password('pw-ana-123')}\n", encoding="utf-8")
    settings = Settings(state_dir=tmp_path, console={
        "users_file": users, "token": TOKEN, "signin_attempts": 3,
        "signin_window_minutes": 10})
    server = ConsoleServer(settings, store, host="127.0.0.1", port=0, feeds_file=None,
                           state_dir=tmp_path)
    server.start()
    try:
        assert server.wait_started()
        with httpx.Client(base_url=server.url, timeout=10) as client:
            for _ in range(3):
                wrong = client.post("/login", data={"username": "ana", "password": "guess"})
                assert wrong.status_code == 303 and wrong.headers["location"].endswith(
                    "failed=1")
            paused = client.post("/login", data={"username": "ana", "password": "pw-ana-123"})
            assert paused.status_code == 429
            assert 590 <= int(paused.headers["retry-after"]) <= 600
            assert "Try again in 10 minutes" in paused.text
            assert "nw_session" not in paused.cookies
            other = client.post("/login", data={"username": "", "password": TOKEN})
            assert other.status_code == 429  # the same address, another name
            assert client.get("/api/alerts", headers={"authorization": f"Bearer {TOKEN}"}
                              ).status_code == 200
    finally:
        server.stop()


def test_settings_errors_are_clear(tmp_path: Path) -> None:
    from newswatch.sinks.console.auth import AuthConfigError
    from newswatch.sinks.console.server import access_from_settings

    with pytest.raises(AuthConfigError, match="at least 16 characters"):
        access_from_settings(Settings(console={"token": "short"}))
    with pytest.raises(AuthConfigError, match="token file .* is empty"):
        (tmp_path / "empty").write_text("\n", encoding="utf-8")
        access_from_settings(Settings(console={"token_file": tmp_path / "empty"}))
    with pytest.raises(AuthConfigError, match="users file"):
        access_from_settings(Settings(console={"users_file": tmp_path / "none"}))
    assert access_from_settings(Settings(console={"token": TOKEN})).required
