"""Silences, as operators know them from Alertmanager: matchers, a time window, who and why.

A silenced alert is still stored, counted and published (with ``silenced_by``); it is only not
notified. Every matcher of a silence must hold for it to cover an alert; a matcher on a list
field (countries, actors, event types) holds when any of the alert's values matches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from newswatch.contracts import Alert

__all__ = ["MATCHER_FIELDS", "Matcher", "Silence", "SilenceIndex", "covering", "new_silence",
           "parse_matcher"]

MatcherField = Literal["rule", "country", "admin1", "actor", "event_type", "story", "severity"]
MATCHER_FIELDS: tuple[str, ...] = MatcherField.__args__  # type: ignore[attr-defined]


class Matcher(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: MatcherField
    value: str = Field(min_length=1)
    negate: bool = Field(default=False, description="True: the alert must NOT have this value")

    def __str__(self) -> str:
        return f"{self.field}{'!=' if self.negate else '='}{self.value}"

    def holds(self, alert: Alert) -> bool:
        found = self.value in _values(alert, self.field)
        return not found if self.negate else found


def _values(alert: Alert, field: str) -> tuple[str, ...]:
    if field == "rule":
        return (alert.rule_id,)
    if field == "country":
        primary = (alert.primary_country,) if alert.primary_country else ()
        return (*alert.countries, *primary)
    if field == "admin1":
        return tuple(alert.admin1)
    if field == "actor":
        return tuple(alert.actors)
    if field == "event_type":
        return tuple(alert.event_types)
    if field == "story":
        return (alert.story_id,)
    return (alert.severity,)


def parse_matcher(text: str) -> Matcher:
    """``rule=pk-attack``, ``country=PK``, ``actor!=ttp``: the CLI's and console's form."""
    negate = "!=" in text
    name, sep, value = text.partition("!=" if negate else "=")
    if not sep or not value.strip():
        raise ValueError(f"matcher {text!r}: expected FIELD=VALUE or FIELD!=VALUE with FIELD one "
                         f"of {', '.join(MATCHER_FIELDS)}")
    name = name.strip().replace("-", "_")
    if name not in MATCHER_FIELDS:
        raise ValueError(f"matcher {text!r}: unknown field {name!r}; expected one of "
                         f"{', '.join(MATCHER_FIELDS)}")
    value = value.strip()
    if name in ("country", "admin1"):
        value = value.upper()
    return Matcher(field=name, value=value, negate=negate)  # type: ignore[arg-type]


class Silence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    matchers: tuple[Matcher, ...] = Field(min_length=1)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    created_by: str = Field(min_length=1)
    comment: str = ""
    created_at: AwareDatetime
    expired_at: AwareDatetime | None = Field(default=None,
                                             description="Set when ended early (unsilence)")

    @model_validator(mode="after")
    def _window(self) -> Silence:
        if self.ends_at <= self.starts_at:
            raise ValueError("a silence must end after it starts")
        return self

    def active(self, now: datetime) -> bool:
        end = self.ends_at if self.expired_at is None else min(self.ends_at, self.expired_at)
        return self.starts_at <= now < end

    def covers(self, alert: Alert) -> bool:
        return all(m.holds(alert) for m in self.matchers)

    def describe(self) -> str:
        return " ".join(str(m) for m in self.matchers)


def new_silence(matchers: Iterable[Matcher], *, created_by: str, now: datetime,
                duration: timedelta, comment: str = "",
                starts_at: datetime | None = None) -> Silence:
    start = starts_at or now
    found = tuple(matchers)
    seed = f"{created_by}|{now.isoformat()}|{'&'.join(map(str, found))}"
    return Silence(id="s-" + hashlib.sha256(seed.encode()).hexdigest()[:12], matchers=found,
                   starts_at=start, ends_at=start + duration, created_by=created_by,
                   comment=comment, created_at=now)


def covering(silences: Iterable[Silence], alert: Alert, now: datetime) -> list[str]:
    """Ids of the active silences that cover ``alert``."""
    return [s.id for s in silences if s.active(now) and s.covers(alert)]


class SilenceIndex:
    """Silences in force, found by the value of one of their matchers, so an alert is checked
    against the few silences that could cover it rather than all of them (operators keep
    dozens, each naming a rule, a country or an actor)."""

    __slots__ = ("_by_field", "_unkeyed")

    def __init__(self, silences: Iterable[Silence]) -> None:
        by_value: dict[tuple[str, str], list[Silence]] = {}
        self._unkeyed: list[Silence] = []
        for silence in silences:
            key = next(((m.field, m.value) for m in silence.matchers if not m.negate), None)
            if key is None:
                self._unkeyed.append(silence)
            else:
                by_value.setdefault(key, []).append(silence)
        # field -> value -> the silences filed under it, fields in name order
        self._by_field: tuple[tuple[str, dict[str, list[Silence]]], ...] = tuple(
            (name, {value: found for (field, value), found in by_value.items()
                    if field == name})
            for name in sorted({field for field, _value in by_value}))

    def __bool__(self) -> bool:
        return bool(self._by_field or self._unkeyed)

    def covering(self, alert: Alert, now: datetime) -> list[str]:
        """Ids of the indexed silences in force at ``now`` that cover ``alert``, sorted."""
        found = [s for s in self._unkeyed if s.active(now) and s.covers(alert)]
        for field, by_value in self._by_field:
            for value in _values(alert, field):
                keyed = by_value.get(value)
                if keyed:
                    found += [s for s in keyed if s.active(now) and s.covers(alert)]
        return sorted({s.id for s in found}) if found else []
