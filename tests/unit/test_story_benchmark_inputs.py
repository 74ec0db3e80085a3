"""Inputs of the stories benchmark: the copies generator, the gold files and their loader."""

import json
import re
from collections import Counter
from pathlib import Path

from benchmarks.evaluation.copies import COPIES_PER_STORY, STORIES, copies
from benchmarks.evaluation.paths import GOLD_DIR
from benchmarks.evaluation.story_gold import load_story_gold

GOLD_FILES = ("dev", "dev2", "heldout")


def test_copies_are_deterministic_40_outlets_per_story_and_reworded() -> None:
    first, again = copies(), copies()
    assert [a.model_dump() for a in first.articles] == [a.model_dump() for a in again.articles]
    assert len(first.articles) == len(STORIES) * COPIES_PER_STORY == 1000
    assert first.story_count == 25
    for story in range(25):
        members = [a for a in first.articles if first.story_of[a.id] == story]
        assert len({a.feed_title for a in members}) == COPIES_PER_STORY
        assert len({a.title for a in members}) >= 4  # headlines rewritten
        assert len({a.text for a in members}) >= 20  # leads shuffled
        hours = [(a.published_at - members[0].published_at).total_seconds() / 3600
                 for a in members if a.published_at and members[0].published_at]
        assert max(hours) > 4  # some updates hours later
    assert not any(a.title[:1].islower() for a in first.articles)


def test_story_gold_items_are_found_in_the_real_feeds(shared_dir: Path) -> None:
    dev = load_story_gold("dev", shared_dir)
    assert not dev.missing
    assert len(dev.items) == 457
    assert len({i.article.id for i in dev.items}) == 457
    sizes = Counter(i.story for i in dev.items)
    assert max(sizes.values()) == 15  # the Orlando story, as STORIES.md counts it
    assert sum(1 for i in dev.items if i.article.published_at is None) == 13


def _gold_lines(name: str) -> list[dict]:
    text = (GOLD_DIR / f"stories-{name}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_story_gold_files_share_no_item_story_or_singleton_number() -> None:
    """STORIES.md: (feed, key) unique within and across the files; every story inside one
    file; singleton numbers unique across the files."""
    seen: dict[tuple[str, str], str] = {}
    stories_of: dict[str, set[str]] = {}
    for name in GOLD_FILES:
        lines = _gold_lines(name)
        assert lines, name
        for gold in lines:
            assert set(gold) == {"feed", "key", "published", "story"}, gold
            item = (gold["feed"], gold["key"])
            assert item not in seen, f"{item} in {seen.get(item)} and {name}"
            seen[item] = name
            story = gold["story"]
            assert story and (re.fullmatch(r"single:\d+", story) or ":" not in story), gold
        stories_of[name] = {g["story"] for g in lines}
    for a, b in ((a, b) for i, a in enumerate(GOLD_FILES) for b in GOLD_FILES[i + 1:]):
        assert not stories_of[a] & stories_of[b], (a, b, sorted(stories_of[a] & stories_of[b]))
    singles = [int(s.split(":")[1]) for name in GOLD_FILES for g in _gold_lines(name)
               if (s := g["story"]).startswith("single:")]
    assert len(singles) == len(set(singles))


def test_story_gold_dev2_items_are_found_in_the_real_feeds(shared_dir: Path) -> None:
    dev2 = load_story_gold("dev2", shared_dir)
    assert not dev2.missing
    assert len(dev2.items) == 654
    assert len({i.article.id for i in dev2.items}) == 654
    sizes = Counter(i.story for i in dev2.items)
    # as STORIES.md counts them: 20 stories of 2+ items, the largest the Delhi CAG report (7)
    assert sum(1 for n in sizes.values() if n > 1) == 20
    assert sizes.most_common(1)[0] == ("2016-06-13-delhi-cag-report-tabled", 7)
    assert all(i.article.published_at is not None for i in dev2.items)
