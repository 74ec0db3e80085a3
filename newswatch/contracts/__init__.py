"""Record contracts: one pydantic v2 model per topic. These models are the public API.

Every record is UTF-8 JSON, carries ``schema_version``, and is keyed by article id
(alerts by alert id, stories by story id). A change that breaks a schema bumps that model's version.
"""

from newswatch.contracts.alert import Alert, AlertChange, AlertSeverity, AlertState
from newswatch.contracts.dead_letter import DeadLetter
from newswatch.contracts.evidence import Span
from newswatch.contracts.raw import RawArticle
from newswatch.contracts.story import Story, StoryArticle
from newswatch.contracts.tagged import (
    ActorTag,
    Admin1Tag,
    CountryTag,
    EventTag,
    PersonTag,
    PlaceTag,
    Regions,
    TaggedArticle,
    WatchlistHit,
)

__all__ = [
    "ActorTag",
    "Admin1Tag",
    "Alert",
    "AlertChange",
    "AlertSeverity",
    "AlertState",
    "CountryTag",
    "DeadLetter",
    "EventTag",
    "PersonTag",
    "PlaceTag",
    "RawArticle",
    "Regions",
    "Span",
    "Story",
    "StoryArticle",
    "TaggedArticle",
    "WatchlistHit",
]
