"""Inputs of the stories benchmark: the copies generator and the gold loader."""

from collections import Counter
from pathlib import Path

from benchmarks.evaluation.copies import COPIES_PER_STORY, STORIES, copies
from benchmarks.evaluation.story_gold import load_story_gold


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
