"""``newswatch tag``: offline tagging with no broker (also the batch/backfill path).

Reads JSON lines ``{"id", "title", "text"}`` (any raw-article fields are kept) from stdin or the
files given, writes one tagged-article JSON line per input to stdout: the same model, and the
same output, as the ``news.articles.tagged`` topic. A ``.txt`` file is read as one plain-text
article (id = file name). A bad line is reported on stderr with its place and skipped, the rest
is still tagged, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from newswatch.contracts import RawArticle
from newswatch.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tag", help="tag JSON-lines articles from stdin or files, offline (no broker)")
    parser.add_argument("files", nargs="*", type=Path,
                        help="JSON-lines files, or .txt plain-text articles (default: stdin)")
    parser.add_argument("--watchlist", type=Path, default=None,
                        help="watchlist YAML (default: NEWSWATCH_WATCHLIST_FILE)")
    parser.set_defaults(func=run)


def _read_lines(name: str, stream: TextIO) -> Iterator[tuple[str, RawArticle | Exception]]:
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            yield f"{name}:{number}", RawArticle.model_validate_json(line)
        except ValidationError as exc:
            yield f"{name}:{number}", exc


def _read_text(path: Path) -> RawArticle:
    return RawArticle(id=path.stem, text=path.read_text(encoding="utf-8"))


def _inputs(files: list[Path]) -> Iterator[tuple[str, RawArticle | Exception]]:
    if not files:
        yield from _read_lines("<stdin>", sys.stdin)
        return
    for path in files:
        try:
            if path.suffix == ".txt":
                yield str(path), _read_text(path)
                continue
            with path.open(encoding="utf-8") as stream:
                yield from _read_lines(str(path), stream)
        except (OSError, UnicodeDecodeError) as exc:
            yield str(path), exc


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.processors.tagging import Tagger

    tagger = Tagger(watchlist_path=args.watchlist or settings.watchlist_file,
                    max_chars=settings.tag_max_chars)
    progress = sys.stderr.isatty()
    started = time.monotonic()
    done = failed = 0
    out = sys.stdout
    for where, item in _inputs(args.files):
        if isinstance(item, Exception):
            failed += 1
            print(f"newswatch tag: {where}: skipped: {_describe(item)}", file=sys.stderr)
            continue
        out.write(tagger.tag(item).model_dump_json())
        out.write("\n")
        done += 1
        if progress and done % 100 == 0:
            rate = done / max(time.monotonic() - started, 1e-9)
            print(f"\rtagged {done} ({rate:,.0f}/s), {failed} skipped", end="", file=sys.stderr)
    out.flush()
    if progress:
        print(f"\rtagged {done}, {failed} skipped" + " " * 20, file=sys.stderr)
    return 1 if failed else 0


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "line"
        return f"{where}: {first['msg']} ({error.error_count()} error(s))"
    return f"{type(error).__name__}: {error}"
