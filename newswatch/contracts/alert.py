"""The alert on ``news.alerts``: a rule matched a tagged article. Key: ``dedup_key``.

The same story (or the same rule and dedup fields within the cooldown) yields one alert;
``occurrences`` counts the articles folded into it. ``status`` leaves room for the alert
lifecycle (acknowledge, resolve) that later versions add.
"""

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from newswatch.contracts.evidence import Span

ALERT_SCHEMA_VERSION = 1

AlertSeverity = Literal["info", "low", "medium", "high", "critical"]


class Alert(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="Stable id: hash of rule id + dedup key + first article id")
    schema_version: Literal[1] = ALERT_SCHEMA_VERSION
    rule_id: str
    rule_name: str
    severity: AlertSeverity
    status: Literal["open"] = "open"
    dedup_key: str
    article_id: str
    title: str
    url: str | None = None
    summary: str = Field(default="", description="Why it fired, in one line")
    countries: list[str] = Field(default_factory=list)
    primary_country: str | None = None
    actors: list[str] = Field(default_factory=list)
    event_types: list[str] = Field(default_factory=list)
    evidence: list[Span] = Field(default_factory=list)
    published_at: AwareDatetime | None = None
    raised_at: AwareDatetime
    occurrences: int = Field(default=1, ge=1)
