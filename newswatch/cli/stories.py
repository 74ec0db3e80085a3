"""``newswatch stories``: offline story assignment, the streaming stage's decision on a file.

Reads JSON lines from stdin or the files given: tagged articles (records with ``regions``, as
``newswatch tag`` writes them) are used as they are; raw ones (``{"id", "title", "text",
"published_at", "source"}``, or any raw-article fields) are tagged first. The articles are
sorted by publication time (undated ones last, in input order) and placed with the same
``assign`` the alert role runs, over an in-memory index. One line per article goes to stdout:
the tagged article with ``story_id`` set, or with ``--brief`` only ``{"id", "story_id",
"title"}``. The replay's clock is the latest publication time seen so far, so stories expire
as they would have on the stream. A bad line is reported on stderr with its place and skipped;
the exit code is then 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pydantic import ValidationError
from pydantic_core import from_json

from newswatch.cli.tag import _describe
from newswatch.contracts import RawArticle, TaggedArticle
from newswatch.settings import Settings

if TYPE_CHECKING:
    from newswatch.sinks.stories.config import StoryConfig

# how often (in articles) the replay forgets quiet stories, as the alert role does on a timer
_EXPIRE_EVERY = 500


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stories", help="group JSON-lines articles into stories, offline (no broker)")
    parser.add_argument("files", nargs="*", type=Path,
                        help="JSON-lines files of raw or tagged articles (default: stdin)")
    parser.add_argument("--brief", action="store_true",
                        help='write only {"id", "story_id", "title"} per article')
    parser.add_argument("--watchlist", type=Path, default=None,
                        help="watchlist YAML for tagging raw articles "
                             "(default: NEWSWATCH_WATCHLIST_FILE)")
    parser.set_defaults(func=run)


def parse_record(line: str) -> RawArticle | TaggedArticle:
    """One input line: a tagged article when it carries tags, else a raw one. A raw line's
    ``source`` (the offline format's outlet name) becomes its ``feed_title``."""
    data = from_json(line)  # pydantic's parser: bounded nesting, ValueError like bad JSON
    if not isinstance(data, dict):
        raise TypeError("a line must be a JSON object")
    if "regions" in data:
        return TaggedArticle.model_validate(data)
    if data.get("source") and not data.get("feed_title"):
        data["feed_title"] = str(data["source"])
    return RawArticle.model_validate(data)


def _read(name: str, stream: TextIO) -> Iterator[tuple[str, RawArticle | TaggedArticle | Exception]]:
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            yield f"{name}:{number}", parse_record(line)
        except (ValidationError, ValueError, TypeError) as exc:
            yield f"{name}:{number}", exc


def _inputs(files: list[Path]) -> Iterator[tuple[str, RawArticle | TaggedArticle | Exception]]:
    if not files:
        yield from _read("<stdin>", sys.stdin)
        return
    for path in files:
        try:
            with path.open(encoding="utf-8") as stream:
                yield from _read(str(path), stream)
        except (OSError, UnicodeDecodeError) as exc:
            yield str(path), exc


def in_time_order(articles: list[TaggedArticle]) -> list[TaggedArticle]:
    """Dated articles by publication time, then the undated ones; stable for equal times."""
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(articles, key=lambda a: (a.published_at is None, a.published_at or far))


def place_all(articles: list[TaggedArticle],
              config: StoryConfig | None = None) -> list[TaggedArticle]:
    """``assign`` over the articles in time order with a memory index: each with ``story_id``."""
    from newswatch.sinks.stories.assign import assign, expire_quiet
    from newswatch.sinks.stories.config import StoryConfig
    from newswatch.sinks.stories.index import MemoryStoryIndex

    config = config or StoryConfig()
    index = MemoryStoryIndex()
    clock: datetime | None = None
    placed: list[TaggedArticle] = []
    for n, article in enumerate(in_time_order(articles), 1):
        if article.published_at is not None and (clock is None or article.published_at > clock):
            clock = article.published_at
        now = clock or datetime.now(UTC)
        change = assign(article, index, now, config)
        placed.append(article.model_copy(update={"story_id": change.state.story.id}))
        if n % _EXPIRE_EVERY == 0:
            expire_quiet(index, now, config)
    return placed


def run(args: argparse.Namespace, settings: Settings) -> int:
    tagger = None
    articles: list[TaggedArticle] = []
    failed = 0
    for where, item in _inputs(args.files):
        if isinstance(item, Exception):
            failed += 1
            print(f"newswatch stories: {where}: skipped: {_describe(item)}", file=sys.stderr)
            continue
        if not isinstance(item, TaggedArticle):
            if tagger is None:
                from newswatch.processors.tagging import Tagger

                tagger = Tagger(watchlist_path=args.watchlist or settings.watchlist_file)
            item = tagger.tag(item)
        articles.append(item)
    out = sys.stdout
    for article in place_all(articles):
        if args.brief:
            out.write(json.dumps({"id": article.id, "story_id": article.story_id,
                                  "title": article.title}, ensure_ascii=False))
        else:
            out.write(article.model_dump_json())
        out.write("\n")
    out.flush()
    return 1 if failed else 0
