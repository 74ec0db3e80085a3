"""What an article brings to the decision, and how well it matches a story.

The text decides most: how many of the article's content words (title + lede) the story's
word profile already holds. Tags confirm or veto: a different primary country vetoes; shared
specific names (people, places below the province) add evidence; two sets of specific names
with nothing in common count against the join, which is what keeps a second attack in the
same province, with its own town and victims, out of the first one's story.

Another outlet rewords a report: "Man stabs Paris police chief to death; Islamic State claims
attack" and "French police officer and partner murdered in 'odious terrorist attack'" share
few words but the same tags (Paris, the police, Isis, an attack) on the same day. So an
article from an outlet the story has not heard from gets a tag channel as well
(``tag_overlap``): the share of its tags the story carries, rare names heavier, near in time.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from itertools import compress
from typing import Any, NamedTuple

from newswatch.sinks.stories.config import StoryConfig
from newswatch.sinks.stories.fingerprint import Fingerprint, _fold, fingerprint
from newswatch.sinks.stories.zipf import zipf_en

from newswatch.contracts import Story, TaggedArticle

__all__ = ["Evidence", "evidence_of", "score"]

# place kinds that name a whole country or province: shared by every event there, so they
# are no evidence that two articles report the same one (the country is checked separately)
_BROAD_PLACE_KINDS = frozenset({"country", "region", "admin1", "continent", "macro_region"})


# Zipf frequency of the commonest English words ("the" 7.7); a word's weight is how far below
# that it lies, so "attack" (5.1) weighs 2.4 and "Mateen" (2.3) or "Kairana" (1.2) three
# times as much: two articles sharing a rare name say more than two sharing "police"
_ZIPF_TOP = 7.5
_YEAR = re.compile(r"(19|20)\d\d")


# the fingerprint's words are stems ("captur" of "captured", "injur" of "injured"): a stem is
# as common as the commonest word it stands for, else every clipped word would weigh as a name
_STEM_ENDINGS = ("", "e", "s", "ed", "ing")


@functools.lru_cache(maxsize=200_000)
def weight(word: str) -> float:
    """How much a shared word says: rarer in English, heavier (wordfreq's Zipf scale)."""
    zipf = max(zipf_en(word + ending) for ending in _STEM_ENDINGS)
    return max(0.5, _ZIPF_TOP - zipf)


class Weighted(NamedTuple):
    """Words in one fixed order, their weights in the same order and the weights' sum."""

    words: tuple[str, ...]
    weights: tuple[float, ...]
    total: float

    @classmethod
    def of(cls, words: frozenset[str]) -> Weighted:
        # sorted: summed in a set's order, the same words would give floats that differ in
        # the last bit from one hash seed (one process) to the next
        ordered = tuple(sorted(words))
        weights = tuple(map(weight, ordered))
        return cls(ordered, weights, sum(weights))

    def share(self, profile: dict[str, int], total: float) -> float:
        """The weight of the words that ``profile`` holds, divided by ``total``; summed in
        the words' order, so the same words give the same float."""
        held = sum(compress(self.weights, map(profile.__contains__, self.words)))
        return held / total if total else 0.0


@dataclass(frozen=True, slots=True)
class Evidence:
    fingerprint: Fingerprint
    primary_country: str | None
    names: frozenset[str]  # "p:<person>" and "l:<place>", folded
    numbers: frozenset[str]  # the numbers among the words, years left out
    admin1: frozenset[str]  # ISO 3166-2 codes
    countries: frozenset[str]  # ISO alpha-2 codes of every country tagged
    # the words and the title's words with their weights: computed once per article, as an
    # article is compared with several candidate stories
    weighted: Weighted
    title_weighted: Weighted
    # (key, weight) of the article's tags for the tag channel: "p:"/"l:" names, "a:" actors,
    # "e:" event types; when it reports (None when undated) and its outlet
    tags: tuple[tuple[str, float], ...] = ()
    tags_total: float = 0.0
    at: datetime | None = None
    source: str = ""
    # index keys of the article's rare names ("n:p:omar mateen"): the second way to a story
    name_keys: tuple[str, ...] = ()
    # the names by kind ("l:" places, "p:" persons), for the misses of every candidate story
    places: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()


def _names(article: TaggedArticle) -> frozenset[str]:
    names = {f"p:{_fold(p.name)}" for p in article.persons}
    names.update(f"l:{_fold(p.name)}" for p in article.regions.places
                 if (p.kind or "") not in _BROAD_PLACE_KINDS)
    return frozenset(names)


# actors that every story of their country may name: a shared one says little
_STATE_CAMEO = frozenset({"GOV", "COP", "MIL", "JUD", "LEG"})


@functools.lru_cache(maxsize=50_000)
def name_weight(name: str) -> float:
    """How much a shared person or place says: rarer name, heavier ("Kairana" > "Paris")."""
    return min(6.0, max(1.0, _ZIPF_TOP - zipf_en(name)))


def _tags(article: TaggedArticle, names: frozenset[str],
          config: StoryConfig) -> tuple[tuple[str, float], ...]:
    tags = {n: name_weight(n[2:]) for n in names}
    for actor in article.actors:
        state = actor.cameo in _STATE_CAMEO or actor.source == "composed"
        tags[f"a:{actor.id}"] = config.state_actor_weight if state else config.actor_weight
    for event in article.event_types:
        tags[f"e:{event.type}"] = config.event_type_weight
    return tuple(sorted(tags.items()))


def _name_keys(names: frozenset[str], config: StoryConfig) -> tuple[str, ...]:
    if not config.name_key_weight:
        return ()
    return tuple(sorted(f"n:{n}" for n in names if name_weight(n[2:]) >= config.name_key_weight))


def evidence_of(article: TaggedArticle, config: StoryConfig, *, source: str = "",
                at: datetime | None = None) -> Evidence:
    """What ``article`` brings; ``source`` is its outlet, ``at`` its event time (default: its
    publication time)."""
    fp = fingerprint(article.title, article.text, bands=config.bands, rows=config.rows,
                     lede_sentences=config.lede_sentences, lede_chars=config.lede_chars)
    numbers = frozenset(w for w in fp.words if w.isdigit() and not _YEAR.fullmatch(w))
    names = _names(article)
    tags = _tags(article, names, config) if config.tag_share else ()
    return Evidence(fp, article.regions.primary_country, names, numbers,
                    frozenset(a.code for a in article.regions.admin1),
                    frozenset(c.code for c in article.regions.countries),
                    Weighted.of(fp.words), Weighted.of(fp.title),
                    tags, sum(v for _, v in tags), at or article.published_at, source,
                    _name_keys(names, config),
                    tuple(n for n in names if n.startswith("l:")),
                    tuple(n for n in names if n.startswith("p:")))


def _countries_conflict(evidence: Evidence, story: Story) -> bool:
    """The article and the story are about different countries: their primary countries
    differ and neither mentions the other's at all (a US-Iran story may be primarily about
    either; a story in Chile and an article tagged for the Dominican Republic may not)."""
    mine, theirs = evidence.primary_country, story.primary_country
    return bool(mine and theirs and mine != theirs
                and mine not in story.countries and theirs not in evidence.countries)


def _misses(own: tuple[str, ...], theirs: dict[str, int], prefix: str) -> bool:
    """Both sides name things of this kind (``own``: the article's, all ``prefix``-ed) and
    share none of them."""
    return bool(own) and theirs.keys().isdisjoint(own) and any(
        n.startswith(prefix) for n in theirs)


def score(evidence: Evidence, story: Story, features: dict[str, Any],
          config: StoryConfig) -> float | None:
    """How well the article matches a story (higher is better), or None when it cannot join.

    The tag channel is left out where even its most could not lift the value to the join
    threshold: below it the value decides nothing, and most candidates are there."""
    if _countries_conflict(evidence, story):
        return None
    if not evidence.weighted.words:
        return None
    profile: dict[str, int] = features.get("tokens", {})
    text = evidence.weighted.share(profile, evidence.weighted.total)
    title_weighted = evidence.title_weighted
    if title_weighted.words and config.title_share:
        title = title_weighted.share(features.get("title_tokens", {}),
                                     max(title_weighted.total, config.min_title_weight))
        text = (1 - config.title_share) * text + config.title_share * title
    story_names: dict[str, int] = features.get("names", {})
    shared = len(story_names.keys() & evidence.names)
    value = text + config.entity_bonus * min(shared, 3)
    if evidence.admin1 and story.admin1 and not any(a in story.admin1 for a in evidence.admin1):
        value -= config.admin1_miss_penalty
    if _misses(evidence.places, story_names, "l:"):
        value -= config.place_miss_penalty
    if _misses(evidence.persons, story_names, "p:"):
        value -= config.person_miss_penalty
    story_numbers: dict[str, int] = features.get("numbers", {})
    if evidence.numbers and story_numbers and not any(
            n in story_numbers for n in evidence.numbers):
        value -= config.number_miss_penalty
    # the tag channel last, and only where it can still count: at most it adds tag_share
    if (evidence.tags and value + config.tag_share >= config.join_threshold
            and evidence.source not in story.sources):
        value += config.tag_share * tag_overlap(evidence, story, story_names, config)
    return value


def _near(evidence: Evidence, story: Story, config: StoryConfig) -> float:
    """1 within ``tag_hours`` of the story's span, falling to 0 at twice that."""
    if evidence.at is None:
        return 1.0
    gap = max((story.first_seen_at - evidence.at).total_seconds(),
              (evidence.at - story.last_seen_at).total_seconds(), 0.0) / 3600
    full = config.tag_hours
    return 1.0 if gap <= full else max(0.0, 1.0 - (gap - full) / full)


def tag_overlap(evidence: Evidence, story: Story, story_names: dict[str, int],
                config: StoryConfig) -> float:
    """The weighted share of the article's tags that the story carries, times time nearness.

    A tag counts by how central it is to the story (in what share of its articles, doubled,
    up to all of it): a long story gathers many side tags, which must not draw in every
    article that names one of them. Nothing counts without a shared anchor (a name or an
    actor other than a state body): an event type and a ministry are shared by half the news.
    """
    shared = 0.0
    anchored = False
    articles = max(story.article_count, 1)
    for key, value in evidence.tags:
        kind, rest = key[0], key[2:]
        if kind == "a":
            held = story.actors.get(rest, 0)
        elif kind == "e":
            held = story.event_types.get(rest, 0)
        else:
            held = story_names.get(key, 0)
        if held:
            shared += value * min(1.0, 2 * held / articles)
            anchored = anchored or value >= config.anchor_weight
    if not anchored:
        return 0.0
    return shared / max(evidence.tags_total, config.min_tag_weight) * _near(evidence, story, config)
