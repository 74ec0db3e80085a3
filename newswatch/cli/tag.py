"""``newswatch tag``: offline tagging with no broker (also the batch/backfill path).

Reads JSON lines ``{"id", "title", "text"}`` (any raw-article fields are kept) from stdin or the
files given, writes one tagged-article JSON line per input to stdout: the same model, and the
same output, as the ``news.articles.tagged`` topic. A ``.txt`` file is read as one plain-text
article (id = file name). Files and stdin are read the same way, as bytes, line by line: a
line that is not UTF-8 or not a valid article is reported on stderr with its place and reason
and skipped, the rest is still tagged, and the exit code is 1; so it is when the input holds
no article at all. A UTF-8 byte order mark opening
the input is dropped. ``--format summary`` writes a readable block per article instead;
``--no-text`` leaves the article's text out of the JSON.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from newswatch.cli.tag_summary import summary
from newswatch.contracts import RawArticle, TaggedArticle
from newswatch.settings import Settings

EXIT_BAD_INPUT = 1
_BOM = b"\xef\xbb\xbf"
_FLUSH_BYTES = 1 << 20  # output is written in blocks of about this size


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tag", help="tag JSON-lines articles from stdin or files, offline (no broker)")
    parser.add_argument("files", nargs="*", type=Path,
                        help="JSON-lines files, or .txt plain-text articles (default: stdin)")
    parser.add_argument("--watchlist", type=Path, default=None,
                        help="watchlist YAML (default: NEWSWATCH_WATCHLIST_FILE)")
    parser.add_argument("--format", choices=("json", "summary"), default="json",
                        help="json: one tagged-article JSON line each (default); summary: a "
                             "readable block per article, with evidence snippets")
    parser.add_argument("--no-text", action="store_true",
                        help="leave the article text out of the JSON (the tags' evidence "
                             "spans still point into it)")
    parser.set_defaults(func=run)


class BadInput(ValueError):
    """A line or file that is not an article; the message says why."""


def _decoded(data: bytes, first: bool) -> str:
    if first and data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"not UTF-8: byte 0x{data[exc.start]:02x} at byte {exc.start + 1}"
                       ) from None


def read_lines(name: str, stream: BinaryIO) -> Iterator[tuple[str, RawArticle | Exception]]:
    """(place, article or the reason the line was skipped) for each non-blank line."""
    for number, data in enumerate(stream, 1):
        where = f"{name}:{number}"
        try:
            line = _decoded(data, number == 1)
        except BadInput as exc:
            yield where, exc
            continue
        if not line.strip():
            continue
        try:
            yield where, RawArticle.model_validate_json(line)
        except ValidationError as exc:
            yield where, exc


def _read_text(path: Path) -> RawArticle:
    return RawArticle(id=path.stem, text=_decoded(path.read_bytes(), True))


def _inputs(files: list[Path]) -> Iterator[tuple[str, RawArticle | Exception]]:
    if not files:
        yield from read_lines("<stdin>", sys.stdin.buffer)
        return
    for path in files:
        try:
            if path.suffix == ".txt":
                yield str(path), _read_text(path)
                continue
            with path.open("rb") as stream:
                yield from read_lines(str(path), stream)
        except (OSError, BadInput) as exc:
            yield str(path), exc


def _encoder(fmt: str, no_text: bool):
    """TaggedArticle -> the bytes to write. The JSON is pydantic's own serialiser (what
    ``model_dump_json`` runs), straight to bytes: no str round trip per record."""
    if fmt == "summary":
        return lambda tagged: summary(tagged).encode("utf-8")
    to_json = TaggedArticle.__pydantic_serializer__.to_json
    if no_text:
        exclude = {"text"}
        return lambda tagged: to_json(tagged, exclude=exclude) + b"\n"
    return lambda tagged: to_json(tagged) + b"\n"


def run(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.processors.tagging import Tagger

    tagger = Tagger(watchlist_path=args.watchlist or settings.watchlist_file,
                    max_chars=settings.tag_max_chars)
    encode = _encoder(args.format, args.no_text)
    progress = sys.stderr.isatty()
    started = time.monotonic()
    done = failed = 0
    out = sys.stdout.buffer
    pending: list[bytes] = []
    size = 0
    try:
        for where, item in _inputs(args.files):
            if isinstance(item, Exception):
                failed += 1
                print(f"newswatch tag: {where}: skipped: {_describe(item)}", file=sys.stderr)
                continue
            data = encode(tagger.tag(item))
            pending.append(data)
            size += len(data)
            # stdin may be a live stream: each article goes out as soon as it is tagged
            if size >= _FLUSH_BYTES or not args.files:
                out.write(b"".join(pending))
                if not args.files:
                    out.flush()
                pending, size = [], 0
            done += 1
            if progress and done % 100 == 0:
                rate = done / max(time.monotonic() - started, 1e-9)
                print(f"\rtagged {done} ({rate:,.0f}/s), {failed} skipped", end="",
                      file=sys.stderr)
    finally:  # what was tagged is written, whatever stopped the loop
        out.write(b"".join(pending))
        out.flush()
    if progress:
        print(f"\rtagged {done}, {failed} skipped" + " " * 20, file=sys.stderr)
    if not done and not failed:
        # an empty input is most often an upstream command that failed: never a silent success
        source = ", ".join(map(str, args.files)) or "stdin"
        print(f"newswatch tag: no articles in {source}: nothing tagged", file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_BAD_INPUT if failed else 0


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "line"
        return f"{where}: {first['msg']} ({error.error_count()} error(s))"
    if isinstance(error, BadInput):
        return str(error)
    return f"{type(error).__name__}: {error}"
