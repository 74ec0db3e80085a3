"""The feed gold files are well formed and never overlap: the dev set
(benchmarks/gold/dev-feeds.jsonl) stays apart from the held-out set, so tuning on it cannot
leak real-feeds.jsonl. Only the last test reads ../shared (it checks the held-out items' text
hashes; it does not run the tagger)."""

import json
import re
from pathlib import Path

from benchmarks.evaluation.heldout import load_heldout
from benchmarks.evaluation.paths import GOLD_DIR

FIELDS = ("countries", "admin1", "actors", "persons", "event_types")
EVENT_TYPES = {"attack", "bombing", "airstrike", "armed_clash", "protest", "negotiation", "arrest",
               "kidnapping", "natural_disaster", "fire", "accident", "election", "legal",
               "economic", "diplomatic", "humanitarian", "health", "sports", "other"}


def _lines(name: str) -> list[dict]:
    text = (GOLD_DIR / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_dev_items_are_disjoint_from_the_held_out_set_and_unique():
    dev = [(a["feed"], a["key"]) for a in _lines("dev-feeds.jsonl")]
    held_items = [(a["feed"], a["key"]) for a in _lines("real-feeds.jsonl")]
    held = set(held_items)
    assert len(held_items) == len(held) == 316  # with the blind batches of 2026-12-07
    assert len(dev) == len(set(dev)) == 165
    assert not set(dev) & held


def test_gold_lines_have_every_field_in_the_gold_format():
    for a in _lines("dev-feeds.jsonl") + _lines("real-feeds.jsonl"):
        assert re.fullmatch(r"[0-9a-f]{16}", a["sha256"])
        for f in FIELDS:
            assert set(a[f]) == {"required", "optional"}, (a["key"], f)
        codes = a["countries"]["required"] + a["countries"]["optional"]
        assert all(re.fullmatch(r"[A-Z]{2}", c) for c in codes)
        for c in a["admin1"]["required"] + a["admin1"]["optional"]:
            assert re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", c) and c[:2] in codes, (a["key"], c)
        assert set(a["event_types"]["required"] + a["event_types"]["optional"]) <= EVENT_TYPES
        for f in ("actors", "persons"):
            for e in a[f]["required"] + a[f]["optional"]:
                assert e["name"] and isinstance(e.get("surfaces", []), list)


def test_held_out_texts_are_found_unchanged_in_the_saved_feeds(shared_dir: Path):
    # the hash covers the exact text that was annotated; a drifted or missing item would be
    # skipped by the benchmark, silently shrinking the set
    held = load_heldout(shared_dir)
    assert held.skipped == []
    assert len(held.docs) == 316
    for doc in held.docs:
        assert doc.title and doc.text, doc.id
