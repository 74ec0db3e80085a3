"""The raw article: one record per new (or updated) feed entry on ``news.articles.raw``."""

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

RAW_SCHEMA_VERSION = 1


class RawArticle(BaseModel):
    """A normalised feed entry. Key: ``id``.

    ``id`` is a stable hash of the canonical article URL (tracking parameters removed),
    falling back to feed id + entry guid, so the same story polled twice has the same key.
    ``title`` and ``text`` are clean text (no HTML); ``url`` keeps the link to the full article.
    """

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=128)
    schema_version: Literal[1] = RAW_SCHEMA_VERSION
    title: str = ""
    text: str = ""
    url: str | None = None
    canonical_url: str | None = None
    guid: str | None = None
    feed_id: str | None = None
    feed_url: str | None = None
    feed_title: str | None = None
    language: str | None = None
    authors: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    published_at: AwareDatetime | None = None
    published_at_source: Literal["feed", "fetched_at"] | None = Field(
        default=None, description="Where published_at came from: the feed, or the fetch time "
        "because the feed's date was missing or absurd."
    )
    fetched_at: AwareDatetime | None = None
    content_hash: str | None = Field(default=None, description="Hash of title+text; changes when the story is edited.")
    is_update: bool = Field(default=False, description="True when this id was published before with other content.")
    parse_warnings: list[str] = Field(default_factory=list, description="e.g. the feed was malformed XML that could still be read.")

