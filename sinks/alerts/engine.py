"""Rule evaluation: from a tagged article, its story and what is already alerted, decide.

Pure: ``evaluate`` reads earlier alerts through a two-method lookup (``AlertLookup``, which the
store implements) and returns decisions; storing, publishing and notifying are the sink's job.
An alert is one rule on one story (``alert_id(rule, story)``), so every outlet's report of one
event folds into one alert that grows. Per matching rule, one of:

- ``new``: no alert for this rule and story yet, so raise one (``state`` new, version 1);
- ``update``: fold the article in (counts, sources, tags, evidence); severity may rise; a
  resolved alert re-opens;
- ``duplicate``: this rule already handled this article (at-least-once re-delivery). Nothing
  changes; the stored alert is returned so the caller can publish it again;
- ``stale``: the article is older than the rule's ``max_age`` and no alert exists: no alert
  (news from last month is not an alert), but it is counted.

A decision names the notification it calls for (``notify``): a new alert, an escalation, a
burst of outlets, a re-opening; updates otherwise notify nobody, so a story covered by twenty
outlets pages once and again only when it escalates. A silenced alert notifies nobody.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal, NamedTuple, Protocol

from newswatch.sinks.alerts.copies import updated_copy
from newswatch.sinks.alerts.matching import ArticleFacts, RuleMatch, evidence_order, match_rule
from newswatch.sinks.alerts.outbox import NotifyEvent
from newswatch.sinks.alerts.rule_index import RuleIndex
from newswatch.sinks.alerts.rules import SEVERITIES, Rule, RuleSet, severity_rank
from newswatch.sinks.alerts.silences import Silence, SilenceIndex

from newswatch.contracts import Alert, Span, Story, TaggedArticle

__all__ = ["AlertLookup", "Decision", "MemoryLookup", "alert_id", "evaluate", "event_time"]

DecisionKind = Literal["new", "update", "duplicate", "stale"]

# Keeps alert records small; the article itself is one lookup away.
MAX_EVIDENCE = 20
MAX_SOURCES = 20
_SUMMARY_LIMIT = 300


class AlertLookup(Protocol):
    """What ``evaluate`` needs to know about earlier alerts. The alert store implements it."""

    def alerts_for(self, article_id: str, story_id: str
                   ) -> tuple[dict[str, Alert], dict[str, Alert]]:
        """Two maps by rule id: the alerts that already folded this article in (a
        re-delivery), and the alerts on this story."""
        ...


class Decision(NamedTuple):
    """One rule's decision on one article (a named tuple: six or so are made per article,
    each a third of a frozen dataclass's cost)."""

    kind: DecisionKind
    rule: Rule
    article_id: str
    alert: Alert | None  # None only for ``stale``
    previous: Alert | None = None
    notify: NotifyEvent | None = None

    @property
    def escalated(self) -> bool:
        return (self.alert is not None and self.previous is not None and
                severity_rank(self.alert.severity) > severity_rank(self.previous.severity))


class MemoryLookup:
    """An AlertLookup in memory: for pure tests, benchmarks and ``rules test``."""

    def __init__(self) -> None:
        self.alerts: dict[str, Alert] = {}
        self._by_article: dict[tuple[str, str], str] = {}

    def alerts_for(self, article_id: str, story_id: str
                   ) -> tuple[dict[str, Alert], dict[str, Alert]]:
        handled = {rule: self.alerts[a] for (rule, art), a in self._by_article.items()
                   if art == article_id}
        on_story = {a.rule_id: a for a in self.alerts.values() if a.story_id == story_id}
        return handled, on_story

    def apply(self, decisions: Iterable[Decision]) -> None:
        for d in decisions:
            if d.kind in ("new", "update") and d.alert is not None:
                self.alerts[d.alert.id] = d.alert
                self._by_article[(d.rule.id, d.article_id)] = d.alert.id


def alert_id(rule_id: str, story_id: str) -> str:
    """Stable: the same rule on the same story is always the same alert."""
    return hashlib.sha256(f"{rule_id}\x1f{story_id}".encode()).hexdigest()[:32]


def event_time(tagged: TaggedArticle, now: datetime) -> datetime:
    """When the article happened: its publication time, never later than now."""
    published = tagged.published_at
    return min(published, now) if published is not None else now


def _severity(rule: Rule, article_severity: float, articles: int, sources: int,
              floor: str) -> str:
    if not rule.escalate and (floor == rule.severity or floor == "info"):
        return rule.severity
    rank = max(severity_rank(rule.severity), severity_rank(floor))
    for step in rule.escalate:
        if step.min_article_severity is not None and article_severity < step.min_article_severity:
            continue
        if step.min_articles is not None and articles < step.min_articles:
            continue
        if step.min_sources is not None and sources < step.min_sources:
            continue
        rank = max(rank, severity_rank(step.to))
    return SEVERITIES[rank]


def _summary(match: RuleMatch) -> str:
    reasons = [f"{h.condition} {', '.join(h.values)}" for h in match.hits]
    text = f"{match.rule.name}: " + "; ".join(reasons)
    return text if len(text) <= _SUMMARY_LIMIT else text[: _SUMMARY_LIMIT - 1] + "…"


def _merge(old: list[str], new: Iterable[str]) -> list[str]:
    """``old`` then the values of ``new`` it lacks; ``old`` itself when it lacks none (alert
    versions share their unchanged lists, as model_copy does)."""
    extra = [value for value in new if value not in old]
    return list(dict.fromkeys([*old, *extra])) if extra else old


def _new_alert(match: RuleMatch, facts: ArticleFacts, story: Story, now: datetime) -> Alert:
    rule = match.rule
    ok = rule.min_confidence
    tagged = facts.tagged
    when = event_time(tagged, now)
    return Alert(
        id=alert_id(rule.id, story.id), rule_id=rule.id, rule_name=rule.name,
        severity=_severity(rule, tagged.severity, 1, story.source_count, "info"),
        story_id=story.id, title=story.title or tagged.title, url=tagged.url,
        summary=_summary(match), article_id=tagged.id, latest_article_id=tagged.id,
        article_count=1, source_count=story.source_count, sources=story.sources[:MAX_SOURCES],
        countries=list(facts.values("countries", ok)),
        primary_country=tagged.regions.primary_country,
        admin1=list(facts.values("admin1", ok)),
        actors=list(facts.values("actors", ok)),
        event_types=list(facts.values("event_types", ok)),
        evidence=list(match.evidence[:MAX_EVIDENCE]), published_at=tagged.published_at,
        first_seen_at=when, last_seen_at=when, raised_at=now, updated_at=now, burst=story.burst,
    )


def _fresh_evidence(evidence: list[Span], match: RuleMatch, room: int) -> list[Span]:
    """``evidence`` then up to ``room`` of the match's spans it lacks (by field and offsets),
    in ``RuleMatch.evidence`` order. Only the spans kept are sorted: most articles of a story
    bring none new, and a stable sort of the fresh ones orders them as sorting all and then
    leaving out the known ones does."""
    have = {(s.field, s.start, s.end) for s in evidence}
    seen: set[tuple[str, int, int, str]] = set()
    fresh: list[Span] = []
    for hit in match.hits:
        for span in hit.evidence:
            key = (span.field, span.start, span.end, span.text)  # Span equality
            if key not in seen:
                seen.add(key)
                if key[:3] not in have:
                    fresh.append(span)
    if not fresh:
        return evidence
    fresh.sort(key=evidence_order)
    return [*evidence, *fresh[:room]]


class _Shared(NamedTuple):
    """What every fold of one article takes from the article and its story, read once."""

    when: datetime  # the article's event time
    severity: float  # the article's
    source_count: int
    title: str | None  # the story's
    burst: bool
    fields: dict[str, Any]  # the fields every version made for the article sets alike

    @classmethod
    def of(cls, tagged: TaggedArticle, story: Story, now: datetime) -> _Shared:
        # one list of sources for all the article's versions: versions are never changed
        # in place, and share their unchanged lists already (see _merge)
        return cls(event_time(tagged, now), tagged.severity, story.source_count, story.title,
                   story.burst, {"updated_at": now, "latest_article_id": tagged.id,
                                 "source_count": story.source_count,
                                 "sources": story.sources[:MAX_SOURCES], "burst": story.burst})


def _folded(existing: Alert, match: RuleMatch, facts: ArticleFacts,
            shared: _Shared) -> tuple[Alert, NotifyEvent | None]:
    """The alert with one more article of its story, and the notification that calls for."""
    rule = match.rule
    ok = rule.min_confidence
    when = shared.when
    articles = existing.article_count + 1
    before = existing.severity
    severity = _severity(rule, shared.severity, articles, shared.source_count, before)
    evidence = existing.evidence
    room = min(MAX_EVIDENCE - len(evidence), MAX_EVIDENCE // 2)
    if room > 0:  # a full alert keeps its evidence
        evidence = _fresh_evidence(evidence, match, room)
    update: dict[str, Any] = {
        **shared.fields,
        "version": existing.version + 1, "article_count": articles,
        "title": shared.title or existing.title, "severity": severity,
        "first_seen_at": min(existing.first_seen_at, when),
        "last_seen_at": max(existing.last_seen_at, when),
        "countries": _merge(existing.countries, facts.values("countries", ok)),
        "admin1": _merge(existing.admin1, facts.values("admin1", ok)),
        "actors": _merge(existing.actors, facts.values("actors", ok)),
        "event_types": _merge(existing.event_types, facts.values("event_types", ok)),
        "evidence": evidence,
    }
    notify: NotifyEvent | None = None
    if existing.state == "resolved":
        update.update(state="updated", change="reopened", resolved_at=None, resolved_by=None,
                      acknowledged_at=None, acknowledged_by=None)
        notify = "reopened"
    else:
        update["state"] = "acknowledged" if existing.state == "acknowledged" else "updated"
        if severity != before and severity_rank(severity) > severity_rank(before):
            update["change"], notify = "escalated", "escalated"
        elif shared.burst and not existing.burst:
            update["change"], notify = "burst", "burst"
        else:
            update["change"] = "article"
    return updated_copy(existing, update), notify


def evaluate(rules: RuleSet | Iterable[Rule], tagged: TaggedArticle, story: Story,
             now: datetime, lookup: AlertLookup,
             silences: Sequence[Silence] | SilenceIndex = ()) -> list[Decision]:
    """Decide, for every enabled rule that matches ``tagged``, what happens to its alert on
    ``story``. ``now`` must be timezone-aware; it stamps the alerts' versions."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if isinstance(rules, RuleSet):
        index = RuleIndex.of(rules)
    else:
        index = RuleIndex([r for r in rules if r.enabled])
    facts = ArticleFacts.of(tagged)
    in_force = silences if isinstance(silences, SilenceIndex) else SilenceIndex(silences)
    any_silence = bool(in_force)
    decisions: list[Decision] = []
    known: tuple[dict[str, Alert], dict[str, Alert]] | None = None
    shared: _Shared | None = None
    for rule in index.candidates(facts):
        if not facts.may_match(rule):
            continue
        match = match_rule(rule, tagged, facts)
        if match is None:
            continue
        if known is None:  # one look-up per article, and only once a rule matched
            known = lookup.alerts_for(tagged.id, story.id)
        handled = known[0].get(rule.id)
        if handled is not None:
            decisions.append(Decision("duplicate", rule, tagged.id, handled, handled))
            continue
        existing = known[1].get(rule.id)
        notify: NotifyEvent | None
        if existing is None:
            if now - event_time(tagged, now) > rule.max_age:
                decisions.append(Decision("stale", rule, tagged.id, None))
                continue
            alert, notify, kind = _new_alert(match, facts, story, now), "new", "new"
        else:
            if shared is None:
                shared = _Shared.of(tagged, story, now)
            (alert, notify), kind = _folded(existing, match, facts, shared), "update"
        silenced = in_force.covering(alert, now) if any_silence else []
        if silenced != alert.silenced_by:  # the alert is this call's own: no second copy
            alert.silenced_by = silenced
        if silenced:
            notify = None
        decisions.append(Decision(kind, rule, tagged.id, alert, existing, notify))  # type: ignore[arg-type]
    return decisions
