"""The alert on ``news.alerts``: a rule matched a story. Key: ``id``.

An alert is one rule applied to one story (``id`` is derived from both), so twelve outlets
reporting one airstrike make one alert that grows, not twelve. Every change of the alert (an
article joined the story, the severity rose, an operator acknowledged or resolved it, a
silence covers it) is published again with ``version`` one higher: the latest record per key is
the alert's current state, and the topic may be compacted.

Lifecycle (``state``): ``new`` when raised; ``updated`` when more articles join; an operator
moves it to ``acknowledged`` (further articles keep it acknowledged) or ``resolved``; it is
resolved automatically after a quiet period; an article joining a resolved alert's story
re-opens it as ``updated`` (``change`` = ``reopened``).
"""

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from newswatch.contracts.evidence import Span

ALERT_SCHEMA_VERSION = 2

AlertSeverity = Literal["info", "low", "medium", "high", "critical"]
AlertState = Literal["new", "updated", "acknowledged", "resolved"]
AlertChange = Literal[
    "raised",  # the first version
    "article",  # another article of the story matched
    "escalated",  # severity rose
    "burst",  # the story became a burst (many outlets in a short time)
    "reopened",  # an article joined a resolved alert's story
    "acknowledged",
    "resolved",  # by an operator
    "auto_resolved",  # no article for the rule's quiet period
    "silenced",  # a silence now covers it
    "unsilenced",
]


class Alert(BaseModel):
    """One rule on one story. Key: ``id``; the latest ``version`` per key is the state."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="Stable: hash of rule id + story id")
    schema_version: Literal[2] = ALERT_SCHEMA_VERSION
    version: int = Field(default=1, ge=1, description="One higher with every change")
    change: AlertChange = Field(default="raised", description="What this version changed")
    state: AlertState = "new"
    rule_id: str
    rule_name: str
    severity: AlertSeverity
    story_id: str
    title: str = Field(description="The story's title (its earliest article)")
    url: str | None = Field(default=None, description="Link to the story's first article")
    summary: str = Field(default="", description="Why the rule fired, in one line")
    article_id: str = Field(description="The first article that made the rule fire")
    latest_article_id: str = Field(description="The latest article folded into the alert")
    article_count: int = Field(default=1, ge=1, description="Articles of the story that matched")
    source_count: int = Field(default=1, ge=1, description="Distinct outlets among them")
    sources: list[str] = Field(default_factory=list, description="Those outlets (at most 20)")
    countries: list[str] = Field(default_factory=list)
    primary_country: str | None = None
    admin1: list[str] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list)
    event_types: list[str] = Field(default_factory=list)
    evidence: list[Span] = Field(default_factory=list)
    published_at: AwareDatetime | None = Field(
        default=None, description="Publication time of the first matching article")
    first_seen_at: AwareDatetime = Field(description="Event time of the first matching article")
    last_seen_at: AwareDatetime = Field(description="Event time of the latest matching article")
    raised_at: AwareDatetime = Field(description="When the alert was raised")
    updated_at: AwareDatetime = Field(description="When this version was made")
    burst: bool = False
    silenced_by: list[str] = Field(default_factory=list, description="Ids of silences in force")
    acknowledged_by: str | None = None
    acknowledged_at: AwareDatetime | None = None
    resolved_by: str | None = Field(default=None,
                                    description="Who resolved it; 'newswatch' when auto-resolved")
    resolved_at: AwareDatetime | None = None
    comment: str | None = Field(default=None, description="The last operator's comment")
