"""The word lists the rules read (``data/word_lists.yaml``), checked when they load.

Why a data file: the words that decide what a name is ("in" before it makes a place, "said"
after it a person) are data a reader should find, review and extend without reading the
rules. Why checked: a list is read as a set of exact strings, so an entry in the wrong case
("The" in a lower-case list), a YAML value that is not text (``no`` and ``on`` unquoted are
booleans) or a misspelt list name would silently match nothing. Loading stops instead,
naming the file and the entry's line, like the vocabulary checks (``vocabulary``).

The lists load once, when this module is first imported: ``WORDS`` is read by the rule
modules at import time, as module-level sets (what the code held before).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from newswatch.processors.tagging.vocabulary import ACTOR_TYPES, VocabularyError, line_of

from newswatch import yaml_files

__all__ = ["PATH", "WORDS", "WordListError", "WordLists", "load"]

PATH = Path(__file__).resolve().parent / "data" / "word_lists.yaml"

# How each plain list's entries are written. LOWER: lower case (compared with lower-cased
# words); CAPITAL: a capital first (compared with words as written); FRAGMENT: lower case,
# read as a substring, so a space around it is kept on purpose ("late ").
_LOWER, _CAPITAL, _FRAGMENT = "lower case", "a capital first", "a lower-case fragment"
_LISTS: dict[str, str] = {
    "locative_words": _LOWER, "place_nouns": _LOWER, "institution_next": _LOWER,
    "not_name_neighbours": _LOWER, "place_prepositions": _LOWER, "not_name_endings": _LOWER,
    "agent_noun_endings": _LOWER, "language_next": _LOWER, "phrase_end": _LOWER,
    "division_next": _LOWER, "seat_target_verbs": _LOWER, "seat_place_of": _LOWER,
    "seat_parts": _LOWER, "seat_local": _LOWER, "seat_acts": _LOWER, "seat_acted_on": _LOWER,
    "seat_will": _LOWER, "not_owners": _CAPITAL, "not_in_office": _FRAGMENT,
    "not_national": _CAPITAL, "honorifics_only": _LOWER, "not_name_starts": _LOWER,
    "name_articles": _LOWER, "months_days": _CAPITAL, "org_not_name_words": _CAPITAL,
    "attributive_endings": _LOWER, "company_nouns": _LOWER, "org_not_tails": _LOWER,
    "attacker_next": _LOWER, "sentence_openers": _CAPITAL, "abbreviation_titles": _CAPITAL,
}
_MAPPINGS = ("org_heads", "org_type_words", "number_words")

# (actor type, CAMEO-like code) of an organisation
OrgKind = tuple[str, str | None]


class WordListError(VocabularyError):
    """An entry of ``word_lists.yaml`` that the rules could not read; the message names the
    file, the line and the list."""


@dataclass(frozen=True, slots=True)
class WordLists:
    """The lists, in file order."""

    lists: dict[str, tuple[str, ...]]
    org_heads: tuple[tuple[tuple[str, ...], OrgKind], ...]  # (head words, their kind)
    org_type_words: dict[str, OrgKind]
    number_words: dict[str, int]

    def word_set(self, name: str) -> frozenset[str]:
        return frozenset(self.lists[name])

    def word_tuple(self, name: str) -> tuple[str, ...]:
        return self.lists[name]


class _Reader:
    """Checks one document's values; each error names the entry's line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text

    def fail(self, where: tuple[str | int, ...], problem: str) -> WordListError:
        return WordListError(f"{self.path.name}:{line_of(self.text, where)}: {where[0]}: "
                             f"{problem}")

    def word(self, value: object, rule: str, where: tuple[str | int, ...]) -> str:
        if not isinstance(value, str):
            raise self.fail(where, f"{value!r} is not text (quote it)")
        if not value.strip():
            raise self.fail(where, "an empty entry")
        if rule != _FRAGMENT and value != value.strip():
            raise self.fail(where, f"{value!r} has spaces around it")
        if rule in (_LOWER, _FRAGMENT) and value != value.lower():
            raise self.fail(where, f"{value!r} is not in lower case")
        if rule == _CAPITAL and not value[0].isupper():
            raise self.fail(where, f"{value!r} does not start with a capital")
        return value

    def words(self, value: object, rule: str, where: tuple[str | int, ...]
              ) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(where, f"must be a non-empty list of words ({rule}), not {value!r}")
        out: list[str] = []
        for i, entry in enumerate(value):
            word = self.word(entry, rule, (*where, i))
            if word in out:
                raise self.fail((*where, i), f"{word!r} is listed twice")
            out.append(word)
        return tuple(out)

    def kind(self, actor_type: object, cameo: object, where: tuple[str | int, ...]) -> OrgKind:
        if actor_type not in ACTOR_TYPES:
            raise self.fail(where, f"actor type {actor_type!r} is not in the contract "
                                   f"(newswatch/contracts/tagged.py): one of "
                                   f"{', '.join(sorted(ACTOR_TYPES))}")
        if cameo is not None and not isinstance(cameo, str):
            raise self.fail(where, f"cameo {cameo!r} is neither text nor null")
        return str(actor_type), cameo

    def org_heads(self, value: object) -> tuple[tuple[tuple[str, ...], OrgKind], ...]:
        if not isinstance(value, list):
            raise self.fail(("org_heads",), "must be a list of {type, cameo, heads}")
        out = []
        for i, group in enumerate(value):
            where: tuple[str | int, ...] = ("org_heads", i)
            if not isinstance(group, dict) or set(group) != {"type", "cameo", "heads"}:
                raise self.fail(where, f"must have type, cameo and heads, not {group!r}")
            kind = self.kind(group["type"], group["cameo"], (*where, "type"))
            out.append((self.words(group["heads"], _CAPITAL, (*where, "heads")), kind))
        return tuple(out)

    def org_type_words(self, value: object) -> dict[str, OrgKind]:
        if not isinstance(value, dict):
            raise self.fail(("org_type_words",), "must map a word to [type, cameo]")
        out = {}
        for word, kind in value.items():
            where: tuple[str | int, ...] = ("org_type_words", str(word))
            self.word(word, _CAPITAL, where)
            if not isinstance(kind, list) or len(kind) != 2:
                raise self.fail(where, f"must be [type, cameo], not {kind!r}")
            out[word] = self.kind(kind[0], kind[1], where)
        return out

    def number_words(self, value: object) -> dict[str, int]:
        if not isinstance(value, dict):
            raise self.fail(("number_words",), "must map a word to a number")
        out = {}
        for word, number in value.items():
            where: tuple[str | int, ...] = ("number_words", str(word))
            self.word(word, _LOWER, where)
            if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
                raise self.fail(where, f"{number!r} is not a whole number above 0")
            out[word] = number
        return out


def _key_line(text: str, name: object) -> int | str:
    """The 1-based line of the top-level key ``name``, or '?'."""
    node = yaml_files.compose(text)
    if isinstance(node, yaml.MappingNode):
        for key, _value in node.value:
            if key.value == str(name):
                return int(key.start_mark.line) + 1
    return "?"


def load(path: Path = PATH) -> WordLists:
    """The lists of ``path``, checked (``WordListError`` on the first wrong entry)."""
    text = path.read_text(encoding="utf-8")
    data: Any = yaml_files.load(text)
    reader = _Reader(path, text)
    if not isinstance(data, dict):
        raise WordListError(f"{path.name}: must be a mapping of list names to lists")
    known = set(_LISTS) | set(_MAPPINGS)
    for name in data:
        if name not in known:
            raise WordListError(f"{path.name}:{_key_line(text, name)}: {name}: no rule reads a "
                                f"list of this name")
    missing = sorted(known - set(data))
    if missing:
        raise WordListError(f"{path.name}: lists missing: {', '.join(missing)}")
    return WordLists(
        lists={name: reader.words(data[name], rule, (name,)) for name, rule in _LISTS.items()},
        org_heads=reader.org_heads(data["org_heads"]),
        org_type_words=reader.org_type_words(data["org_type_words"]),
        number_words=reader.number_words(data["number_words"]))


WORDS = load()
