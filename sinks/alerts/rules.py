"""Alert rules: the YAML an operations team writes, validated before anything runs on it.

A rules file holds ``rules:`` (what to alert on) and optionally ``routes:`` (where to send
notifications; see ``routes.config``). A route names the environment variable or secrets file
holding its URL, and a rules file whose route has no URL there is refused, so a missing secret
shows at load time rather than at the first alert. Validation is strict (unknown keys are
errors) because a typo in a condition name would otherwise silently widen a rule to match
everything (or a route's rule filter narrow it to nothing). Errors name the file, the rule or
route and the field, so whoever edited the file can fix it without reading this module.

Matching semantics (see ``Match``): inside one condition a list means *any of these values*;
``all:`` needs every condition it lists to hold, ``any:`` needs at least one, ``none:`` needs
none of them. A rule must list at least one condition in ``all`` or ``any``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, get_args

import regex
import yaml
from newswatch.sinks.alerts.routes.config import RouteConfig
from newswatch.sinks.alerts.routes.secrets import RouteError, resolve_url
from newswatch.sinks.alerts.routes.sender import check_url
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from newswatch import yaml_files
from newswatch.contracts import AlertSeverity
from newswatch.contracts.tagged import ActorType, EventType
from newswatch.durations import parse_duration

__all__ = [
    "DEFAULT_MAX_AGE",
    "DEFAULT_QUIET_PERIOD",
    "SEVERITIES",
    "Conditions",
    "Escalation",
    "Match",
    "RouteConfig",
    "Rule",
    "RuleSet",
    "RulesError",
    "load_rules",
    "parse_rules",
    "severity_rank",
]

SEVERITIES: tuple[str, ...] = get_args(AlertSeverity)

# How long a story may stay quiet before its open alerts resolve themselves, and how old an
# article may be and still raise a new alert: news from last month is not an alert.
DEFAULT_QUIET_PERIOD = timedelta(hours=24)
DEFAULT_MAX_AGE = timedelta(hours=72)


class RulesError(ValueError):
    """A rules file that cannot be used. The message names the file, rule and field."""


_RANKS = {name: rank for rank, name in enumerate(SEVERITIES)}


def severity_rank(severity: str) -> int:
    """Order of severities, ``info`` lowest; used for escalation and notification thresholds."""
    try:
        return _RANKS[severity]
    except KeyError:
        raise ValueError(f"unknown severity {severity!r}") from None


def _upper_list(value: Any) -> Any:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        return [v.strip().upper() if isinstance(v, str) else v for v in value]
    return value


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


CodeList = Annotated[list[str], BeforeValidator(_upper_list)]
TextList = Annotated[list[str], BeforeValidator(_as_list)]


# conditions over the article's tags: a rule whose ``any`` block sets only these cannot match
# an article holding none of their values, whatever its ``min_confidence``
TAG_CONDITIONS = frozenset({"countries", "primary_countries", "admin1", "macro_regions",
                             "actors", "actor_types", "event_types"})


class Conditions(BaseModel):
    """Conditions over a TaggedArticle. Only the conditions given count; each one holds when
    the article has *any* of the listed values (tags below the rule's ``min_confidence`` are
    ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    countries: CodeList = Field(default_factory=list, description="ISO alpha-2; any tagged "
                                "country or the primary country")
    primary_countries: CodeList = Field(default_factory=list, description="Primary country only")
    admin1: CodeList = Field(default_factory=list, description="ISO 3166-2, e.g. PK-KP")
    macro_regions: TextList = Field(default_factory=list, description="UN M49 sub-regions")
    actors: TextList = Field(default_factory=list, description="Actor ids (or names)")
    actor_types: list[ActorType] = Field(default_factory=list)
    event_types: list[EventType] = Field(default_factory=list)
    min_severity: float | None = Field(default=None, ge=0.0, le=1.0,
                                       description="Article severity at least this")
    keywords: TextList = Field(default_factory=list, description="Whole words/phrases in the "
                               "title or text, case-insensitive")
    watchlists: TextList = Field(default_factory=list, description="Any hit on these watchlists")
    watchlist_terms: TextList = Field(default_factory=list, description="Hits on these terms")
    title_regex: str | None = None
    text_regex: str | None = None

    @field_validator("actor_types", "event_types", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("title_regex", "text_regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                regex.compile(value)  # as matching runs it (the regex package)
            except regex.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from exc
        return value

    @cached_property
    def set_names(self) -> tuple[str, ...]:
        """The conditions this block actually sets (computed once: the block is frozen)."""
        return tuple(name for name in type(self).model_fields
                     if getattr(self, name) not in (None, []))

    @cached_property
    def _lowered(self) -> dict[str, frozenset[str]]:
        return {name: frozenset(v.lower() for v in getattr(self, name))
                for name in ("macro_regions", "actors", "actor_types", "watchlists",
                             "watchlist_terms")}

    def lowered(self, name: str) -> frozenset[str]:
        """A text condition's values, lower-cased (computed once, as rules match every
        article)."""
        return self._lowered[name]

    @cached_property
    def tag_values(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """The tag conditions this block sets, each with its values as an article's tags are
        compared with them: codes upper-case, regions and actors lower-case (computed once)."""
        out = []
        for name in self.set_names:
            if name in TAG_CONDITIONS:
                wanted = getattr(self, name)
                if name in ("countries", "primary_countries", "admin1"):
                    wanted = [v.upper() for v in wanted]
                elif name in ("macro_regions", "actors"):
                    wanted = [v.lower() for v in wanted]
                out.append((name, frozenset(wanted)))
        return tuple(out)

    @cached_property
    def tags_only(self) -> bool:
        """True when the block sets conditions, all of them over tags."""
        return bool(self.set_names) and len(self.tag_values) == len(self.set_names)


class Match(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    all: Conditions = Field(default_factory=Conditions)
    any: Conditions = Field(default_factory=Conditions)
    none: Conditions = Field(default_factory=Conditions)


class Escalation(BaseModel):
    """Raise the alert's severity to ``to`` when the article is severe enough, the alert has
    folded in enough articles, or enough distinct outlets report the story (several given: all
    must hold). Severity never goes down."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    to: AlertSeverity
    min_article_severity: float | None = Field(default=None, ge=0.0, le=1.0)
    min_articles: int | None = Field(default=None, ge=2)
    min_sources: int | None = Field(default=None, ge=2)

    @model_validator(mode="after")
    def _has_trigger(self) -> Escalation:
        if (self.min_article_severity is None and self.min_articles is None
                and self.min_sources is None):
            raise ValueError("an escalation needs min_article_severity, min_articles or "
                             "min_sources")
        return self


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1)
    description: str = ""
    severity: AlertSeverity
    enabled: bool = True
    match: Match
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0,
                                  description="Ignore tags less confident than this")
    max_age: timedelta = Field(default=DEFAULT_MAX_AGE, description="An article published "
                               "longer ago raises no new alert (it is still tagged and counted)")
    quiet_period: timedelta = Field(default=DEFAULT_QUIET_PERIOD, description="An open alert "
                                    "whose story has no new article for this long resolves")
    escalate: list[Escalation] = Field(default_factory=list)

    @field_validator("max_age", "quiet_period", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> timedelta:
        return parse_duration(value)

    @field_validator("max_age", "quiet_period")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be longer than zero, e.g. '72h'")
        return value

    @model_validator(mode="after")
    def _matches_something(self) -> Rule:
        if not self.match.all.set_names and not self.match.any.set_names:
            raise ValueError("match needs at least one condition under 'all' or 'any'; "
                             "a rule that matches every article is almost always a mistake")
        return self


@dataclass(frozen=True, slots=True)
class RuleSet:
    """What a rules file holds: enabled and disabled rules, and the routes notifications take."""

    rules: tuple[Rule, ...]
    routes: tuple[RouteConfig, ...] = ()

    @property
    def enabled(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled)


def _loc(loc: Sequence[int | str]) -> str:
    return ".".join(str(p) for p in loc) or "(rule)"


def _explain(error: ValidationError, whole: str = "(rule)") -> str:
    parts = []
    for e in error.errors():
        where = f"field '{_loc(e['loc'])}'" if e["loc"] else whole
        parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)


def parse_rules(data: Any, source: str = "<rules>",
                environ: Mapping[str, str] | None = None) -> RuleSet:
    """Validate already-loaded YAML (a mapping with ``rules:`` and ``routes:``). Each route's
    URL must be in ``environ`` (default: the process environment) or its secrets file."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RulesError(f"{source}: expected a mapping with 'rules:' at the top level")
    if "notifications" in data:
        raise RulesError(f"{source}: 'notifications:' was replaced by 'routes:' (apprise URLs "
                         "read from the environment or a secrets file); see the header of "
                         "sinks/alerts/rules.yaml")
    unknown = set(data) - {"rules", "routes"}
    if unknown:
        raise RulesError(f"{source}: unknown top-level key(s) {sorted(unknown)}; "
                         "expected 'rules' and 'routes'")
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        raise RulesError(f"{source}: 'rules' must be a list")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        label = f"rule #{index + 1}"
        if isinstance(raw, dict) and raw.get("id"):
            label += f" '{raw['id']}'"
        if not isinstance(raw, dict):
            raise RulesError(f"{source}: {label}: expected a mapping, got {type(raw).__name__}")
        try:
            rule = Rule.model_validate(raw)
        except ValidationError as exc:
            raise RulesError(f"{source}: {label}: {_explain(exc)}") from None
        if rule.id in seen:
            raise RulesError(f"{source}: {label}: field 'id': duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        rules.append(rule)
    return RuleSet(tuple(rules),
                   _parse_routes(data.get("routes") or [], source, environ, seen))


def _parse_routes(raw_routes: Any, source: str, environ: Mapping[str, str] | None,
                  rule_ids: set[str]) -> tuple[RouteConfig, ...]:
    if not isinstance(raw_routes, list):
        raise RulesError(f"{source}: 'routes' must be a list")
    routes: list[RouteConfig] = []
    for index, raw in enumerate(raw_routes):
        label = f"route #{index + 1}"
        if isinstance(raw, dict) and raw.get("name"):
            label += f" '{raw['name']}'"
        if not isinstance(raw, dict):
            raise RulesError(f"{source}: {label}: expected a mapping, got {type(raw).__name__}")
        try:
            route = RouteConfig.model_validate(raw)
        except ValidationError as exc:
            raise RulesError(f"{source}: {label}: {_explain(exc, '(route)')}") from None
        if any(r.name == route.name for r in routes):
            raise RulesError(f"{source}: {label}: field 'name': duplicate route name "
                             f"{route.name!r}")
        unknown = [r for r in route.rules if r not in rule_ids]
        if unknown:
            raise RulesError(f"{source}: {label}: field 'rules': no rule with id(s) {unknown} "
                             "in this file")
        try:
            check_url(route, resolve_url(route, environ))
        except RouteError as exc:
            raise RulesError(f"{source}: {exc}") from None
        routes.append(route)
    return tuple(routes)


def load_rules(path: Path, environ: Mapping[str, str] | None = None) -> RuleSet:
    """Read and validate a rules file; raises RulesError with a readable message."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: cannot read rules file: {exc}") from exc
    try:
        data = yaml_files.load(text)
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not valid YAML: {exc}") from exc
    return parse_rules(data, str(path), environ)
