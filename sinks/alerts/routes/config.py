"""A route: where notifications go (an apprise URL kept out of the rules file) and which alerts.

Routes live in the rules file's ``routes:`` section. A route's URL usually embeds a token
(Slack, Teams and Discord webhooks are bearer secrets in their path), and rules files live in
ConfigMaps and git, so a route names only *where to find* its URL: an environment variable
(``url_env``) or a secrets file (``url_file``). A literal ``url:`` is refused with that reason.

``route_wants`` and ``select_routes`` are pure: every filter a route sets must hold, and inside
one filter a list means *any of these*.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import pycountry
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from newswatch.contracts import Alert, AlertSeverity
from newswatch.contracts.tagged import EventType
from newswatch.durations import parse_duration

__all__ = ["MessageFormat", "RetryPolicy", "RouteConfig", "route_wants", "select_routes"]

MessageFormat = Literal["text", "markdown", "slack"]
_SEVERITIES: tuple[str, ...] = get_args(AlertSeverity)
_LITERAL_URL = (
    "a literal 'url' is not allowed in a rules file: route URLs carry tokens, and rules files "
    "sit in ConfigMaps and git in clear. Put the URL in an environment variable and name it "
    "with 'url_env' (e.g. from a Kubernetes Secret), or in a file and name it with 'url_file'")


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _codes(value: Any) -> Any:
    value = _listed(value)
    if isinstance(value, list):
        return [v.strip().upper() if isinstance(v, str) else v for v in value]
    return value


def _duration(value: Any) -> timedelta:
    return parse_duration(value)


Duration = Annotated[timedelta, BeforeValidator(_duration)]
Codes = Annotated[list[str], BeforeValidator(_codes)]
Names = Annotated[list[str], BeforeValidator(_listed)]


class RetryPolicy(BaseModel):
    """Failed sends are retried after ``initial``, then twice as long each time up to ``max``;
    a notification that failed ``max_attempts`` times is given up (and logged once)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_attempts: int = Field(default=8, ge=1, le=100)
    initial: Duration = timedelta(seconds=5)
    max: Duration = timedelta(minutes=10)

    @model_validator(mode="after")
    def _ordered(self) -> RetryPolicy:
        if self.max < self.initial:
            raise ValueError("retry.max must be at least retry.initial")
        return self

    def delay(self, attempts: int) -> timedelta | None:
        """How long to wait after the ``attempts``-th failed attempt (1 = the first), or None
        when that was the last one allowed."""
        if attempts >= self.max_attempts:
            return None
        # Capping the exponent first keeps 2**n finite however many attempts are allowed.
        factor = 2 ** min(attempts - 1, 40)
        return min(self.max, self.initial * factor)


class RouteConfig(BaseModel):
    """One route of the rules file's ``routes:`` section."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$",
                      description="Shown in logs and metrics instead of the URL")
    url_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
                                description="Environment variable holding the apprise URL")
    url_file: Path | None = Field(default=None,
                                  description="File holding the apprise URL (a mounted secret)")
    min_severity: AlertSeverity = "info"
    rules: Names = Field(default_factory=list, description="Rule ids")
    countries: Codes = Field(default_factory=list,
                             description="ISO 3166-1 alpha-2 or ISO 3166-2 codes; an alert's "
                             "primary country, any of its countries, or any of its admin1")
    actors: Names = Field(default_factory=list, description="Actor ids")
    event_types: list[EventType] = Field(default_factory=list)
    format: MessageFormat = "text"
    min_interval: Duration = Field(default=timedelta(seconds=1),
                                   description="At least this long between two messages")
    batch_limit: int = Field(default=10, ge=1, le=100,
                             description="Notifications combined into one message at most")
    batch_window: Duration = Field(default=timedelta(0),
                                   description="Wait this long for more notifications to join "
                                   "the first one's message")
    timeout: Duration = Field(default=timedelta(seconds=15),
                              description="Give up on one send after this long")
    retry: RetryPolicy = Field(default_factory=RetryPolicy)

    @model_validator(mode="before")
    @classmethod
    def _no_literal_url(cls, data: Any) -> Any:
        if isinstance(data, dict) and "url" in data:
            raise ValueError(_LITERAL_URL)
        return data

    @model_validator(mode="after")
    def _one_url_source(self) -> RouteConfig:
        if (self.url_env is None) == (self.url_file is None):
            raise ValueError("a route needs exactly one of 'url_env' (an environment variable "
                             "holding the apprise URL) or 'url_file' (a file holding it)")
        return self

    @field_validator("event_types", mode="before")
    @classmethod
    def _event_list(cls, value: Any) -> Any:
        return _listed(value)

    @field_validator("countries")
    @classmethod
    def _known_codes(cls, codes: list[str]) -> list[str]:
        # An unknown code would make the filter silently match nothing.
        unknown = [c for c in codes if not _known_region(c)]
        if unknown:
            raise ValueError(f"unknown ISO 3166 code(s) {unknown}: use alpha-2 country codes "
                             "(PK) or first-level division codes (PK-KP)")
        return codes

    @property
    def url_source(self) -> str:
        """Where the URL comes from, for messages: never the URL itself."""
        return f"${self.url_env}" if self.url_env else f"file {self.url_file}"


def _known_region(code: str) -> bool:
    if "-" in code:
        return pycountry.subdivisions.get(code=code) is not None
    return len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


def route_wants(route: RouteConfig, alert: Alert) -> bool:
    """Whether ``alert`` passes every filter ``route`` sets."""
    if _SEVERITIES.index(alert.severity) < _SEVERITIES.index(route.min_severity):
        return False
    if route.rules and alert.rule_id not in route.rules:
        return False
    if route.countries:
        places = {*alert.countries, *alert.admin1}
        if alert.primary_country:
            places.add(alert.primary_country)
        if places.isdisjoint(route.countries):
            return False
    if route.actors and set(alert.actors).isdisjoint(route.actors):
        return False
    return not route.event_types or not set(alert.event_types).isdisjoint(route.event_types)


def select_routes(routes: Iterable[RouteConfig],
                  alerts: Sequence[Alert]) -> dict[str, list[Alert]]:
    """For the alerts one article triggered: each route that wants any of them, with the ones
    it wants (in the given order). Routes that want none are left out, so one article makes
    at most one notification per route however many rules it matched."""
    chosen: dict[str, list[Alert]] = {}
    for route in routes:
        wanted = [alert for alert in alerts if route_wants(route, alert)]
        if wanted:
            chosen[route.name] = wanted
    return chosen
