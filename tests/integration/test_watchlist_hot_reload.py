"""Users' watchlists are hot-reloaded by a running processor: no restart needed."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from newswatch.processors.role import build_process_runner

from newswatch.contracts import RawArticle, TaggedArticle
from newswatch.kafka.clients import ensure_topics, make_producer
from newswatch.settings import Settings
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.integration

TEXT = "Traders say the Zarghun Ridge convoy route was closed again on Friday."


def _send(settings: Settings, article_id: str) -> None:
    producer = make_producer(settings)
    producer.send(settings.topics.raw, key=article_id.encode(),
                  value=RawArticle(id=article_id, text=TEXT).model_dump_json().encode())
    producer.flush()
    producer.close()


def _tagged(settings: Settings, article_id: str) -> TaggedArticle:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        for record in read_topic(settings, settings.topics.tagged, expect=99, timeout_s=2):
            if record.key == article_id.encode():
                return TaggedArticle.model_validate_json(record.value)
    raise AssertionError(f"{article_id} was not tagged")


def test_processor_picks_up_an_edited_watchlist(make_settings: Callable[..., Settings],
                                                tmp_path: Path) -> None:
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text("name: desk\nkeywords:\n  - customs strike\n", encoding="utf-8")
    settings = make_settings(watchlist_file=watchlist, batch_size=1)
    ensure_topics(settings)
    stop = threading.Event()
    thread = threading.Thread(target=build_process_runner(settings, stop).run)
    thread.start()
    try:
        _send(settings, "before")
        assert _tagged(settings, "before").watchlist_hits == []

        watchlist.write_text("name: desk\nkeywords:\n  - Zarghun Ridge\n", encoding="utf-8")
        later = time.time() + 5  # a new mtime even on coarse-grained file systems
        os.utime(watchlist, (later, later))
        _send(settings, "after")
        hits = _tagged(settings, "after").watchlist_hits
    finally:
        stop.set()
        thread.join(30)
    assert [(h.watchlist, h.term) for h in hits] == [("desk", "Zarghun Ridge")]
    assert TEXT[hits[0].evidence[0].start:hits[0].evidence[0].end] == "Zarghun Ridge"
