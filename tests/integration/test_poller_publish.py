"""The poller end to end: local HTTP feeds -> parse -> real broker -> SQLite state file."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from newswatch.ingest.config import PollerConfig
from newswatch.ingest.poller import Poller, run_poll
from newswatch.ingest.publisher import KafkaPublisher, PublishError
from newswatch.ingest.registry import FeedConfig
from newswatch.ingest.state import StateStore

from newswatch.contracts import RawArticle
from newswatch.kafka.clients import ensure_topics, make_consumer
from newswatch.settings import Settings
from tests.integration.feedserver import FeedServer, Route, rss
from tests.kafka_helpers import read_to_end

pytestmark = pytest.mark.integration

CONFIG = PollerConfig(parse_workers=0, min_interval_s=0)


def items(prefix: str, n: int, text: str = "body") -> list[tuple[str, str, str]]:
    return [(f"http://news.test/{prefix}/{i}", f"{prefix} story {i}", f"{text} {i}")
            for i in range(n)]


def read_all(settings: Settings, topic: str) -> list[RawArticle]:
    """Every record on ``topic`` now, as articles keyed by their id."""
    out: list[RawArticle] = []
    for record in read_to_end(settings, topic):
        article = RawArticle.model_validate_json(record.value)
        assert record.key == article.id.encode()
        out.append(article)
    return out


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    made = make_settings()
    ensure_topics(made)
    return made


@pytest.fixture
def publisher(settings: Settings) -> Iterator[KafkaPublisher]:
    made = KafkaPublisher(settings)
    yield made
    made.close()


def write_feeds(path: Path, feeds: list[FeedConfig]) -> Path:
    from newswatch.ingest.registry import feeds_to_yaml

    path.write_text(feeds_to_yaml(feeds), encoding="utf-8")
    return path


def test_poll_once_publishes_and_a_restarted_poller_publishes_nothing_again(
        server: FeedServer, settings: Settings, tmp_path: Path) -> None:
    feeds = [FeedConfig(id=f"feed{i}", url=server.set(f"/f{i}.xml", rss(f"f{i}", items(f"f{i}", 5))))
             for i in range(4)]
    feeds_file = write_feeds(tmp_path / "feeds.yaml", feeds)
    assert run_poll(settings, once=True, feeds_file=feeds_file, stop=threading.Event()) == 0
    first = read_all(settings, settings.topics.raw)
    assert len(first) == 20 and len({a.id for a in first}) == 20
    assert {a.feed_id for a in first} == {f.id for f in feeds}
    assert not any(a.is_update for a in first)

    # a second process run with the same state dir: conditional GETs, nothing re-published
    assert run_poll(settings, once=True, feeds_file=feeds_file, stop=threading.Event()) == 0
    assert len(read_all(settings, settings.topics.raw)) == 20
    for i in range(4):
        last = server.requests_for(f"/f{i}.xml")[-1]
        assert last.status == 304 and "If-None-Match" in last.headers

    # the state file is real and says what happened
    with StateStore.in_dir(settings.state_dir) as store:
        state = store.get("feed0")
        assert state is not None and state.items_published == 5 and state.last_status == 304
        assert store.seen_count("feed0") == 5


def test_new_and_edited_items_are_published_and_edits_are_marked_updates(
        server: FeedServer, settings: Settings, tmp_path: Path, publisher: KafkaPublisher) -> None:
    url = server.set("/live.xml", rss("live", items("live", 3)))
    feed = FeedConfig(id="live", url=url)
    store = StateStore(tmp_path / "state.sqlite3")
    with Poller([feed], store, publisher, config=CONFIG) as poller:
        assert poller.poll_once(force=True).published == 3
        changed = items("live", 3)
        changed[1] = (changed[1][0], changed[1][1], "corrected text")
        server.set("/live.xml", rss("live", [*changed, ("http://news.test/live/9", "new", "x")]))
        report = poller.poll_once(force=True)
        assert (report.published, report.updated) == (2, 1)
        assert poller.poll_once(force=True).published == 0  # 304
    records = read_all(settings, settings.topics.raw)
    assert len(records) == 5
    update = next(a for a in records if a.is_update)
    assert update.url == "http://news.test/live/1" and "corrected" in update.text
    original = next(a for a in records if a.id == update.id and not a.is_update)
    assert original.content_hash != update.content_hash


def test_broken_feeds_are_reported_clearly_and_the_others_still_publish(
        server: FeedServer, settings: Settings, tmp_path: Path, publisher: KafkaPublisher) -> None:
    good = FeedConfig(id="good", url=server.set("/good.xml", rss("good", items("good", 4))))
    broken = {
        "http500": (Route(status=500), "http_5xx"),
        "notxml": (Route(body=b"<html><body>Sorry, we moved</body></html>",
                         content_type="text/html"), "parse"),
        "cut": (Route(body=rss("cut", items("cut", 30)), truncate_to=300), "truncated"),
        "huge": (Route(body=rss("huge", items("huge", 400, "x" * 300))), "too_large"),
        "busy": (Route(status=429, retry_after="600"), "rate_limited"),
    }
    feeds = [good] + [FeedConfig(id=name, url=server.set(f"/{name}.xml", route))
                      for name, (route, _) in broken.items()]
    config = CONFIG.model_copy(update={"max_body_bytes": 64 * 1024})
    store = StateStore(tmp_path / "state.sqlite3")
    with Poller(feeds, store, publisher, config=config) as poller:
        report = poller.poll_once(force=True)
        assert report.published == 4 and report.failed == len(broken)
        for name, (_, kind) in broken.items():
            assert report.errors[name].startswith(kind), report.errors[name]
            state = poller.state_of(name)
            assert state is not None and state.last_error_kind == kind and state.failing_since
            assert state.items_published == 0
        assert "not an RSS or Atom feed" in report.errors["notxml"]
        busy = poller.state_of("busy")
        assert busy is not None and busy.next_poll_at - busy.last_fetch_at >= 600
    assert {a.feed_id for a in read_all(settings, settings.topics.raw)} == {"good"}


def test_permanent_redirect_is_stored_and_used(server: FeedServer, settings: Settings,
                                               tmp_path: Path, publisher: KafkaPublisher) -> None:
    server.set("/new-home.xml", rss("moved", items("moved", 2)))
    server.set("/old.xml", Route(status=301, location="/new-home.xml"))
    feed = FeedConfig(id="moved", url=server.url("/old.xml"))
    with Poller([feed], StateStore(tmp_path / "s.sqlite3"), publisher,
                config=CONFIG) as poller:
        assert poller.poll_once(force=True).published == 2
        assert poller.poll_once(force=True).not_modified == 1
    assert server.count("/old.xml") == 1 and server.count("/new-home.xml") == 2


class FailingOncePublisher:
    """The real publisher behind a switch that makes the first publish fail, as a broker
    outage would."""

    def __init__(self, inner: KafkaPublisher) -> None:
        self.inner, self.failed = inner, False

    def publish(self, articles: list[RawArticle]) -> None:
        if not self.failed:
            self.failed = True
            raise PublishError("broker unreachable (injected)")
        self.inner.publish(articles)


def test_nothing_is_recorded_as_seen_when_publishing_fails(
        server: FeedServer, settings: Settings, tmp_path: Path, publisher: KafkaPublisher) -> None:
    feed = FeedConfig(id="f", url=server.set("/f.xml", rss("f", items("f", 3))))
    store = StateStore(tmp_path / "s.sqlite3")
    publisher = FailingOncePublisher(publisher)
    with Poller([feed], store, publisher, config=CONFIG) as poller:
        with pytest.raises(PublishError):
            poller.poll_once(force=True)
        assert store.seen_count("f") == 0 and store.get("f") is None
        report = poller.poll_once(force=True)  # a full fetch again: no validators were kept
        assert report.published == 3 and report.fetched == 1
    assert server.requests_for("/f.xml")[-1].status == 200
    assert len(read_all(settings, settings.topics.raw)) == 3


def test_seen_state_is_bounded_per_feed(server: FeedServer, settings: Settings,
                                        tmp_path: Path, publisher: KafkaPublisher) -> None:
    store = StateStore(tmp_path / "s.sqlite3", seen_max_items=25)
    feed = FeedConfig(id="rolling", url=server.url("/rolling.xml"))
    with Poller([feed], store, publisher, config=CONFIG) as poller:
        for batch in range(4):
            server.set("/rolling.xml", rss("r", items(f"r{batch}", 10)))
            assert poller.poll_once(force=True).published == 10
    assert store.seen_count("rolling") == 25
    newest = {row[0] for row in store.seen_items("rolling")}
    published_last = {a.id for a in read_all(settings, settings.topics.raw)
                      if a.url and "/r3/" in a.url}
    assert published_last <= newest


def test_articles_are_json_with_the_contract_fields(server: FeedServer, settings: Settings,
                                                    tmp_path: Path, publisher: KafkaPublisher) -> None:
    feed = FeedConfig(id="c", url=server.set("/c.xml", rss("Contract", items("c", 1))),
                      language="en")
    with Poller([feed], StateStore(tmp_path / "s.sqlite3"), publisher,
                config=CONFIG) as poller:
        poller.poll_once(force=True)
    consumer = make_consumer(settings, group_id=f"g-{uuid.uuid4().hex[:6]}",
                             topics=[settings.topics.raw])
    try:
        records = []
        for _ in range(40):
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
            if records:
                break
    finally:
        consumer.close()
    value = json.loads(records[0].value)
    assert value["schema_version"] == 1 and value["feed_id"] == "c"
    assert value["feed_title"] == "Contract" and value["fetched_at"]


def test_a_dead_parser_process_is_replaced(server: FeedServer, settings: Settings,
                                           tmp_path: Path, publisher: KafkaPublisher) -> None:
    import os
    import signal

    feed = FeedConfig(id="p", url=server.set("/p.xml", rss("p", items("p", 2))))
    config = CONFIG.model_copy(update={"parse_workers": 1})
    with Poller([feed], StateStore(tmp_path / "s.sqlite3"), publisher, config=config) as poller:
        pids = list(poller._parse_pool._processes)  # type: ignore[attr-defined]
        assert len(pids) == 1
        os.kill(pids[0], signal.SIGKILL)
        first = poller.poll_once(force=True)
        if first.failed:  # the death was noticed while parsing: reported, pool replaced
            assert first.errors["p"].startswith("parse: parser process died")
        second = poller.poll_once(force=True)
        assert first.published + second.published == 2
    assert len(read_all(settings, settings.topics.raw)) == 2


def test_feed_ttl_and_cache_control_stretch_the_interval_within_limits(
        server: FeedServer, tmp_path: Path, publisher: KafkaPublisher) -> None:
    feeds = [
        FeedConfig(id="ttl", interval_s=300,
                   url=server.set("/ttl.xml", rss("ttl", items("ttl", 1), ttl_min=60))),
        FeedConfig(id="maxage", interval_s=300,
                   url=server.set("/ma.xml", rss("ma", items("ma", 1)),
                                  headers={"Cache-Control": "max-age=1200"})),
        FeedConfig(id="greedy", interval_s=300,
                   url=server.set("/gr.xml", rss("gr", items("gr", 1), ttl_min=60 * 24 * 30))),
    ]
    config = CONFIG.model_copy(update={"max_interval_s": 7200.0})
    with Poller(feeds, StateStore(tmp_path / "s.sqlite3"), publisher, config=config) as poller:
        poller.poll_once(force=True)
        waits = {f.id: (s := poller.state_of(f.id)) and s.next_poll_at - s.last_fetch_at
                 for f in feeds}
    assert waits == {"ttl": 3600, "maxage": 1200, "greedy": 7200}


def test_run_forever_picks_up_registry_edits(server: FeedServer, tmp_path: Path,
                                             publisher: KafkaPublisher) -> None:
    import os
    import time

    from newswatch.ingest.poller import _registry_watcher

    first = FeedConfig(id="first", url=server.set("/first.xml", rss("a", items("a", 1))))
    second = FeedConfig(id="second", url=server.set("/second.xml", rss("b", items("b", 1))))
    feeds_file = write_feeds(tmp_path / "feeds.yaml", [first])
    stop = threading.Event()
    with Poller([first], StateStore(tmp_path / "s.sqlite3"), publisher,
                config=CONFIG) as poller:
        runner = threading.Thread(target=poller.run_forever, args=(stop,), kwargs={
            "reload": _registry_watcher(feeds_file), "reload_every_s": 0.1})
        runner.start()
        try:
            deadline = time.monotonic() + 20
            while server.count("/first.xml") == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert server.count("/second.xml") == 0
            write_feeds(feeds_file, [first, second])
            later = time.time() + 5
            os.utime(feeds_file, (later, later))
            while server.count("/second.xml") == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            stop.set()
            runner.join(30)
        assert server.count("/second.xml") == 1 and server.count("/first.xml") == 1
        assert not runner.is_alive()


def test_a_feed_longer_than_the_seen_bound_is_published_once(
        server: FeedServer, settings: Settings, tmp_path: Path,
        publisher: KafkaPublisher) -> None:
    # issue 15, defect 3: 2,500 items against a 2,000 bound re-published 500 on every poll
    store = StateStore(tmp_path / "s.sqlite3", seen_max_items=20)
    feed = FeedConfig(id="long", url=server.url("/long.xml"))
    with Poller([feed], store, publisher, config=CONFIG) as poller:
        published = []
        for _ in range(3):
            server.set("/long.xml", rss("l", items("l", 30)) + b" " * len(published))  # no 304
            published.append(poller.poll_once(force=True).published)
    assert published == [30, 0, 0]
    assert len(read_all(settings, settings.topics.raw)) == 30


def test_a_feed_of_unreadable_dates_costs_the_cycle_at_most_its_date_budget(
        server: FeedServer, settings: Settings, tmp_path: Path,
        publisher: KafkaPublisher) -> None:
    # issue 15, defect 4: 3,000 distinct unreadable dates held one poll (and every feed) 118 s
    import time

    from newswatch.ingest.dates import read_date

    # dateparser's first call in a process loads its locales (5-10 s here), once, whatever the
    # budget: the budget bounds what each further unreadable date costs
    read_date("quand lune bleue")
    entries = "".join(f"<item><title>d{i}</title><link>http://news.test/d/{i}</link>"
                      f"<pubDate>quand {i} lune bleue {i * 3}</pubDate></item>"
                      for i in range(200))
    hostile = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>d</title>'
               f"<link>http://news.test/</link>{entries}</channel></rss>").encode()
    feeds = [FeedConfig(id="dates", url=server.set("/dates.xml", hostile)),
             FeedConfig(id="good", url=server.set("/good.xml", rss("g", items("g", 3))))]
    config = CONFIG.model_copy(update={"date_parse_feed_s": 0.5})
    with Poller(feeds, StateStore(tmp_path / "s.sqlite3"), publisher, config=config) as poller:
        started = time.monotonic()
        report = poller.poll_once(force=True)
        elapsed = time.monotonic() - started
    assert report.published == 203 and report.failed == 0
    assert elapsed < 5.0  # unbounded: ~10 s of dateparser
    hostile_articles = [a for a in read_all(settings, settings.topics.raw) if a.feed_id == "dates"]
    assert all(a.published_at_source == "fetched_at" for a in hostile_articles)
    # how many were tried within 0.5 s depends on the machine; most were not
    assert sum(any("budget" in w for w in a.parse_warnings) for a in hostile_articles) > 100


def test_a_feed_beyond_the_entry_limit_is_reported_not_silently_cut(
        server: FeedServer, settings: Settings, tmp_path: Path, publisher: KafkaPublisher,
        caplog: pytest.LogCaptureFixture) -> None:
    # issue 15, defect 6: 100,000 items published 10,000 and dropped the rest without a word
    from newswatch.ingest.metrics import IngestMetrics
    from prometheus_client import CollectorRegistry

    metrics = IngestMetrics(CollectorRegistry())
    feed = FeedConfig(id="huge", url=server.set("/huge.xml", rss("h", items("h", 25))))
    config = CONFIG.model_copy(update={"max_entries_per_feed": 20})
    with caplog.at_level("WARNING"), Poller([feed], StateStore(tmp_path / "s.sqlite3"),
                                             publisher, config=config, metrics=metrics) as poller:
        assert poller.poll_once(force=True).published == 20
    assert metrics.feeds_truncated._value.get() == 1  # type: ignore[attr-defined]
    assert any("huge has more than 20 entries" in r.getMessage() for r in caplog.records)
    published = read_all(settings, settings.topics.raw)
    assert len(published) == 20
    assert all(any("feed truncated" in w for w in a.parse_warnings) for a in published)
