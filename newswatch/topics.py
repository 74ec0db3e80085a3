"""Topic names. One prefix (default ``news.``) lets several deployments share a cluster."""

from dataclasses import dataclass

RAW = "articles.raw"
TAGGED = "articles.tagged"
ALERTS = "alerts"
STORIES = "stories"
DLQ = "dlq"


@dataclass(frozen=True, slots=True)
class Topics:
    prefix: str = "news."

    @property
    def raw(self) -> str:
        return self.prefix + RAW

    @property
    def tagged(self) -> str:
        return self.prefix + TAGGED

    @property
    def alerts(self) -> str:
        return self.prefix + ALERTS

    @property
    def stories(self) -> str:
        return self.prefix + STORIES

    @property
    def dlq(self) -> str:
        return self.prefix + DLQ

    def all(self) -> list[str]:
        return [self.raw, self.tagged, self.alerts, self.stories, self.dlq]
