"""Rule evaluation: from a tagged article and what is already known, decide what to alert.

Pure: ``evaluate`` reads the alert history through a two-method lookup (``AlertHistory``) and
returns decisions; storing them and notifying is the sink's job. Three outcomes per matching
rule:

- ``new``: no alert for this dedup key within the rule's cooldown, so raise one.
- ``update``: an alert for this dedup key was raised less than ``cooldown`` ago; fold the
  article into it (``occurrences + 1``, severity may escalate) instead of raising another.
- ``duplicate``: this rule already handled this article (at-least-once re-delivery). Nothing
  changes; the stored alert is returned so the caller can publish it again, because the crash
  that caused the re-delivery may have happened before it was published.

The cooldown runs on event time: an article's time is its ``published_at`` (ingest falls back
to the fetch time), capped at ``now``, and it is folded into the latest alert for its key when
it lies within ``cooldown`` of that alert's first article, before or after. So a replay, a
backlog after downtime or the demo's burst of old items gives the same alerts as live
processing would have, instead of folding days of news into one alert because it was all read
in the same minute. The window is fixed (not sliding): a story that keeps going raises a fresh
alert once per cooldown instead of being folded away forever.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from newswatch.sinks.alerts.matching import RuleMatch, article_values, match_rule
from newswatch.sinks.alerts.rules import SEVERITIES, Rule, RuleSet, severity_rank

from newswatch.contracts import Alert, TaggedArticle

__all__ = [
    "AlertHistory",
    "Decision",
    "MemoryHistory",
    "alert_id",
    "dedup_key",
    "evaluate",
    "event_time",
]

DecisionKind = Literal["new", "update", "duplicate"]

# Keeps alert records small; the article itself is one lookup away.
MAX_EVIDENCE = 20
_SUMMARY_LIMIT = 300

# Dedup fields read from the article; when the rule tested the matching condition, only the
# values it matched count (so "attack" and "attack+protest" stories share a key under an
# attack rule).
_CONDITION_FOR_FIELD = {
    "countries": "countries",
    "primary_country": "primary_countries",
    "admin1": "admin1",
    "macro_regions": "macro_regions",
    "actors": "actors",
    "actor_types": "actor_types",
    "event_types": "event_types",
    "watchlist_terms": "watchlist_terms",
}


class AlertHistory(Protocol):
    """What ``evaluate`` needs to know about earlier alerts. The alert store implements it."""

    def latest(self, dedup_key: str) -> Alert | None:
        """The most recently raised alert with this dedup key."""
        ...

    def find_by_article(self, rule_id: str, article_id: str) -> Alert | None:
        """The alert this rule raised or updated for this article, if any."""
        ...


@dataclass(frozen=True, slots=True)
class Decision:
    kind: DecisionKind
    rule: Rule
    alert: Alert
    article_id: str
    previous: Alert | None = None

    @property
    def escalated(self) -> bool:
        """An update that raised the alert's severity."""
        return self.previous is not None and (
            severity_rank(self.alert.severity) > severity_rank(self.previous.severity))


class MemoryHistory:
    """An in-memory AlertHistory: for pure tests and for running without a store."""

    def __init__(self) -> None:
        self._by_key: dict[str, Alert] = {}
        self._by_article: dict[tuple[str, str], str] = {}
        self._alerts: dict[str, Alert] = {}

    def latest(self, dedup_key: str) -> Alert | None:
        return self._by_key.get(dedup_key)

    def find_by_article(self, rule_id: str, article_id: str) -> Alert | None:
        alert_id_ = self._by_article.get((rule_id, article_id))
        return self._alerts.get(alert_id_) if alert_id_ else None

    def apply(self, decisions: Iterable[Decision]) -> None:
        for d in decisions:
            if d.kind == "duplicate":
                continue
            self._alerts[d.alert.id] = d.alert
            latest = self._by_key.get(d.alert.dedup_key)
            if latest is None or latest.id == d.alert.id or d.alert.raised_at >= latest.raised_at:
                self._by_key[d.alert.dedup_key] = d.alert
            self._by_article[(d.rule.id, d.article_id)] = d.alert.id


def dedup_key(match: RuleMatch, tagged: TaggedArticle) -> str:
    """``rule-id|field=v1,v2|...``: readable (it is the Kafka key of the alerts topic) and stable
    (values sorted)."""
    rule = match.rule
    parts = [rule.id]
    for field in rule.dedup_by:
        condition = _CONDITION_FOR_FIELD.get(field)
        values = match.values(condition) if condition else None
        if values is None:
            values = tuple(article_values(tagged, field, rule.min_confidence))
        parts.append(f"{field}={','.join(sorted(values)) or '-'}")
    return "|".join(parts)


def alert_id(rule_id: str, key: str, article_id: str) -> str:
    """Stable: the same rule, dedup key and first article always give the same id."""
    digest = hashlib.sha256(f"{rule_id}\x1f{key}\x1f{article_id}".encode())
    return digest.hexdigest()[:32]


def event_time(tagged: TaggedArticle, now: datetime) -> datetime:
    """When the article happened, for cooldowns: its publication time, never later than now."""
    published = tagged.published_at
    return min(published, now) if published is not None else now


def _alert_time(alert: Alert) -> datetime:
    """The event time of the alert's first article (as capped when it was raised)."""
    if alert.published_at is None:
        return alert.raised_at
    return min(alert.published_at, alert.raised_at)


def _severity(rule: Rule, article_severity: float, occurrences: int, floor: str) -> str:
    rank = max(severity_rank(rule.severity), severity_rank(floor))
    for step in rule.escalate:
        if step.min_article_severity is not None and article_severity < step.min_article_severity:
            continue
        if step.min_occurrences is not None and occurrences < step.min_occurrences:
            continue
        rank = max(rank, severity_rank(step.to))
    return SEVERITIES[rank]


def _summary(match: RuleMatch) -> str:
    reasons = [f"{h.condition} {', '.join(h.values)}" for h in match.hits]
    text = f"{match.rule.name}: " + "; ".join(reasons)
    return text if len(text) <= _SUMMARY_LIMIT else text[: _SUMMARY_LIMIT - 1] + "…"


def _new_alert(match: RuleMatch, tagged: TaggedArticle, key: str, now: datetime) -> Alert:
    rule = match.rule
    ok = rule.min_confidence
    return Alert(
        id=alert_id(rule.id, key, tagged.id),
        rule_id=rule.id,
        rule_name=rule.name,
        severity=_severity(rule, tagged.severity, 1, "info"),
        dedup_key=key,
        article_id=tagged.id,
        title=tagged.title,
        url=tagged.url,
        summary=_summary(match),
        countries=article_values(tagged, "countries", ok),
        primary_country=tagged.regions.primary_country,
        actors=article_values(tagged, "actors", ok),
        event_types=article_values(tagged, "event_types", ok),
        evidence=match.evidence[:MAX_EVIDENCE],
        published_at=tagged.published_at,
        raised_at=now,
    )


def evaluate(rules: RuleSet | Iterable[Rule], tagged: TaggedArticle, now: datetime,
             recent: AlertHistory) -> list[Decision]:
    """Decide, for every enabled rule that matches ``tagged``, whether to raise, update or
    re-publish an alert. ``now`` must be timezone-aware; it stamps new alerts (``raised_at``)
    and caps article times for the cooldown."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    rule_list = rules.enabled if isinstance(rules, RuleSet) else [r for r in rules if r.enabled]
    decisions: list[Decision] = []
    for rule in rule_list:
        match = match_rule(rule, tagged)
        if match is None:
            continue
        handled = recent.find_by_article(rule.id, tagged.id)
        if handled is not None:
            decisions.append(Decision("duplicate", rule, handled, tagged.id, handled))
            continue
        key = dedup_key(match, tagged)
        latest = recent.latest(key)
        if latest is not None and (
                abs(event_time(tagged, now) - _alert_time(latest)) < rule.cooldown):
            occurrences = latest.occurrences + 1
            updated = latest.model_copy(update={
                "occurrences": occurrences,
                "severity": _severity(rule, tagged.severity, occurrences, latest.severity),
            })
            decisions.append(Decision("update", rule, updated, tagged.id, latest))
        else:
            decisions.append(Decision("new", rule, _new_alert(match, tagged, key, now), tagged.id))
    return decisions
