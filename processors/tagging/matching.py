"""One pass of the gazetteer automaton over a field, then leftmost-longest selection.

Case rules are checked per entry on the original surface: proper names need a capital first
letter, acronyms must match exactly ("US" is not "us"), lexicon cues match in any case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick

from processors.tagging.gazetteer import ACTOR, ANY, CAP, EVENT, EXACT, NAME_KINDS
from processors.tagging.textnorm import padded, shape

__all__ = ["Hit", "scan", "select_names", "sentence_starts"]


@dataclass(slots=True)
class Hit:
    field: str
    start: int
    end: int
    surface: str
    entries: tuple

    def kinds(self) -> set[str]:
        return {e[0] for e in self.entries}

    def of_kind(self, *kinds: str) -> list[tuple]:
        return [e for e in self.entries if e[0] in kinds]


def _case_ok(entry: tuple, surface: str, all_caps_field: bool) -> bool:
    mode = entry[2]
    if mode == ANY:
        return True
    if mode == CAP:
        first = surface[0]
        return first.isupper() or first.isdigit() or (all_caps_field and surface.isupper())
    if mode == EXACT:
        return shape(surface) == entry[3]
    return False


def scan(automaton: ahocorasick.Automaton, text: str, field: str) -> list[Hit]:
    """Every whole-word hit in ``text`` with the entries whose case rule the surface meets."""
    if not text:
        return []
    all_caps = text[:400].isupper()  # an all-caps headline: "PAKISTAN RULES OUT TALKS"
    hits: list[Hit] = []
    for end_idx, (length, entries) in automaton.iter(padded(text)):
        start = end_idx - length + 1  # padded index of the key's leading space = text index
        end = start + length - 2
        surface = text[start:end]
        if all(e[2] == ANY for e in entries):
            kept = entries
        else:
            kept = tuple(e for e in entries if _case_ok(e, surface, all_caps))
        if kept:
            hits.append(Hit(field, start, end, surface, kept))
    return hits


def select_names(hits: list[Hit]) -> tuple[list[Hit], list[Hit], list[Hit]]:
    """Split hits into (selected name hits, hits nested in an actor name, lexicon hits).

    Name hits compete leftmost-longest: "Shanghai Cooperation Organisation" beats "Shanghai",
    "North Waziristan" beats "Waziristan". A geo hit nested inside a selected actor name is
    returned separately so the caller can keep it when it agrees with the actor's country
    ("Afghan" in "Afghan Taliban") and drop it otherwise ("Shanghai" in the SCO).
    """
    names: list[Hit] = []
    lexical: list[Hit] = []
    for hit in hits:
        name_entries = tuple(e for e in hit.entries if e[0] in NAME_KINDS)
        lex_entries = tuple(e for e in hit.entries if e[0] == EVENT)
        if name_entries:
            names.append(Hit(hit.field, hit.start, hit.end, hit.surface, name_entries))
        if lex_entries:
            lexical.append(Hit(hit.field, hit.start, hit.end, hit.surface, lex_entries))
    names.sort(key=lambda h: (h.start, -(h.end - h.start)))
    selected: list[Hit] = []
    nested: list[Hit] = []
    last_end = -1
    for hit in names:
        if hit.start >= last_end:
            selected.append(hit)
            last_end = hit.end
        elif selected and ACTOR in selected[-1].kinds() and hit.end <= selected[-1].end:
            nested.append(hit)
    return selected, nested, lexical


_SENT_END = re.compile(r"(?:[.!?][\"'”’)\]]*\s+|\n\s*)")


def sentence_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in _SENT_END.finditer(text))
    return starts
