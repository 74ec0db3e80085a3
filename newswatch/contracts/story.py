"""The story on ``news.stories``: one real-world event as many outlets report it. Key: ``id``.

A story is opened by the first article that matches no open story and grows as articles of
the same event arrive from other outlets or as updates. Every change is published again with a
higher ``version``: the latest record per key is the story's state, so the topic can be
compacted and read as a table.
"""

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

STORY_SCHEMA_VERSION = 1


class StoryArticle(BaseModel):
    """One article of the story, as much as a reader needs to find it."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="Article id, the key on news.articles.tagged")
    title: str = ""
    url: str | None = None
    source: str = Field(description="The outlet: feed title, else feed id, else the URL's host")
    published_at: AwareDatetime | None = None
    joined_at: AwareDatetime = Field(description="When the story stage placed it")
    similarity: float = Field(default=1.0, ge=0.0, le=1.0,
                              description="How closely it matched the story (1 for the first)")


class Story(BaseModel):
    """One event across outlets. Key: ``id``; the latest ``version`` per key is the state."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="Stable: derived from the story's first article id")
    schema_version: Literal[1] = STORY_SCHEMA_VERSION
    version: int = Field(ge=1, description="Increases with every change of the story")
    title: str = Field(description="The title of the story's earliest article")
    lead_article_id: str
    first_seen_at: AwareDatetime = Field(description="Publication time of the earliest article")
    last_seen_at: AwareDatetime = Field(description="Publication time of the latest article")
    updated_at: AwareDatetime = Field(description="When this version was made")
    article_count: int = Field(ge=1)
    articles: list[StoryArticle] = Field(
        default_factory=list, description="The first article and the most recent ones (at most "
        "50); article_count counts them all")
    sources: list[str] = Field(default_factory=list, description="Distinct outlets, first first")
    source_count: int = Field(ge=1)
    primary_country: str | None = None
    countries: dict[str, int] = Field(default_factory=dict,
                                      description="ISO alpha-2 -> articles tagging it")
    admin1: dict[str, int] = Field(default_factory=dict, description="ISO 3166-2 -> articles")
    event_types: dict[str, int] = Field(default_factory=dict, description="type -> articles")
    actors: dict[str, int] = Field(default_factory=dict, description="actor id -> articles")
    persons: dict[str, int] = Field(default_factory=dict, description="name -> articles")
    burst: bool = Field(default=False, description="Many distinct outlets within a short time")
    burst_at: AwareDatetime | None = None
    change: Literal["opened", "article", "burst"] = Field(
        description="What this version changed: opened, an article joined, or it became a burst")
