"""Well-known persons: names that are a person without a cue in the text.

Why: most capitalised words need a cue to count as a person (a role, "said", a possessive
before a person noun), and world news names its best-known figures bare, in headlines above
all ("Trump Is Playing Good Cop", "Rubio's Relationship Repair", "Elbridge Colby: ..."). A
short hand list (``data/known_persons.yaml``, sources in its header) fills that gap and gives
each person's country when the text names none. It lives apart from the person rules because
it is data with its own source, loaded once, like ``given_names``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from newswatch.processors.tagging.vocabulary import VocabularyError, line_of

from newswatch import yaml_files

__all__ = ["PATH", "known_country", "known_full_name", "known_short"]

PATH = Path(__file__).resolve().parent / "data" / "known_persons.yaml"
_FIELDS = frozenset({"name", "aliases", "short", "country"})
_COUNTRY = re.compile(r"[A-Z]{2}")


@functools.lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, str], dict[str, str]]:
    """(full name or alias -> country, standalone single word -> country), checked: a wrong
    entry raises ``VocabularyError`` naming the file and line."""
    text = PATH.read_text(encoding="utf-8")
    doc = yaml_files.load(text)
    full: dict[str, str] = {}
    short: dict[str, str] = {}
    for i, entry in enumerate(doc["persons"]):
        def fail(problem: str, i: int = i) -> VocabularyError:
            return VocabularyError(f"{PATH.name}:{line_of(text, ('persons', i))}: {problem}")
        if not isinstance(entry, dict) or not set(entry) <= _FIELDS or "name" not in entry:
            raise fail(f"an entry has the fields {sorted(_FIELDS)}, 'name' and 'country' "
                       "required")
        country = entry.get("country")
        if not isinstance(country, str) or not _COUNTRY.fullmatch(country):
            raise fail(f"country {country!r} is no ISO 3166-1 alpha-2 code (quote \"NO\")")
        for name in [entry["name"], *entry.get("aliases", [])]:
            if not isinstance(name, str) or len(name.split()) < 2 or name in full:
                raise fail(f"{name!r}: a full name is two words or more, listed once")
            full[name] = country
        for word in entry.get("short", []):
            if not isinstance(word, str) or " " in word or not word[:1].isupper() or (
                    word in short):
                raise fail(f"{word!r}: a short form is one capitalised word, listed once")
            short[word] = country
    return full, short


def known_full_name(name: str) -> bool:
    """``name`` (words joined by single spaces) is a listed person's full name."""
    return name in _lexicon()[0]


def known_short(word: str) -> bool:
    """``word`` stands for a listed person by itself ("Trump", "Erdogan")."""
    return word in _lexicon()[1]


def known_country(names: list[str]) -> str | None:
    """The listed country of the first of ``names`` (a person's name and aliases) that is a
    listed full name or short form."""
    full, short = _lexicon()
    for name in names:
        country = full.get(name) or short.get(name)
        if country is not None:
            return country
    return None
