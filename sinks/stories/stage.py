"""PLACEHOLDER (replaced by the story stage's real clustering): every article opens a story."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from newswatch.sinks.stories.index import StoryIndex, StoryState

from newswatch.contracts import Story, StoryArticle, TaggedArticle

__all__ = ["StoryChange", "StoryConfig", "assign"]


@dataclass(frozen=True, slots=True)
class StoryConfig:
    window: timedelta = timedelta(hours=72)


@dataclass(frozen=True, slots=True)
class StoryChange:
    state: StoryState
    kind: str  # "opened" | "joined" | "already"
    burst_started: bool = False

    @property
    def story(self) -> Story:
        return self.state.story


def _source(article: TaggedArticle) -> str:
    return article.feed_title or article.feed_id or urlsplit(article.url or "").hostname or "-"


def assign(article: TaggedArticle, index: StoryIndex, now: datetime,
           config: StoryConfig = StoryConfig()) -> StoryChange:
    known = index.story_of_article(article.id)
    if known is not None:
        return StoryChange(known, "already")
    when = min(article.published_at, now) if article.published_at else now
    story = Story(
        id="st-" + hashlib.sha256(article.id.encode()).hexdigest()[:20], version=1,
        title=article.title, lead_article_id=article.id, first_seen_at=when, last_seen_at=when,
        updated_at=now, article_count=1,
        articles=[StoryArticle(id=article.id, title=article.title, url=article.url,
                               source=_source(article), published_at=article.published_at,
                               joined_at=now)],
        sources=[_source(article)], source_count=1,
        primary_country=article.regions.primary_country, change="opened")
    state = StoryState(story)
    index.save(state, article.id)
    return StoryChange(state, "opened")
