"""What the story stage remembers: recent stories and how to find candidates for an article.

``StoryIndex`` is the small interface the stage needs. ``MemoryStoryIndex`` implements it for
the offline ``newswatch stories`` command and tests; the alert store implements it on its
database (SQLite or PostgreSQL), so stories survive restarts and every alert replica sees the
same ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from newswatch.contracts import Story

__all__ = ["MemoryStoryIndex", "StoryIndex", "StoryState"]


@dataclass(slots=True)
class StoryState:
    """A story and what the stage needs to compare new articles with it.

    ``features`` is the stage's own JSON-able data (token counts, signatures...): the index
    stores and returns it untouched. ``bands`` are the locality-sensitive-hash keys under which
    the story is found.
    """

    story: Story
    features: dict[str, Any] = field(default_factory=dict)
    bands: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        # the story through its own (compiled) serialiser, the rest through json
        rest = json.dumps({"features": self.features, "bands": self.bands},
                          ensure_ascii=False, separators=(",", ":"))
        return '{"story":' + self.story.model_dump_json() + "," + rest[1:]

    @classmethod
    def from_json(cls, text: str | bytes) -> StoryState:
        data = json.loads(text)
        return cls(Story.model_validate(data["story"]), data["features"], data["bands"])


class StoryIndex(Protocol):
    def story_of_article(self, article_id: str) -> StoryState | None:
        """The story an article was already placed in (a re-delivered article keeps it)."""
        ...

    def candidates(self, bands: Sequence[str], since: datetime) -> list[StoryState]:
        """Stories sharing at least one band key, last seen at or after ``since``."""
        ...

    def save(self, state: StoryState, article_id: str) -> None:
        """Insert or replace the story (its bands may have grown) and record the article."""
        ...

    def expire(self, before: datetime) -> int:
        """Forget stories last seen before ``before``; returns how many."""
        ...


class MemoryStoryIndex:
    """A StoryIndex in memory: for the offline command and tests. Not shared, not durable."""

    def __init__(self) -> None:
        self._stories: dict[str, StoryState] = {}
        self._by_band: dict[str, set[str]] = {}
        self._by_article: dict[str, str] = {}

    def story_of_article(self, article_id: str) -> StoryState | None:
        story_id = self._by_article.get(article_id)
        return self._stories.get(story_id) if story_id else None

    def candidates(self, bands: Sequence[str], since: datetime) -> list[StoryState]:
        ids = {story_id for band in bands for story_id in self._by_band.get(band, ())}
        found = [self._stories[i] for i in sorted(ids) if i in self._stories]
        return [s for s in found if s.story.last_seen_at >= since]

    def save(self, state: StoryState, article_id: str) -> None:
        story_id = state.story.id
        self._stories[story_id] = state
        for band in state.bands:
            self._by_band.setdefault(band, set()).add(story_id)
        self._by_article[article_id] = story_id

    def expire(self, before: datetime) -> int:
        gone = [i for i, s in self._stories.items() if s.story.last_seen_at < before]
        for story_id in gone:
            state = self._stories.pop(story_id)
            for band in state.bands:
                members = self._by_band.get(band)
                if members is not None:
                    members.discard(story_id)
                    if not members:
                        del self._by_band[band]
        if gone:
            dropped = set(gone)
            self._by_article = {a: s for a, s in self._by_article.items() if s not in dropped}
        return len(gone)

    def __len__(self) -> int:
        return len(self._stories)
