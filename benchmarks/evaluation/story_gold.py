"""The story gold sets (``benchmarks/gold/stories-*.jsonl``, described in ``STORIES.md``).

Each gold line names a feed file in ``shared/feeds/real`` and an entry key (feedparser's entry
id, else its link); the text is read from the feed at run time with newswatch's own parser, as
ingest would read it, and tagged by the tagger, as the alert role would receive it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from newswatch.ingest.parse import parse_feed

from benchmarks.evaluation.paths import GOLD_DIR
from newswatch.contracts import RawArticle

# a fixed fetch time: parse_feed stamps undated entries with it, and we mark those undated
_FETCHED_AT = datetime(2030, 1, 1, tzinfo=UTC)


@dataclass
class StoryItem:
    article: RawArticle
    story: str  # the gold label
    feed: str


@dataclass
class StoryGold:
    items: list[StoryItem] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _articles_by_key(path: Path) -> dict[str, RawArticle]:
    parsed = parse_feed(path.read_bytes(), feed_id=path.stem, feed_url=f"file://{path}",
                        fetched_at=_FETCHED_AT)
    by_key: dict[str, RawArticle] = {}
    for article in parsed.articles:
        if article.published_at_source == "fetched_at":
            article = article.model_copy(update={"published_at": None})
        for key in (article.url, article.guid):
            if key:
                by_key.setdefault(key, article)
    return by_key


def load_story_gold(name: str, shared: Path) -> StoryGold:
    """``name`` is ``dev`` or ``heldout``."""
    out = StoryGold()
    feeds: dict[str, dict[str, RawArticle]] = {}
    path = GOLD_DIR / f"stories-{name}.jsonl"
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        gold = json.loads(line)
        feed = gold["feed"]
        if feed not in feeds:
            fp = shared / "feeds" / "real" / feed
            feeds[feed] = _articles_by_key(fp) if fp.exists() else {}
        article = feeds[feed].get(gold["key"])
        if article is None:
            out.missing.append(f"{path.name}:{n}: {feed} has no entry {gold['key']}")
            continue
        # one article per gold line, even where a feed repeats an entry under one id
        out.items.append(StoryItem(article.model_copy(update={"id": f"{feed}#{n}"}),
                                   gold["story"], feed))
    return out
