"""Does a rule match a tagged article, and which tags made it match?

Pure functions over a TaggedArticle. Each condition that holds yields a ``Hit`` carrying the
values it matched and the evidence spans behind them, so an alert can show *why* it fired
(the tagger's spans for tags; spans found here for keywords and regular expressions).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any, NamedTuple

import regex
from newswatch.sinks.alerts.rules import TAG_CONDITIONS, Conditions, Rule

from newswatch.contracts import ActorTag, EventTag, Span, TaggedArticle

__all__ = ["TAG_CONDITIONS", "ArticleFacts", "Hit", "RuleMatch", "article_values",
           "check_conditions", "evidence_order", "match_rule"]

log = logging.getLogger(__name__)

# Enough to show why; an alert is a pointer to the article, not a copy of it.
_SPANS_PER_TERM = 3
# How long a rule's regular expression may search one field of one article. Python's `re`
# backtracks without bound: "(x+x+)+y" took 4 s on 26 x's and doubles with each more, so
# one crafted feed item could hold the alert role. The `regex` package stops at a timeout
# (and avoids most such backtracking to begin with); a search that times out matches nothing.
REGEX_TIMEOUT_S = 0.1


# named tuples rather than frozen dataclasses: made per condition and rule of every article,
# and a tuple is made in a third of the time
class Hit(NamedTuple):
    """One condition that held: its name, the values it matched, and the evidence."""

    condition: str
    values: tuple[str, ...]
    evidence: tuple[Span, ...] = ()


class RuleMatch(NamedTuple):
    rule: Rule
    hits: tuple[Hit, ...]

    def values(self, condition: str) -> tuple[str, ...] | None:
        """Values matched by ``condition``, or None when the rule did not test it."""
        found = [v for h in self.hits if h.condition == condition for v in h.values]
        return tuple(dict.fromkeys(found)) if found else None

    @property
    def evidence(self) -> list[Span]:
        spans = dict.fromkeys(s for h in self.hits for s in h.evidence)
        return sorted(spans, key=evidence_order)


def evidence_order(span: Span) -> tuple[bool, int, int]:
    """Title spans first, then by position."""
    return (span.field != "title", span.start, span.end)


@lru_cache(maxsize=4096)
def _word_pattern(term: str) -> re.Pattern[str]:
    # Word edges rather than \b so terms that start or end with punctuation ("U.S.") still work.
    return re.compile(r"(?<!\w)" + re.escape(term.strip()) + r"(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _regex(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


def _find(finditer: Callable[[str], Iterator[re.Match[str]]], tagged: TaggedArticle,
          fields: Iterable[str]) -> list[Span]:
    spans: list[Span] = []
    for name in fields:
        text = getattr(tagged, name)
        for n, m in enumerate(finditer(text)):
            if n >= _SPANS_PER_TERM:
                break
            if m.end() > m.start():
                spans.append(Span(start=m.start(), end=m.end(), text=m.group(0), field=name))
    return spans


def _find_regex(pattern: str, tagged: TaggedArticle, field: str) -> list[Span]:
    search = partial(_regex(pattern).finditer, timeout=REGEX_TIMEOUT_S)
    try:
        return _find(search, tagged, (field,))
    except TimeoutError:
        _warn_timeout(pattern)
        return []


@lru_cache(maxsize=256)
def _warn_timeout(pattern: str) -> None:
    """Once per pattern: a flood of such articles must not flood the log."""
    log.warning("rule regular expression %r gave up after %.1f s on an article and matched "
                "nothing; simplify it (nested repeats such as (a+)+ backtrack without end)",
                pattern, REGEX_TIMEOUT_S)


def article_values(tagged: TaggedArticle, field: str, min_confidence: float = 0.0) -> list[str]:
    """The article's values for a dedup/condition field, tags under ``min_confidence`` left out."""
    ok = min_confidence
    regions = tagged.regions
    if field == "countries":
        codes = [c.code.upper() for c in regions.countries if c.confidence >= ok]
        if regions.primary_country:
            codes.append(regions.primary_country.upper())
        return list(dict.fromkeys(codes))
    if field in ("primary_country", "primary_countries"):
        return [regions.primary_country.upper()] if regions.primary_country else []
    if field == "admin1":
        return list(dict.fromkeys(a.code.upper() for a in regions.admin1 if a.confidence >= ok))
    if field == "macro_regions":
        return list(dict.fromkeys(regions.macro_regions))
    if field == "actors":
        return list(dict.fromkeys(a.id for a in tagged.actors if a.confidence >= ok))
    if field == "actor_types":
        return list(dict.fromkeys(a.type for a in tagged.actors if a.confidence >= ok))
    if field == "event_types":
        return list(dict.fromkeys(e.type for e in tagged.event_types if e.confidence >= ok))
    if field == "watchlists":
        hits = tagged.watchlist_hits
        return list(dict.fromkeys(w.watchlist for w in hits if w.confidence >= ok))
    if field == "watchlist_terms":
        hits = tagged.watchlist_hits
        return list(dict.fromkeys(w.term.lower() for w in hits if w.confidence >= ok))
    if field == "feed_id":
        return [tagged.feed_id] if tagged.feed_id else []
    if field == "article":
        return [tagged.id]
    raise ValueError(f"unknown article field {field!r}")


# One function per kind of condition: (name, block, article, min_confidence, facts) -> the
# hit, or None when the condition does not hold. ``facts``, when given, holds what the
# article's tags give at a confidence, computed once for every rule.
_Check = Callable[[str, Conditions, TaggedArticle, float, "ArticleFacts | None"], "Hit | None"]


def _check_codes(name: str, cond: Conditions, tagged: TaggedArticle, ok: float,
                 facts: ArticleFacts | None) -> Hit | None:
    have = set(facts.values(name, ok) if facts is not None
               else article_values(tagged, name, ok))
    values = tuple(code for code in getattr(cond, name) if code in have)
    if not values:
        return None
    if facts is not None:
        by_code = facts.spans("admin1" if name == "admin1" else "countries", ok)
        return Hit(name, values, tuple(s for code in values for s in by_code.get(code, ())))
    regions = tagged.regions
    tags = regions.admin1 if name == "admin1" else regions.countries
    spans = tuple(s for t in tags if t.code.upper() in values and t.confidence >= ok
                  for s in t.evidence)
    return Hit(name, values, spans)


def _check_regions(name: str, cond: Conditions, tagged: TaggedArticle, ok: float,
                   facts: ArticleFacts | None) -> Hit | None:
    have_lower = {r.lower(): r for r in tagged.regions.macro_regions}
    values = tuple(have_lower[w.lower()] for w in cond.macro_regions if w.lower() in have_lower)
    return Hit(name, values) if values else None


def _check_actors(name: str, cond: Conditions, tagged: TaggedArticle, ok: float,
                  facts: ArticleFacts | None) -> Hit | None:
    want = cond.lowered(name)
    types = name == "actor_types"
    if facts is not None:
        tags = facts.actor_tags(ok)
        matched = ([a for a, _id, _name in tags if a.type in want] if types
                   else [a for a, id_, name_ in tags if id_ in want or name_ in want])
    else:
        matched = [a for a in tagged.actors if a.confidence >= ok and (
            (a.type in want) if types else (a.id.lower() in want or a.name.lower() in want))]
    if not matched:
        return None
    if len(matched) == 1:  # the common case, without the generators below
        one = matched[0]
        return Hit(name, (one.type if types else one.id,), tuple(one.evidence))
    values = tuple(dict.fromkeys(a.type if types else a.id for a in matched))
    return Hit(name, values, tuple(s for a in matched for s in a.evidence))


def _check_events(name: str, cond: Conditions, tagged: TaggedArticle, ok: float,
                  facts: ArticleFacts | None) -> Hit | None:
    wanted = cond.event_types
    matched = ([e for e in facts.event_tags(ok) if e.type in wanted] if facts is not None
               else [e for e in tagged.event_types if e.confidence >= ok and e.type in wanted])
    if not matched:
        return None
    if len(matched) == 1:
        event = matched[0]
        return Hit(name, (event.type,), tuple(event.evidence))
    values = tuple(dict.fromkeys(e.type for e in matched))
    return Hit(name, values, tuple(s for e in matched for s in e.evidence))


def _check_watchlists(name: str, cond: Conditions, tagged: TaggedArticle, ok: float,
                      facts: ArticleFacts | None) -> Hit | None:
    want = cond.lowered(name)
    lists = name == "watchlists"
    matched = [w for w in tagged.watchlist_hits if w.confidence >= ok and (
        (w.watchlist.lower() in want) if lists else (w.term.lower() in want))]
    if not matched:
        return None
    values = tuple(dict.fromkeys(w.watchlist if lists else w.term for w in matched))
    return Hit(name, values, tuple(s for w in matched for s in w.evidence))


def _check_severity(name: str, cond: Conditions, tagged: TaggedArticle, ok: float,
                    facts: ArticleFacts | None) -> Hit | None:
    minimum = cond.min_severity
    if minimum is None or tagged.severity < minimum:
        return None
    return facts.severity_hit if facts is not None else _severity_hit(tagged)


def _check_keywords(name: str, cond: Conditions, tagged: TaggedArticle, ok: float,
                    facts: ArticleFacts | None) -> Hit | None:
    found: list[str] = []
    kw_spans: list[Span] = []
    for term in cond.keywords:
        spans = _find(_word_pattern(term).finditer, tagged, ("title", "text"))
        if spans:
            found.append(term)
            kw_spans.extend(spans)
    return Hit(name, tuple(found), tuple(kw_spans)) if found else None


def _check_regex(name: str, cond: Conditions, tagged: TaggedArticle, ok: float,
                 facts: ArticleFacts | None) -> Hit | None:
    field = "title" if name == "title_regex" else "text"
    spans = _find_regex(getattr(cond, name), tagged, field)
    return Hit(name, (spans[0].text,), tuple(spans)) if spans else None


_CHECKS: dict[str, _Check] = {
    "countries": _check_codes, "primary_countries": _check_codes, "admin1": _check_codes,
    "macro_regions": _check_regions, "actors": _check_actors, "actor_types": _check_actors,
    "event_types": _check_events, "watchlists": _check_watchlists,
    "watchlist_terms": _check_watchlists, "min_severity": _check_severity,
    "keywords": _check_keywords, "title_regex": _check_regex, "text_regex": _check_regex,
}


def _check(name: str, cond: Conditions, tagged: TaggedArticle, ok: float,
           facts: ArticleFacts | None = None) -> Hit | None:
    """Evaluate one condition; None when it does not hold."""
    check = _CHECKS.get(name)
    if check is None:
        raise ValueError(f"unknown condition {name!r}")
    return check(name, cond, tagged, ok, facts)


def _severity_hit(tagged: TaggedArticle) -> Hit:
    return Hit("min_severity", (f"{tagged.severity:.2f}",))


def check_conditions(cond: Conditions, tagged: TaggedArticle, min_confidence: float = 0.0,
                     facts: ArticleFacts | None = None) -> tuple[list[Hit], list[str]]:
    """Evaluate every condition the block sets: (hits, names of conditions that failed)."""
    hits: list[Hit] = []
    failed: list[str] = []
    for name in cond.set_names:
        hit = _check(name, cond, tagged, min_confidence, facts)
        if hit is None:
            failed.append(name)
        else:
            hits.append(hit)
    return hits, failed


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What an article has, at any confidence, for a quick first look at many rules: a rule
    whose ``all`` block needs a value the article lacks (or whose ``any`` block, made of tag
    conditions only, names none it has) cannot match, whatever its ``min_confidence``.
    ``match_rule`` still decides for the rules that pass. ``values`` is ``article_values``
    computed once per article (rules share fields and confidences)."""

    tagged: TaggedArticle
    countries: frozenset[str]
    primary: frozenset[str]
    admin1: frozenset[str]
    macro_regions: frozenset[str]
    event_types: frozenset[str]
    actors: frozenset[str]
    actor_types: frozenset[str]
    _values: dict[tuple[str, float], list[str]] = field(default_factory=dict, compare=False)
    _spans: dict[tuple[str, float], dict[str, list[Span]]] = field(default_factory=dict,
                                                                  compare=False)
    # (what, min_confidence) -> the article's tags at that confidence, as _check reads them
    _tags: dict[tuple[str, float], list[Any]] = field(default_factory=dict, compare=False)
    # tag condition name -> the sets above, as ``Conditions.tag_values`` holds the rule's
    by_condition: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_condition.update(
            countries=self.countries, primary_countries=self.primary, admin1=self.admin1,
            macro_regions=self.macro_regions, actors=self.actors,
            actor_types=self.actor_types, event_types=self.event_types)

    @classmethod
    def of(cls, tagged: TaggedArticle) -> ArticleFacts:
        regions = tagged.regions
        primary = regions.primary_country
        primary_set = frozenset([primary.upper()]) if primary else frozenset()
        return cls(
            tagged=tagged,
            countries=frozenset(c.code.upper() for c in regions.countries) | primary_set,
            primary=primary_set,
            admin1=frozenset(a.code.upper() for a in regions.admin1),
            macro_regions=frozenset(r.lower() for r in regions.macro_regions),
            event_types=frozenset(e.type for e in tagged.event_types),
            actors=frozenset(v for a in tagged.actors for v in (a.id.lower(), a.name.lower())),
            actor_types=frozenset(a.type for a in tagged.actors))

    def values(self, field_name: str, min_confidence: float = 0.0) -> list[str]:
        """``article_values`` of this article (the list is shared: do not change it)."""
        key = (field_name, min_confidence)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = article_values(self.tagged, field_name, min_confidence)
        return found

    def actor_tags(self, min_confidence: float) -> list[tuple[ActorTag, str, str]]:
        """The actor tags at ``min_confidence``, each with its id and name lower-cased."""
        key = ("actors", min_confidence)
        found = self._tags.get(key)
        if found is None:
            found = self._tags[key] = [(a, a.id.lower(), a.name.lower())
                                       for a in self.tagged.actors
                                       if a.confidence >= min_confidence]
        return found

    def event_tags(self, min_confidence: float) -> list[EventTag]:
        """The event-type tags at ``min_confidence``."""
        key = ("event_types", min_confidence)
        found = self._tags.get(key)
        if found is None:
            found = self._tags[key] = [e for e in self.tagged.event_types
                                       if e.confidence >= min_confidence]
        return found

    @property
    def severity_hit(self) -> Hit:
        """The hit of any ``min_severity`` condition the article meets (one per article)."""
        key = ("min_severity", 0.0)
        found = self._tags.get(key)
        if found is None:
            found = self._tags[key] = [_severity_hit(self.tagged)]
        return found[0]

    def spans(self, tags: str, min_confidence: float) -> dict[str, list[Span]]:
        """Evidence of the article's ``countries`` or ``admin1`` tags at ``min_confidence``,
        by upper-case code, in tag order (computed once per article)."""
        key = (tags, min_confidence)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = {}
            regions = self.tagged.regions
            for tag in regions.admin1 if tags == "admin1" else regions.countries:
                if tag.confidence >= min_confidence:
                    found.setdefault(tag.code.upper(), []).extend(tag.evidence)
        return found

    def may_match(self, rule: Rule) -> bool:
        have = self.by_condition
        need = rule.match.all
        for name, wanted in need.tag_values:
            if have[name].isdisjoint(wanted):
                return False
        if need.min_severity is not None and self.tagged.severity < need.min_severity:
            return False
        one_of = rule.match.any
        if not one_of.tags_only:
            return True
        for name, wanted in one_of.tag_values:
            if not have[name].isdisjoint(wanted):
                return True
        return False


def match_rule(rule: Rule, tagged: TaggedArticle,
               facts: ArticleFacts | None = None) -> RuleMatch | None:
    """The match of an enabled or disabled rule against one article, or None. ``facts``:
    the article's ``ArticleFacts``, when the caller matches many rules against it.
    Conditions are checked in order and the first that rules the article out ends the
    match (``check_conditions`` checks them all, to report each)."""
    ok = rule.min_confidence
    match = rule.match
    need = match.all
    hits: list[Hit] = []
    for name in need.set_names:
        hit = _check(name, need, tagged, ok, facts)
        if hit is None:
            return None
        hits.append(hit)
    one_of = match.any
    if one_of.set_names:
        found = False
        for name in one_of.set_names:
            hit = _check(name, one_of, tagged, ok, facts)
            if hit is not None:
                hits.append(hit)
                found = True
        if not found:
            return None
    none_of = match.none
    for name in none_of.set_names:
        if _check(name, none_of, tagged, ok, facts) is not None:
            return None
    return RuleMatch(rule, tuple(hits))
