"""What an article brings to the decision, and how well it matches a story.

The text decides most: how many of the article's content words (title + lede) the story's
word profile already holds. Tags confirm or veto: a different primary country vetoes; shared
specific names (people, places below the province) add evidence; two sets of specific names
with nothing in common count against the join, which is what keeps a second attack in the
same province, with its own town and victims, out of the first one's story.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from newswatch.sinks.stories.config import StoryConfig
from newswatch.sinks.stories.fingerprint import Fingerprint, _fold, fingerprint
from wordfreq import zipf_frequency

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
    zipf = max(zipf_frequency(word + ending, "en") for ending in _STEM_ENDINGS)
    return max(0.5, _ZIPF_TOP - zipf)


@dataclass(frozen=True, slots=True)
class Evidence:
    fingerprint: Fingerprint
    primary_country: str | None
    names: frozenset[str]  # "p:<person>" and "l:<place>", folded
    numbers: frozenset[str]  # the numbers among the words, years left out
    admin1: frozenset[str]  # ISO 3166-2 codes
    countries: frozenset[str]  # ISO alpha-2 codes of every country tagged
    # (word, weight) of the words and of the title's words, with their sums: computed once
    # per article, as an article is compared with several candidate stories
    weighted: tuple[tuple[str, float], ...]
    total: float
    title_weighted: tuple[tuple[str, float], ...]
    title_total: float



def _names(article: TaggedArticle) -> frozenset[str]:
    names = {f"p:{_fold(p.name)}" for p in article.persons}
    names.update(f"l:{_fold(p.name)}" for p in article.regions.places
                 if (p.kind or "") not in _BROAD_PLACE_KINDS)
    return frozenset(names)


def evidence_of(article: TaggedArticle, config: StoryConfig) -> Evidence:
    fp = fingerprint(article.title, article.text, bands=config.bands, rows=config.rows,
                     lede_sentences=config.lede_sentences, lede_chars=config.lede_chars)
    numbers = frozenset(w for w in fp.words if w.isdigit() and not _YEAR.fullmatch(w))
    weighted = tuple((w, weight(w)) for w in fp.words)
    title_weighted = tuple((w, weight(w)) for w in fp.title)
    return Evidence(fp, article.regions.primary_country, _names(article), numbers,
                    frozenset(a.code for a in article.regions.admin1),
                    frozenset(c.code for c in article.regions.countries),
                    weighted, sum(v for _, v in weighted),
                    title_weighted, sum(v for _, v in title_weighted))


def _countries_conflict(evidence: Evidence, story: Story) -> bool:
    """The article and the story are about different countries: their primary countries
    differ and neither mentions the other's at all (a US-Iran story may be primarily about
    either; a story in Chile and an article tagged for the Dominican Republic may not)."""
    mine, theirs = evidence.primary_country, story.primary_country
    return bool(mine and theirs and mine != theirs
                and mine not in story.countries and theirs not in evidence.countries)


def _contained(weighted: tuple[tuple[str, float], ...], total: float,
               profile: dict[str, int]) -> float:
    """The weighted share of the words that ``profile`` holds."""
    return sum(v for w, v in weighted if w in profile) / total if total else 0.0


def _misses(mine: frozenset[str], theirs: dict[str, int], prefix: str) -> bool:
    """Both sides name things of this kind and share none of them."""
    own = [n for n in mine if n.startswith(prefix)]
    return bool(own) and not any(n in theirs for n in own) and any(
        n.startswith(prefix) for n in theirs)


def score(evidence: Evidence, story: Story, features: dict[str, Any],
          config: StoryConfig) -> float | None:
    """How well the article matches a story (higher is better), or None when it cannot join."""
    if _countries_conflict(evidence, story):
        return None
    if not evidence.weighted:
        return None
    profile: dict[str, int] = features.get("tokens", {})
    text = _contained(evidence.weighted, evidence.total, profile)
    if evidence.title_weighted and config.title_share:
        title = _contained(evidence.title_weighted,
                           max(evidence.title_total, config.min_title_weight),
                           features.get("title_tokens", {}))
        text = (1 - config.title_share) * text + config.title_share * title
    story_names: dict[str, int] = features.get("names", {})
    shared = sum(1 for n in evidence.names if n in story_names)
    value = text + config.entity_bonus * min(shared, 3)
    if evidence.admin1 and story.admin1 and not any(a in story.admin1 for a in evidence.admin1):
        value -= config.admin1_miss_penalty
    if _misses(evidence.names, story_names, "l:"):
        value -= config.place_miss_penalty
    if _misses(evidence.names, story_names, "p:"):
        value -= config.person_miss_penalty
    story_numbers: dict[str, int] = features.get("numbers", {})
    if evidence.numbers and story_numbers and not any(
            n in story_numbers for n in evidence.numbers):
        value -= config.number_miss_penalty
    return value
