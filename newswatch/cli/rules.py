"""``newswatch rules check FILE...`` and ``newswatch rules test FILE < articles.jsonl``.

``check``: every problem of each rules file on one line (file, line, rule, field); exit 1 if
any. ``test``: which rules fire on the given articles and why, with the evidence, without a
broker or a store: articles (raw ``{"id","title","text",...}`` lines, which are tagged first,
or tagged-article lines) go through the same story stage and rule engine as the alert role,
in memory and in the order given.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError
from pydantic_core import from_json

from newswatch.contracts import RawArticle, TaggedArticle
from newswatch.settings import ConfigError, Settings

__all__ = ["add_parser"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("rules", help="check a rules file, or test it on articles")
    commands = parser.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    check = commands.add_parser("check", help="list every problem of rules files, one a line")
    check.add_argument("files", nargs="+", type=Path)
    check.set_defaults(func=run_check)
    test = commands.add_parser("test", help="which rules fire on JSON-lines articles (stdin "
                               "or files) and why")
    test.add_argument("rules_file", type=Path)
    test.add_argument("articles", nargs="*", type=Path, help="JSON-lines files (default: stdin)")
    test.add_argument("--json", action="store_true", help="one JSON line per firing rule")
    test.set_defaults(func=run_test)


def run_check(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.sinks.alerts.rules_check import problems

    bad = 0
    for path in args.files:
        found = problems(path)
        for line in found:
            print(line)
        if found:
            bad += 1
        else:
            print(f"{path}: ok", file=sys.stderr)
    return 1 if bad else 0


def _lines(files: list[Path]) -> Iterator[tuple[str, str]]:
    if not files:
        for number, line in enumerate(sys.stdin, 1):
            yield f"<stdin>:{number}", line
        return
    for path in files:
        try:
            with path.open(encoding="utf-8-sig", errors="strict") as stream:
                for number, line in enumerate(stream, 1):
                    yield f"{path}:{number}", line
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None


def _articles(files: list[Path], err: TextIO) -> Iterator[TaggedArticle]:
    tagger = None
    for where, line in _lines(files):
        if not line.strip():
            continue
        try:
            data = from_json(line)  # bounded nesting (json.loads raised RecursionError)
            if isinstance(data, dict) and "regions" in data:
                yield TaggedArticle.model_validate(data)
                continue
            raw = RawArticle.model_validate(data)
        except (ValueError, ValidationError) as exc:
            print(f"newswatch rules test: {where}: skipped: {str(exc).splitlines()[0]}",
                  file=err)
            continue
        if tagger is None:
            from newswatch.processors.tagging import Tagger

            tagger = Tagger()
        yield tagger.tag(raw)


def run_test(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.sinks.alerts.engine import MemoryLookup, evaluate
    from newswatch.sinks.alerts.matching import match_rule
    from newswatch.sinks.alerts.rules import RulesError
    from newswatch.sinks.alerts.rules_check import load_checked_rules
    from newswatch.sinks.stories.assign import assign
    from newswatch.sinks.stories.index import MemoryStoryIndex

    try:
        ruleset = load_checked_rules(args.rules_file)
    except RulesError as exc:
        raise ConfigError(str(exc)) from None
    index, lookup = MemoryStoryIndex(), MemoryLookup()
    now = datetime.now(UTC)
    fired = 0
    for article in _articles(args.articles, sys.stderr):
        change = assign(article, index, now, settings.alerts.story_config())
        decisions = evaluate(ruleset, article, change.state.story, now, lookup)
        lookup.apply(decisions)
        if not args.json:
            print(f"{article.id}  {' '.join(article.title.split()) or '(no title)'}")
            if not decisions:
                print("    no rule fires")
        for d in decisions:
            fired += 1
            match = match_rule(d.rule, article)
            reasons = "; ".join(f"{h.condition} {', '.join(h.values)}"
                                for h in (match.hits if match else ()))
            if args.json:
                print(json.dumps({"article_id": article.id, "rule_id": d.rule.id,
                                  "decision": d.kind, "story_id": change.state.story.id,
                                  "alert": d.alert.model_dump(mode="json") if d.alert else None,
                                  "why": reasons}, ensure_ascii=False))
                continue
            what = {"new": "new alert", "update": "updates its alert",
                    "duplicate": "already handled", "stale": "no alert: older than max_age"
                    }[d.kind]
            severity = d.alert.severity if d.alert else d.rule.severity
            print(f"    fires {d.rule.id} ({severity}): {what} — {reasons}")
            for span in (match.evidence if match else ())[:6]:
                print(f"        evidence {span.field}[{span.start}:{span.end}] “{span.text}”")
    if not args.json:
        print(f"{fired} rule firing(s)", file=sys.stderr)
    return 0
