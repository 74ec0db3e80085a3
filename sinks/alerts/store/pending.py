"""The alert role's writes held back until its batch commits, and lookups that see them.

Per article the role writes a story version and six or so alert versions; most of them are
overwritten by the next article of the same story within the same batch. Inside a batch
(``SqlAlertStore.batch()``) the store keeps those rows here, one ``Pending`` per savepoint
level, and writes them when the batch commits: each story and alert once (its latest version),
every history row and placement in one statement per table. A savepoint that rolls back drops
its level; one that is released folds its level into the one below.

Only the tables the story stage and the rules write per article are held: stories, their band
keys and articles, alerts, their history and articles. Everything else is written at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newswatch.sinks.stories.index import StoryState

from newswatch.contracts import Alert

__all__ = ["Pending", "PendingLevels"]


@dataclass(slots=True)
class Pending:
    """One savepoint level's held-back rows."""

    stories: dict[str, StoryState] = field(default_factory=dict)
    story_articles: dict[str, str] = field(default_factory=dict)  # article -> story
    bands: dict[str, set[str]] = field(default_factory=dict)  # band -> stories filed under it
    alerts: dict[str, tuple[Alert, str]] = field(default_factory=dict)  # id -> (alert, body)
    by_story: dict[str, dict[str, str]] = field(default_factory=dict)  # story -> rule -> id
    handled: dict[str, dict[str, tuple[str, str]]] = field(
        default_factory=dict)  # article -> rule -> (alert id, seen at)
    history: list[tuple[Any, ...]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.stories or self.story_articles or self.alerts or self.handled
                    or self.history)

    def absorb(self, newer: Pending) -> None:
        """Fold a released savepoint's level into this one (its rows are the newer)."""
        self.stories.update(newer.stories)
        self.story_articles.update(newer.story_articles)
        for band, ids in newer.bands.items():
            self.bands.setdefault(band, set()).update(ids)
        self.alerts.update(newer.alerts)
        for story_id, rules in newer.by_story.items():
            self.by_story.setdefault(story_id, {}).update(rules)
        for article_id, rules in newer.handled.items():
            self.handled.setdefault(article_id, {}).update(rules)
        self.history += newer.history


class PendingLevels:
    """The levels of one batch, innermost last, and lookups across them (innermost wins)."""

    __slots__ = ("levels",)

    def __init__(self) -> None:
        self.levels: list[Pending] = [Pending()]

    @property
    def top(self) -> Pending:
        return self.levels[-1]

    @property
    def nested(self) -> bool:
        return len(self.levels) > 1

    def __bool__(self) -> bool:
        return any(self.levels)

    def push(self) -> None:
        self.levels.append(Pending())

    def release(self) -> None:
        newer = self.levels.pop()
        self.levels[-1].absorb(newer)

    def discard(self) -> None:
        self.levels.pop()

    # ---- lookups -------------------------------------------------------------------------

    def story(self, story_id: str) -> StoryState | None:
        for level in reversed(self.levels):
            found = level.stories.get(story_id)
            if found is not None:
                return found
        return None

    def story_of_article(self, article_id: str) -> str | None:
        for level in reversed(self.levels):
            found = level.story_articles.get(article_id)
            if found is not None:
                return found
        return None

    def stories_filed_under(self, bands: set[str]) -> set[str]:
        found: set[str] = set()
        for level in self.levels:
            if level.bands:
                for band in bands & level.bands.keys():
                    found |= level.bands[band]
        return found

    def alert(self, alert_id: str) -> Alert | None:
        for level in reversed(self.levels):
            found = level.alerts.get(alert_id)
            if found is not None:
                return found[0]
        return None

    def alerts_on_story(self, story_id: str) -> dict[str, str]:
        """Rule id -> alert id of held-back alerts on ``story_id``."""
        out: dict[str, str] = {}
        for level in self.levels:
            out.update(level.by_story.get(story_id, {}))
        return out

    def handled(self, article_id: str) -> dict[str, str]:
        """Rule id -> alert id of held-back alerts that folded ``article_id`` in."""
        out: dict[str, str] = {}
        for level in self.levels:
            out.update({rule: ids[0] for rule, ids in level.handled.get(article_id, {}).items()})
        return out
