"""Reading the pollers' shared state topic: good records merge, any other record is skipped
with a reason (it raised out of the partition assignment, so every poller taking the
partition failed again, and a compacted topic keeps such a record)."""

from __future__ import annotations

import json
from dataclasses import asdict

from newswatch.ingest.ownership import read_shared_state
from newswatch.ingest.schedule import FeedState


def _state(feed_id: str, fetched: float) -> tuple[bytes, bytes]:
    return (f"state|{feed_id}".encode(),
            json.dumps(asdict(FeedState(feed_id=feed_id, last_fetch_at=fetched))).encode())


def test_the_newest_state_of_each_feed_and_every_seen_id_are_read() -> None:
    records = [_state("a", 10.0), _state("a", 20.0), _state("b", 5.0),
               (b"seen|a", json.dumps([["x1", None, 1.5], ["x2", "h", 2.5]]).encode()),
               (b"seen|a", json.dumps([["x3", None, 3.5]]).encode())]
    states, seen, unreadable = read_shared_state(records, lambda feed_id: True)
    assert {k: v.last_fetch_at for k, v in states.items()} == {"a": 20.0, "b": 5.0}
    assert seen == {"a": [("x1", None, 1.5), ("x2", "h", 2.5), ("x3", None, 3.5)]}
    assert unreadable == []
    states, seen, _ = read_shared_state(records, lambda feed_id: feed_id == "b")
    assert list(states) == ["b"] and seen == {}


def test_records_that_are_not_state_are_skipped_with_a_reason() -> None:
    bad = [(b"state|a", b"garbage"), (b"state|b", b'{"feed_id": "b", "last_fetch_at": "soon"}'),
           (b"state|c", b"[" * 100_000), (b"seen|d", b'{"not": "a list"}'),
           (b"state|e", None), (None, b"{}"), (b"\xff\xfe|x", b"{}")]
    states, seen, unreadable = read_shared_state([*bad, _state("ok", 1.0)], lambda f: True)
    assert list(states) == ["ok"] and seen == {}
    assert [line.split(":")[0] for line in unreadable] == [
        "'state|a'", "'state|b'", "'state|c'", "'seen|d'"]  # a tombstone is no problem
