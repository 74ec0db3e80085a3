"""The tagged article on ``news.articles.tagged``: the raw article plus regions, actors,
persons and event types, each with the evidence spans that produced it. Key: article ``id``.

Field names are fixed (consumers and tools read them); new fields may be added freely.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from newswatch.contracts.evidence import Span
from newswatch.contracts.raw import RawArticle

TAGGED_SCHEMA_VERSION = 1

ActorType = Literal[
    "government", "military", "police", "armed_group", "igo", "party",
    "media", "ngo", "company", "court", "union", "other",
]
EventType = Literal[
    "attack", "bombing", "airstrike", "armed_clash", "protest", "negotiation", "arrest",
    "kidnapping", "natural_disaster", "fire", "accident", "election", "legal", "economic",
    "diplomatic", "humanitarian", "health", "sports", "other",
]
Confidence = Field(default=1.0, ge=0.0, le=1.0)


class _Tag(BaseModel):
    model_config = ConfigDict(extra="ignore")

    confidence: float = Confidence
    evidence: list[Span] = Field(default_factory=list)


class CountryTag(_Tag):
    code: str = Field(description="ISO 3166-1 alpha-2")
    name: str


class Admin1Tag(_Tag):
    code: str = Field(description="ISO 3166-2, e.g. PK-KP")
    name: str
    country: str


class PlaceTag(_Tag):
    name: str
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    admin1: str | None = Field(default=None, description="ISO 3166-2 code when known")
    kind: str | None = Field(default=None, description="city, region, landmark, country...")


class Regions(BaseModel):
    countries: list[CountryTag] = Field(default_factory=list)
    admin1: list[Admin1Tag] = Field(default_factory=list)
    places: list[PlaceTag] = Field(default_factory=list)
    macro_regions: list[str] = Field(default_factory=list, description="UN M49 sub-regions")
    primary_country: str | None = Field(default=None, description="What the story is about")


class ActorTag(_Tag):
    id: str
    name: str
    type: ActorType
    country: str | None = None
    cameo: str | None = Field(default=None, description="CAMEO-like code: GOV, MIL, REB, IGO...")
    source: Literal["dictionary", "composed", "pattern", "watchlist"] = Field(
        default="dictionary",
        description="dictionary: the actor list; composed: a state body bound to a country "
                    "from context; pattern: an organisation found by the shape of its name "
                    "(head word, defined acronym), no list knows it; watchlist: the user's")


class PersonTag(_Tag):
    name: str
    role: str | None = None
    country: str | None = None
    aliases: list[str] = Field(default_factory=list, description="Other surface forms used")


class EventTag(_Tag):
    type: EventType


class WatchlistHit(_Tag):
    watchlist: str
    term: str


class TaggedArticle(RawArticle):
    schema_version: Literal[1] = TAGGED_SCHEMA_VERSION  # type: ignore[assignment]
    regions: Regions = Field(default_factory=Regions)
    actors: list[ActorTag] = Field(default_factory=list)
    persons: list[PersonTag] = Field(default_factory=list)
    event_types: list[EventTag] = Field(default_factory=list)
    watchlist_hits: list[WatchlistHit] = Field(default_factory=list)
    severity: float = Field(default=0.0, ge=0.0, le=1.0, description="0 = routine, 1 = most severe")
    tagger_version: str = Field(default="", description="Tagger code + data version")
    story_id: str | None = Field(
        default=None, description="The story (news.stories) the article belongs to. Stories are "
        "assigned downstream of tagging (in the alert role), so records on news.articles.tagged "
        "carry null; `newswatch stories` fills it in, and each Story lists its articles")
