"""A poll state store that cannot be written (full disk, size cap): the poller says so clearly
and exits non-zero; the articles it had published are published again once the store works,
so nothing is lost (at least once)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from newswatch.ingest.poller import EXIT_STATE_FAILED, run_poll
from newswatch.ingest.registry import FeedConfig, feeds_to_yaml

from newswatch.contracts import RawArticle
from newswatch.demo_server import serve_directory
from newswatch.kafka.clients import ensure_topics
from newswatch.settings import Settings
from tests.integration.feedserver import rss
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.integration

ITEMS = 1500  # their seen ids need more than the 64 KiB cap below


def test_full_state_store_exits_clearly_and_loses_nothing(
        make_settings: Callable[..., Settings], tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    www = tmp_path / "www"
    www.mkdir()
    (www / "big.xml").write_bytes(rss("Big desk", [
        (f"http://news.test/story/{i}", f"Story {i}", f"Text of story {i}") for i in range(ITEMS)]))
    capped = make_settings(ingest={"parse_workers": 0, "state_max_bytes": 64 * 1024})
    ensure_topics(capped)
    with serve_directory(www) as base:
        feeds = tmp_path / "feeds.yaml"
        feeds.write_text(feeds_to_yaml([FeedConfig(id="big", url=base + "big.xml")]))
        with caplog.at_level(logging.ERROR):
            code = run_poll(capped, once=True, feeds_file=feeds, stop=threading.Event())
        assert code == EXIT_STATE_FAILED
        assert any("cannot be written" in r.getMessage() and "full" in r.getMessage()
                   for r in caplog.records), [r.getMessage() for r in caplog.records]
        first = read_topic(capped, capped.topics.raw, expect=ITEMS)
        assert len(first) == ITEMS  # published before the state write failed

        space_again = capped.model_copy(update={"ingest": capped.ingest.model_copy(
            update={"state_max_bytes": None})})
        assert run_poll(space_again, once=True, feeds_file=feeds, stop=threading.Event()) == 0
        assert run_poll(space_again, once=True, feeds_file=feeds, stop=threading.Event()) == 0

    records = read_topic(capped, capped.topics.raw, expect=3 * ITEMS, timeout_s=15)
    ids = [RawArticle.model_validate_json(r.value).id for r in records]
    assert len(set(ids)) == ITEMS  # nothing lost
    assert len(ids) == 2 * ITEMS  # re-published once after the failure, then recorded
