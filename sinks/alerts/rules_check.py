"""``newswatch rules check``: every problem of a rules file, one line each, with its line.

Beyond the schema (``rules.parse_rules``), the values a rule names must exist: ISO country and
division codes, the tagger's actor ids (or names), macro-regions. A rule naming ``Sudan``
instead of ``SD``, or ``XX``, would otherwise never match and nobody would know.

``problems(path)`` returns ``file:line: rule 'id': field 'x.y': message`` strings; the alert
role refuses a file with any (``load_checked_rules``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
import yaml
from newswatch.sinks.alerts.rules import Rule, RulesError, RuleSet, parse_rules
from pydantic import ValidationError

from newswatch import yaml_files
from newswatch.settings import package_path

__all__ = ["load_checked_rules", "problems"]

_TOP = ("rules", "routes", "notifications")


@cache
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}  # Kosovo, user-assigned


@cache
def _divisions() -> frozenset[str]:
    return frozenset(s.code for s in pycountry.subdivisions)


@cache
def _actor_vocabulary() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Actor ids, lower-case names and aliases, and the composed-body suffixes."""
    data_dir = package_path("newswatch.processors", "tagging", "data")
    actors = yaml_files.load((data_dir / "actors.yaml").read_text("utf-8"))["actors"]
    bodies = yaml_files.load((data_dir / "bodies.yaml").read_text("utf-8"))["bodies"]
    ids = frozenset(a["id"].lower() for a in actors)
    names = frozenset(n.lower() for a in actors for n in [a["name"], *a.get("aliases", []),
                                                          *a.get("acronyms", [])])
    return ids, names, frozenset(b["suffix"].upper() for b in bodies)


@cache
def _macro_regions() -> frozenset[str]:
    """UN M49 sub-regions and intermediate regions, as the tagger's country table has them."""
    table = package_path("newswatch.processors", "tagging", "data", "countries_base.tsv")
    found: set[str] = set()
    for line in table.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            found |= {v.strip().lower() for v in line.split("\t")[4:6] if v.strip()}
    return frozenset(found)


def _lines(node: yaml.Node, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], int]]:
    """(path, 1-based line) for every node of a composed YAML document."""
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield (*path, key.value), key.start_mark.line + 1
            yield from _lines(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _lines(item, (*path, index))


def _line_of(lines: dict[tuple[Any, ...], int], path: tuple[Any, ...]) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def _listed(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _value_problems(raw: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Names a rule uses that do not exist, read from the rule as written (so they are found
    even when the rule has other errors)."""
    ids, names, suffixes = _actor_vocabulary()
    match = raw.get("match")
    if not isinstance(match, dict):
        return
    for block in ("all", "any", "none"):
        cond = match.get(block)
        if not isinstance(cond, dict):
            continue
        for field in ("countries", "primary_countries"):
            for i, code in enumerate(_listed(cond.get(field, []))):
                if code.strip().upper() not in _countries():
                    yield (("match", block, field, i),
                           (f"unknown country code {code.strip().upper()!r} (ISO 3166-1 "
                           "alpha-2, e.g. 'SD' for Sudan)"))
        for i, code in enumerate(_listed(cond.get("admin1", []))):
            if code.strip().upper() not in _divisions():
                yield (("match", block, "admin1", i),
                       (f"unknown division code {code.strip().upper()!r} (ISO 3166-2, e.g. "
                       "'PK-KP')"))
        for i, actor in enumerate(_listed(cond.get("actors", []))):
            key = actor.lower()
            country, _, suffix = actor.upper().partition("-")
            composed = country in _countries() and suffix in suffixes
            if key not in ids and key not in names and not composed:
                yield (("match", block, "actors", i),
                       (f"unknown actor {actor!r}: use an actor id of the tagger's dictionary "
                       "(e.g. 'ttp'), a country body id ('PK-GOV'), or an actor's name"))
        for i, region in enumerate(_listed(cond.get("macro_regions", []))):
            if region.lower() not in _macro_regions():
                yield (("match", block, "macro_regions", i),
                       (f"unknown macro-region {region!r} (UN M49 sub-region, e.g. 'Southern "
                       "Asia')"))


def problems(path: Path, text: str | None = None) -> list[str]:
    """Every problem of the rules file at ``path``, one line each; [] when it is good."""
    where = str(path)
    try:
        text = Path(path).read_text("utf-8") if text is None else text
    except OSError as exc:
        return [f"{where}: cannot read rules file: {exc}"]
    try:
        node = yaml_files.compose(text)
        data = yaml_files.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [f"{where}{line}: not valid YAML: {problem}"]
    lines = dict(_lines(node)) if node is not None else {}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return [f"{where}:1: expected a mapping with 'rules:' at the top level"]
    found: list[str] = []
    for key in data:
        if key not in _TOP:
            found.append(f"{where}:{_line_of(lines, (key,))}: unknown top-level key {key!r}; "
                         f"expected one of {', '.join(_TOP)}")
    rules = data.get("rules") or []
    if not isinstance(rules, list):
        return [*found, f"{where}:{_line_of(lines, ('rules',))}: 'rules' must be a list"]
    seen: set[str] = set()
    for index, raw in enumerate(rules):
        base = ("rules", index)
        label = f"rule #{index + 1}"
        if isinstance(raw, dict) and raw.get("id"):
            label = f"rule '{raw['id']}'"
        if not isinstance(raw, dict):
            found.append(f"{where}:{_line_of(lines, base)}: {label}: expected a mapping")
            continue
        here: list[tuple[int, str]] = []
        for loc, message in _value_problems(raw):
            field = ".".join(str(p) for p in loc)
            here.append((_line_of(lines, (*base, *loc)),
                         f"{label}: field '{field}': {message}"))
        try:
            rule = Rule.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                field = ".".join(str(p) for p in loc) or "(rule)"
                here.append((_line_of(lines, (*base, *loc)),
                             f"{label}: field '{field}': {error['msg']}"))
        else:
            if rule.id in seen:
                here.append((_line_of(lines, (*base, "id")),
                             f"{label}: field 'id': duplicate rule id {rule.id!r}"))
            seen.add(rule.id)
        found += [f"{where}:{line}: {text}" for line, text in sorted(here, key=lambda h: h[0])]
    if not found:
        try:
            parse_rules(data, where)
        except RulesError as exc:  # the parts of the file beyond the rules (routes)
            found.append(str(exc))
    return found


def load_checked_rules(path: Path) -> RuleSet:
    """The rules of ``path`` when it has no problem; RulesError listing them otherwise."""
    found = problems(path)
    if found:
        more = f" (and {len(found) - 1} more: `newswatch rules check {path}`)" if len(
            found) > 1 else ""
        raise RulesError(found[0] + more)
    return parse_rules(yaml_files.load(Path(path).read_text("utf-8")), str(path))
