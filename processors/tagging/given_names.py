"""Given names: what tells that a run of capitalised words starts with a person's name.

Most runs need a cue in the text (a role, a speech verb) to count as a person; a run that
starts with a known given name ("Gisèle Pelicot", "Jared Kushner") or a Chinese or Korean
name written family name first ("Xi Jinping", "Kim Jong Un") needs none. The lexicon is
``data/given_names.txt`` (built by ``tools/build_given_names.py``); it lives apart from the
person rules because it is data with its own source and build step, loaded once.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

__all__ = ["known_name"]

_NAMES_FILE = Path(__file__).resolve().parent / "data" / "given_names.txt"
# syllables of Chinese and Korean given names in romanised spelling ("Jinping", "Jong", "Jae-myung")
_EAST_ASIAN = re.compile(r"(?:(?:zh|ch|sh|ts|[bcdfghjklmnpqrstwxyz])?y?[aeiouü]{1,3}"
                         r"(?:ng|n|m|k|l|p|t|r)?){1,3}")


@functools.lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, family names written first) from ``data/given_names.txt``."""
    given: set[str] = set()
    family: set[str] = set()
    target = given
    for line in _NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line == "[family_first]":
            target = family
            continue
        target.add(line)
    return frozenset(given), frozenset(family)


def known_name(words: list[str]) -> bool:
    """The run starts with a given name ("Jared Kushner") or, written family name first, a
    Chinese or Korean name ("Xi Jinping", "Kim Jong Un")."""
    given, family = _lexicon()
    first = words[0]
    if first in given or first.split("-")[0] in given:
        return True
    return first in family and bool(_EAST_ASIAN.fullmatch(words[1].lower().replace("-", "")))
