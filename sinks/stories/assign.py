"""The story stage's decision: one tagged article joins the best matching story or opens one.

``assign`` is the stage in one call: it looks the article up (a re-delivered article keeps its
story and changes nothing), finds candidate stories by LSH band key within the time window,
scores them (``evidence.score``); when none of them can take it, it looks again by the
article's rare names (``n:p:omar mateen``, kept among the story's keys) and scores those;
then it updates the chosen story or opens a new one, and saves it
with ``index.save`` - so a caller that wraps the call in its store's transaction gets the
story, its bands and the article's placement committed together with whatever else it writes
(the alert role: the alert of that story).

Every change bumps the story's ``version``. Sizes are bounded (articles, word profile, names,
bands, sources) so a story that runs for days keeps a flat state.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any, Literal
from urllib.parse import urlsplit

from newswatch.sinks.stories.config import StoryConfig
from newswatch.sinks.stories.evidence import Evidence, evidence_of, score
from newswatch.sinks.stories.index import StoryIndex, StoryState

from newswatch.contracts import Story, StoryArticle, TaggedArticle

__all__ = ["StoryChange", "assign", "event_time", "expire_quiet", "source_of", "story_id_for"]

Outcome = Literal["opened", "joined", "already"]


@dataclass(frozen=True, slots=True)
class StoryChange:
    """What ``assign`` did. ``state`` is the story as saved (or as it was, for ``already``);
    ``became_burst`` is True only for the article that made the story a burst."""

    state: StoryState
    outcome: Outcome
    similarity: float
    became_burst: bool = False

    @property
    def changed(self) -> bool:
        """True when a new story version was saved (publish it on news.stories)."""
        return self.outcome != "already"


def story_id_for(article_id: str) -> str:
    """A story's id: stable, from its first article's id."""
    return "s-" + hashlib.sha256(article_id.encode()).hexdigest()[:20]


def source_of(article: TaggedArticle) -> str:
    """The outlet: feed title, else feed id, else the URL's host."""
    if article.feed_title:
        return article.feed_title
    if article.feed_id:
        return article.feed_id
    host = urlsplit(article.url or article.canonical_url or "").hostname or ""
    return host.removeprefix("www.") or "unknown"


def event_time(article: TaggedArticle, now: datetime) -> datetime:
    """When the article reports: its publication time, never later than ``now``."""
    published = article.published_at
    return min(published, now) if published is not None else now


def _back(at: datetime, span: timedelta) -> datetime:
    """``at - span``, or the earliest time there is: an article dated in the first days of
    year 1 (any producer may publish one) made the subtraction raise OverflowError."""
    try:
        return at - span
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)


def expire_quiet(index: StoryIndex, now: datetime, config: StoryConfig) -> int:
    """Forget the stories quiet for longer than the window; returns how many."""
    return index.expire(now - config.window)


def assign(article: TaggedArticle, index: StoryIndex, now: datetime,
           config: StoryConfig) -> StoryChange:
    """Place ``article`` in a story and save the story with ``index.save`` (see module doc)."""
    placed = index.story_of_article(article.id)
    if placed is not None:
        return StoryChange(placed, "already", _similarity_in(placed.story, article.id))
    at = event_time(article, now)
    evidence = evidence_of(article, config, source=source_of(article), at=at)
    since = _back(at, config.window)
    found = index.candidates(evidence.fingerprint.bands, since)
    best = _best(evidence, found, config)
    if best is None and evidence.name_keys:
        # second chance, by rare name: only when the wording found nothing, so a story that
        # merely names the same person cannot outbid the one the article's wording matches
        seen = {state.story.id for state in found}
        best = _best(evidence, [s for s in index.candidates(evidence.name_keys, since)
                                if s.story.id not in seen], config)
    if best is None:
        state = _opened(article, evidence, at, now, config)
        change = StoryChange(state, "opened", 1.0)
    else:
        similarity = min(1.0, max(0.0, best[0]))
        state, burst = _joined(best[1], article, evidence, at, now, similarity, config)
        change = StoryChange(state, "joined", similarity, burst)
    index.save(change.state, article.id)
    return change


def _best(evidence: Evidence, candidates: list[StoryState],
          config: StoryConfig) -> tuple[float, StoryState] | None:
    best: tuple[float, StoryState] | None = None
    for state in candidates:
        value = score(evidence, state.story, state.features, config)
        if value is not None and value >= config.join_threshold and (
                best is None or value > best[0]):
            best = (value, state)
    return best


def _similarity_in(story: Story, article_id: str) -> float:
    return next((a.similarity for a in story.articles if a.id == article_id), 1.0)


def _story_article(article: TaggedArticle, source: str, now: datetime,
                   similarity: float) -> StoryArticle:
    return StoryArticle(id=article.id, title=article.title, url=article.url, source=source,
                        published_at=article.published_at, joined_at=now,
                        similarity=similarity)


def _tag_counts(article: TaggedArticle) -> dict[str, set[str]]:
    return {
        "countries": {c.code for c in article.regions.countries},
        "admin1": {a.code for a in article.regions.admin1},
        "event_types": {e.type for e in article.event_types},
        "actors": {a.id for a in article.actors},
        "persons": {p.name for p in article.persons},
    }


def _bounded(counts: dict[str, int], limit: int) -> dict[str, int]:
    if len(counts) <= limit:
        return counts
    # most counted first; ties by first insertion (dicts keep order; a reversed sort keeps
    # equal items in their order), so the result is stable
    kept = sorted(counts.items(), key=itemgetter(1), reverse=True)[:limit]
    return dict(kept)


def _merge_counts(counts: dict[str, int], keys: set[str] | frozenset[str],
                  limit: int) -> dict[str, int]:
    merged = dict(counts)
    # in sorted order, not the set's: ties at the limit keep the first inserted, and a set's
    # order changes with the interpreter's hash seed (two replicas, or a restart, would keep
    # different keys and later decide differently)
    for key in sorted(keys):
        merged[key] = merged.get(key, 0) + 1
    # trimming sorts: do it only once the dict is well over its limit, so most merges are O(keys)
    return _bounded(merged, limit) if len(merged) > limit + limit // 4 else merged


def _opened(article: TaggedArticle, evidence: Evidence, at: datetime, now: datetime,
            config: StoryConfig) -> StoryState:
    source = source_of(article)
    tags = _tag_counts(article)
    story = Story(
        id=story_id_for(article.id), version=1, title=article.title or article.id,
        lead_article_id=article.id, first_seen_at=at, last_seen_at=at, updated_at=now,
        article_count=1, articles=[_story_article(article, source, now, 1.0)],
        sources=[source], source_count=1, primary_country=evidence.primary_country,
        **{name: dict.fromkeys(sorted(keys), 1) for name, keys in tags.items()},
        change="opened",
    )
    features = {
        "tokens": _bounded(dict.fromkeys(sorted(evidence.fingerprint.words), 1),
                           config.profile_tokens),
        "names": _bounded(dict.fromkeys(sorted(evidence.names), 1), config.max_names),
        "title_tokens": dict.fromkeys(sorted(evidence.fingerprint.title), 1),
        "numbers": _bounded(dict.fromkeys(sorted(evidence.numbers), 1), config.max_names),
        "recent_sources": {source: at.isoformat()},
    }
    state = StoryState(story, features, [*evidence.fingerprint.bands, *evidence.name_keys])
    if config.burst_sources <= 1:
        state.story = story.model_copy(update={"burst": True, "burst_at": at})
    return state


def _joined(state: StoryState, article: TaggedArticle, evidence: Evidence, at: datetime,
            now: datetime, similarity: float, config: StoryConfig
            ) -> tuple[StoryState, bool]:
    old = state.story
    source = source_of(article)
    articles = [*old.articles, _story_article(article, source, now, similarity)]
    if len(articles) > config.max_articles:
        del articles[1]  # keep the first article and the most recent ones
    sources = old.sources if source in old.sources else [*old.sources, source]
    update: dict[str, Any] = {
        "version": old.version + 1, "updated_at": now, "change": "article",
        "first_seen_at": min(old.first_seen_at, at), "last_seen_at": max(old.last_seen_at, at),
        "article_count": old.article_count + 1, "articles": articles,
        "sources": sources, "source_count": len(sources),
        "primary_country": old.primary_country or evidence.primary_country,
    }
    if at < old.first_seen_at and article.title:
        update["title"] = article.title  # the story is titled by its earliest article
    for name, keys in _tag_counts(article).items():
        update[name] = _merge_counts(getattr(old, name), keys, config.max_names)

    features = dict(state.features)
    features["tokens"] = _merge_counts(features.get("tokens", {}), evidence.fingerprint.words,
                                       config.profile_tokens)
    features["title_tokens"] = _merge_counts(features.get("title_tokens", {}),
                                             evidence.fingerprint.title, config.profile_tokens)
    features["numbers"] = _merge_counts(features.get("numbers", {}), evidence.numbers,
                                        config.max_names)
    features["names"] = _merge_counts(features.get("names", {}), evidence.names,
                                      config.max_names)
    recent = _recent_sources(features.get("recent_sources", {}), source, at, config)
    features["recent_sources"] = recent

    became_burst = not old.burst and len(recent) >= config.burst_sources
    if became_burst:
        update.update(burst=True, burst_at=at, change="burst")
    bands = _merged_bands(state.bands, evidence.fingerprint.bands + evidence.name_keys,
                          config.max_bands)
    return StoryState(old.model_copy(update=update), features, bands), became_burst


def _recent_sources(recent: dict[str, str], source: str, at: datetime,
                    config: StoryConfig) -> dict[str, str]:
    """Each source's latest time within the burst window ending at ``at``."""
    since = _back(at, config.burst_window)
    kept = {s: t for s, t in recent.items()
            if since <= datetime.fromisoformat(t) <= at or s == source}
    previous = kept.get(source)
    if previous is None or datetime.fromisoformat(previous) < at:
        kept[source] = at.isoformat()
    return kept


def _merged_bands(bands: list[str], new: tuple[str, ...], limit: int) -> list[str]:
    """The story's keys plus the article's new ones, until ``limit``; then no more.

    The first articles' keys find the story's core wording; once a story has ``limit`` keys
    a save adds none, so a store writes no key rows for a long story's later articles.
    """
    if len(bands) >= limit:
        return bands
    known = set(bands)
    return (bands + [b for b in new if b not in known])[:limit]
