"""What the alert role has done since it started, as one line a person reads in the log.

An operator who points newswatch at feeds and sees no alert needs to know why: no article
came, none matched a rule, or the matching ones were older than their rule's ``max_age``
(the usual reason with archived or slow feeds). The role logs this line every minute while
articles arrive, and once when it stops.
"""

from __future__ import annotations

from dataclasses import dataclass

from newswatch.sinks.alerts.sink import ArticleOutcome

__all__ = ["Tally"]


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


@dataclass(slots=True)
class Tally:
    articles: int = 0
    stories_opened: int = 0
    raised: int = 0
    updated: int = 0
    silenced: int = 0  # new or updated alerts that a silence kept from notifying
    stale: int = 0  # rule matches on articles older than the rule's max_age: no new alert
    redelivered: int = 0  # articles this store had handled already

    def add(self, outcome: ArticleOutcome) -> None:
        self.articles += 1
        if outcome.story.outcome == "opened":
            self.stories_opened += 1
        elif outcome.story.outcome == "already":
            self.redelivered += 1
        for d in outcome.decisions:
            if d.kind == "new":
                self.raised += 1
            elif d.kind == "update":
                self.updated += 1
            elif d.kind == "stale":
                self.stale += 1
            if d.kind in ("new", "update") and d.alert is not None and d.alert.silenced_by:
                self.silenced += 1

    def summary(self) -> str:
        opened = _n(self.stories_opened, "new story", "new stories")
        parts = [f"alert role so far: {_n(self.articles, 'article')} ({opened})",
                 f"alerts {self.raised:,} raised, {self.updated:,} updated"]
        if self.silenced:
            parts.append(f"{self.silenced:,} of them silenced")
        if self.stale:
            parts.append(f"{_n(self.stale, 'rule match', 'rule matches')} on articles older "
                         "than the rule's max_age raised nothing")
        if self.redelivered:
            parts.append(f"{_n(self.redelivered, 'article')} seen before (re-delivered)")
        return "; ".join(parts)
