"""The real publishers' feeds in ../shared/feeds/real, served over local HTTP, polled into a
real broker: every feed publishes articles with sane dates, titles and links, or is reported
with a clear reason; a second cycle publishes nothing new."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from newswatch.ingest.config import PollerConfig
from newswatch.ingest.poller import Poller
from newswatch.ingest.publisher import KafkaPublisher
from newswatch.ingest.registry import FeedConfig
from newswatch.ingest.state import StateStore

from newswatch.contracts import RawArticle
from newswatch.demo_server import serve_directory
from newswatch.kafka.clients import ensure_topics
from newswatch.settings import Settings
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.integration

# The one real feed that cannot give articles: a truncated server response (see SOURCES.md).
EXPECTED_FAILURES = {"reuters-mostread-truncated-2020"}


def test_real_feeds_over_http(shared_dir: Path, make_settings: Callable[..., Settings],
                              tmp_path: Path) -> None:
    folder = shared_dir / "feeds" / "real"
    files = sorted(folder.glob("*.xml"))
    assert len(files) >= 40
    settings = make_settings()
    ensure_topics(settings)
    config = PollerConfig(parse_workers=0, min_interval_s=0)
    publisher = KafkaPublisher(settings)
    store = StateStore(tmp_path / "state.sqlite3")
    with serve_directory(folder) as base:
        feeds = [FeedConfig(id=path.stem, url=base + path.name) for path in files]
        with Poller(feeds, store, publisher, config=config) as poller:
            first = poller.poll_once(force=True)
            second = poller.poll_once(force=True)
    publisher.close()

    assert set(first.errors) == EXPECTED_FAILURES, first.errors
    assert all(len(reason) > 10 for reason in first.errors.values())
    records = read_topic(settings, settings.topics.raw, expect=first.published, timeout_s=60)
    assert len(records) == first.published > 1500
    articles = [RawArticle.model_validate_json(r.value) for r in records]
    per_feed = Counter(a.feed_id for a in articles)
    assert set(per_feed) == {path.stem for path in files} - EXPECTED_FAILURES
    now = datetime.now(UTC)
    for article in articles:
        assert article.title or article.text, article.url
        assert article.url and article.url.startswith(("http://", "https://")), article.url
        assert article.published_at is not None
        assert datetime(1990, 1, 1, tzinfo=UTC) <= article.published_at <= now + timedelta(days=1)
    # the second cycle sends conditional requests (the server honours If-Modified-Since)
    assert second.not_modified == len(files) - len(EXPECTED_FAILURES), second
    assert second.published == 0 and second.updated == 0
