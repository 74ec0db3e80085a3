"""``newswatch feeds`` and the health report, against a real state file and real feeds."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from newswatch.ingest.config import PollerConfig
from newswatch.ingest.metrics import IngestMetrics
from newswatch.ingest.poller import Poller
from newswatch.ingest.publisher import KafkaPublisher
from newswatch.ingest.registry import FeedConfig, feeds_to_yaml, load_feeds
from newswatch.ingest.state import StateStore
from prometheus_client import CollectorRegistry

from newswatch.cli.main import main
from newswatch.kafka.clients import ensure_topics
from newswatch.settings import Settings
from tests.integration.feedserver import FeedServer, Route, rss

pytestmark = pytest.mark.integration


def test_feeds_lists_health_from_the_state_store_and_reports_dead_feeds(
        make_settings: Callable[..., Settings], tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings()
    ensure_topics(settings)
    clock = [time.time() - 3 * 3600]  # polls in the past; the CLI looks at them from now
    with FeedServer() as server:
        feeds = [
            FeedConfig(id="healthy", url=server.set("/ok.xml", rss("ok", [
                ("http://n.test/1", "one", "x"), ("http://n.test/2", "two", "y")]))),
            FeedConfig(id="broken", url=server.set("/bad.xml", Route(status=503))),
            FeedConfig(id="off", url=server.url("/off.xml"), enabled=False),
        ]
        registry = CollectorRegistry()
        metrics = IngestMetrics(registry)
        store = StateStore.in_dir(settings.state_dir)
        config = PollerConfig(parse_workers=0, dead_after_s=3600)
        publisher = KafkaPublisher(settings)
        with Poller(feeds, store, publisher, config=config, metrics=metrics,
                    clock=lambda: clock[0]) as poller:
            poller.poll_once(force=True)
            assert registry.get_sample_value("newswatch_feeds", {"health": "failing"}) == 1
            clock[0] += 7200  # two hours of failures: dead
            poller.poll_once(force=True)
            assert registry.get_sample_value("newswatch_feeds_dead") == 1
            assert registry.get_sample_value("newswatch_feeds", {"health": "ok"}) == 1
            assert registry.get_sample_value("newswatch_articles_polled_total") == 2
            assert registry.get_sample_value("newswatch_feed_fetch_errors_total",
                                             {"kind": "http_5xx"}) == 2
            assert registry.get_sample_value("newswatch_feed_fetch_seconds_count") == 4
            broken = poller.state_of("broken")
            assert broken is not None
            # dead feeds are still tried, but only at the longest backoff
            assert broken.next_poll_at - clock[0] == config.backoff_max_s
        store.close()
        publisher.close()

    feeds_file = tmp_path / "feeds.yaml"
    feeds_file.write_text(feeds_to_yaml(feeds))
    monkeypatch.setenv("NEWSWATCH_STATE_DIR", str(settings.state_dir))
    monkeypatch.setenv("NEWSWATCH_INGEST__DEAD_AFTER_S", "3600")
    assert main(["feeds", "--feeds", str(feeds_file)]) == 0
    table = capsys.readouterr().out
    lines = {line.split()[0]: line for line in table.splitlines() if line.strip()}
    assert "DEAD" in lines["broken"] and "503" in lines["broken"]
    assert "ok" in lines["healthy"].split() and " 2 " in lines["healthy"]
    assert "disabled" in lines["off"]
    assert "broken: rate_limited" in table or "broken: http_5xx" in table

    assert main(["feeds", "--feeds", str(feeds_file), "--json"]) == 0
    rows = {row["id"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["broken"]["health"] == "dead" and rows["broken"]["errors"] == 2
    assert rows["broken"]["failing_since"] and rows["healthy"]["items_published"] == 2
    assert rows["healthy"]["last_success"] and rows["healthy"]["last_status"] == 304


def test_opml_import_appends_to_the_registry_and_export_round_trips(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = tmp_path / "feeds.yaml"
    registry.write_text("# my feeds, hand-written\nfeeds:\n  - id: mine\n"
                        "    url: https://mine.example/rss  # keep this comment\n")
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline text="World"><outline text="A" xmlUrl="https://a.example/rss"/>'
        '<outline text="Dup" xmlUrl="https://mine.example/rss"/>'
        '<outline text="Bad" xmlUrl="gopher://b.example/"/></outline></body></opml>')
    assert main(["feeds", "--feeds", str(registry), "import-opml", str(opml)]) == 0
    err = capsys.readouterr().err
    assert "1 new feeds" in err and "skipped:" in err and "gopher" in err
    text = registry.read_text()
    assert "# keep this comment" in text and "# my feeds, hand-written" in text
    loaded = load_feeds(registry)
    assert loaded.errors == []
    assert [f.url for f in loaded.feeds] == ["https://mine.example/rss", "https://a.example/rss"]
    assert loaded.feeds[1].tags == ("World",)

    out = tmp_path / "out.opml"
    assert main(["feeds", "--feeds", str(registry), "export-opml", "-o", str(out)]) == 0
    assert load_feeds(out).feeds == loaded.feeds

    assert main(["feeds", "--feeds", str(registry), "check"]) == 0
    registry.write_text(text + "  - url: not-a-url\n")
    assert main(["feeds", "--feeds", str(registry), "check"]) == 1
    assert "not an http(s) URL" in capsys.readouterr().err


def test_newswatch_poll_once_publishes_and_exits(
        make_settings: Callable[..., Settings], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.integration.test_poller_publish import read_all

    settings = make_settings()
    ensure_topics(settings)
    with FeedServer() as server:
        feeds_file = tmp_path / "feeds.yaml"
        feeds_file.write_text(feeds_to_yaml([
            FeedConfig(id="one", url=server.set("/1.xml", rss("1", [("http://n.test/a", "a", "x")]))),
            FeedConfig(id="two", url=server.set("/2.xml", Route(status=500))),
        ]))
        for name, value in {"NEWSWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
                            "NEWSWATCH_TOPIC_PREFIX": settings.topic_prefix,
                            "NEWSWATCH_STATE_DIR": str(settings.state_dir),
                            "NEWSWATCH_INGEST__PARSE_WORKERS": "0"}.items():
            monkeypatch.setenv(name, str(value))
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:  # `newswatch poll` installs its SIGINT/SIGTERM handlers: put pytest's back after
            assert main(["poll", "--once", "--feeds", str(feeds_file)]) == 0
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
        assert server.count("/1.xml") == 1 and server.count("/2.xml") == 1
    assert [a.feed_id for a in read_all(settings, settings.topics.raw)] == ["one"]
