"""The poll state's seen-set: bounded, and never smaller than what the feed shows right now."""

from __future__ import annotations

from pathlib import Path

from newswatch.ingest.schedule import FeedState
from newswatch.ingest.state import FeedCommit, StateStore


def _ids(prefix: str, n: int) -> list[tuple[str, str | None]]:
    return [(f"{prefix}{i}", f"h{i}") for i in range(n)]


def test_every_id_of_a_feed_bigger_than_the_bound_stays_seen(tmp_path: Path) -> None:
    # defect 3 of issue 15: a feed of 2,500 items against a 2,000 bound lost 500 ids per poll,
    # which were then published again on every poll
    with StateStore(tmp_path / "s.sqlite3", seen_max_items=20) as store:
        current = _ids("a", 25)
        store.commit([FeedCommit(FeedState("f"), current)], now=100.0)
        assert set(store.seen_hashes("f", [aid for aid, _ in current])) == {a for a, _ in current}
        # the same instant again (a frozen clock must not make ties drop current ids)
        store.commit([FeedCommit(FeedState("f"), current)], now=100.0)
        assert store.seen_count("f") == 25


def test_ids_gone_from_the_feed_are_pruned_to_the_bound(tmp_path: Path) -> None:
    with StateStore(tmp_path / "s.sqlite3", seen_max_items=20) as store:
        store.commit([FeedCommit(FeedState("f"), _ids("old", 15))], now=100.0)
        store.commit([FeedCommit(FeedState("f"), _ids("new", 10))], now=200.0)
        kept = {row[0] for row in store.seen_items("f")}
        assert len(kept) == 20 and {f"new{i}" for i in range(10)} <= kept
        # a feed larger than the bound keeps exactly its current ids
        store.commit([FeedCommit(FeedState("f"), _ids("big", 30))], now=300.0)
        assert {row[0] for row in store.seen_items("f")} == {f"big{i}" for i in range(30)}
