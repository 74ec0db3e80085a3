"""One pass of the gazetteer automaton over an article, then leftmost-longest selection.

Case rules are checked per entry on the original surface: proper names need a capital first
letter, acronyms must match exactly ("US" is not "us"), lexicon cues match in any case.

Speed: title and text are scanned in one automaton pass over ``title + "\\n" + text`` (the
line break normalises to the space that pads each field, so hits are the same as two passes;
a hit across the break is dropped). Each key's value carries what the hot loop needs
precomputed: whether its entries are all any-case or all capitalised (one check for all),
and its name and lexicon entries already split. The automaton is ahocorasick-rs (Rust):
with ~66,000 keys it scans about twice as fast as pyahocorasick, and it reports overlapping
matches in the same order (by end, longest first).
"""

from __future__ import annotations

import ahocorasick_rs
from newswatch.processors.tagging.entries import (
    ABBR,
    ACTOR,
    ANY,
    CAP,
    EVENT,
    EXACT,
    NAME_KINDS,
    Entry,
    Kind,
)
from newswatch.processors.tagging.textnorm import padded, shape

__all__ = ["Automaton", "Hit", "compile_automaton", "scan_article", "scan_fields", "select_names"]

_ALL_ANY, _ALL_CAP, _MIXED = 0, 1, 2


class Hit:
    """One matched surface in one field, with the entries whose case rule it meets."""

    __slots__ = ("end", "entries", "field", "kset", "start", "surface")

    field: str
    start: int
    end: int
    surface: str
    entries: tuple[Entry, ...]
    kset: frozenset[Kind]  # the kinds of ``entries``

    def __init__(self, field: str, start: int, end: int, surface: str,
                 entries: tuple[Entry, ...], kset: frozenset[Kind] | None = None) -> None:
        self.field = field
        self.start = start
        self.end = end
        self.surface = surface
        self.entries = entries
        self.kset = frozenset([e.kind for e in entries]) if kset is None else kset

    def __repr__(self) -> str:
        return f"Hit({self.field!r}, {self.start}, {self.end}, {self.surface!r}, {self.entries!r})"


# What the scanners read per key, precomputed: (key length, entries, case class, name
# entries, lexicon entries, kinds of the name entries). A plain tuple read by index: the
# scan loop reads it once per match.
KeyValue = tuple[int, tuple[Entry, ...], int, tuple[Entry, ...], tuple[Entry, ...],
                 frozenset[Kind]]


class Automaton:
    """Padded keys and, per key, the ``KeyValue`` the scanners read."""

    __slots__ = ("keys", "matcher", "values")

    def __init__(self, keys: dict[str, list[Entry]]) -> None:
        self.keys = list(keys)
        self.values: list[KeyValue] = []
        for key, bucket in keys.items():
            entries = tuple(bucket)
            modes = {e.mode for e in entries}
            case = _ALL_ANY if modes == {ANY} else _ALL_CAP if modes == {CAP} else _MIXED
            names = tuple(e for e in entries if e.kind in NAME_KINDS)
            lex = tuple(e for e in entries if e.kind == EVENT)
            self.values.append((len(key), entries, case, names, lex,
                                frozenset(e.kind for e in names)))
        self.matcher = ahocorasick_rs.AhoCorasick(self.keys) if self.keys else None

    def __len__(self) -> int:
        return len(self.keys)

    def __getstate__(self) -> tuple[list[str], list[KeyValue]]:
        return self.keys, self.values  # the Rust matcher does not pickle; it is rebuilt

    def __setstate__(self, state: tuple[list[str], list[KeyValue]]) -> None:
        self.keys, self.values = state
        self.matcher = ahocorasick_rs.AhoCorasick(self.keys) if self.keys else None

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        """(key index, start, end) of every key occurrence, as ``iter``."""
        if self.matcher is None:
            return []
        return self.matcher.find_matches_as_indexes(text, overlapping=True)

    def iter(self, text: str) -> list[tuple[int, KeyValue]]:
        """(start, value) of every key occurrence (overlapping), by end then longest first;
        ``start`` is the index of the key's leading pad space in ``text``."""
        if self.matcher is None:
            return []
        values = self.values
        return [(start, values[i])
                for i, start, _end in self.matcher.find_matches_as_indexes(text, overlapping=True)]


def compile_automaton(keys: dict[str, list[Entry]]) -> Automaton:
    return Automaton(keys)


def _capitalised(surface: str, all_caps_field: bool) -> bool:
    """A proper name's case: a capital or digit first. Two or three capitals are an acronym
    outside an all-caps line, not the name: "IG Metall" is no mention of Ig, Slovenia."""
    first = surface[0]
    if len(surface) <= 3 and surface.isupper() and not all_caps_field:
        return False
    return first.isupper() or first.isdigit() or (all_caps_field and surface.isupper())


def _case_ok(entry: Entry, surface: str, all_caps_field: bool) -> bool:
    mode = entry.mode
    if mode == ANY:
        return True
    if mode == CAP:
        return _capitalised(surface, all_caps_field)
    if mode == EXACT or mode == ABBR:
        return shape(surface) == entry.shape
    return False


def _fields(title: str, text: str) -> tuple[str, int, bool, bool]:
    """(joined text to scan, offset of text in it, title all caps, text all caps)."""
    return f"{title}\n{text}", len(title) + 1, title[:400].isupper(), text[:400].isupper()


def scan_article(automaton: Automaton, title: str,
                 text: str) -> tuple[list[Hit], list[Hit]]:
    """(name hits, lexicon hits) of title and text, in scan order (title first).

    Equivalent to ``scan_fields`` followed by splitting each hit's entries into name and
    lexicon entries (what ``select_names`` used to do first).
    """
    joined, off, caps_title, caps_text = _fields(title, text)
    cut = off - 1
    names: list[Hit] = []
    lexical: list[Hit] = []
    values = automaton.values
    for i, start, _end in automaton.matches(padded(joined)):
        value = values[i]
        end = start + value[0] - 2
        if end <= cut:
            field, src, caps = "title", title, caps_title
        elif start >= off:
            field, src, caps = "text", text, caps_text
            start -= off
            end -= off
        else:
            continue  # across the title/text break
        case = value[2]
        if case == _ALL_CAP:
            first = src[start]  # most rejected hits: a lower-case word ("of", "to")
            if not (first.isupper() or first.isdigit() or caps):
                continue
            surface = src[start:end]
            if not _capitalised(surface, caps):
                continue  # an acronym, not the name, or lower case in an all-caps field
            name_entries, lex_entries, kset = value[3], value[4], value[5]
        elif case == _ALL_ANY:
            surface = src[start:end]
            name_entries, lex_entries, kset = value[3], value[4], value[5]
        else:
            surface = src[start:end]
            kept = [e for e in value[1] if _case_ok(e, surface, caps)]
            name_entries = tuple([e for e in kept if e.kind in NAME_KINDS])
            lex_entries = tuple([e for e in kept if e.kind == EVENT])
            kset = None
        if name_entries:
            names.append(Hit(field, start, end, surface, name_entries, kset))
        if lex_entries:
            lexical.append(Hit(field, start, end, surface, lex_entries, frozenset((EVENT,))))
    return names, lexical


def scan_fields(automaton: Automaton, title: str, text: str) -> list[Hit]:
    """Every whole-word hit in title then text, in one automaton pass, with the entries whose
    case rule the surface meets (for watchlists)."""
    joined, off, caps_title, caps_text = _fields(title, text)
    cut = off - 1
    hits: list[Hit] = []
    for start, value in automaton.iter(padded(joined)):
        length, entries = value[0], value[1]
        end = start + length - 2
        if end <= cut:
            field, src, caps = "title", title, caps_title
        elif start >= off:
            field, src, caps = "text", text, caps_text
            start -= off
            end -= off
        else:
            continue
        surface = src[start:end]
        if value[2] == _ALL_ANY:
            kept = entries
        else:
            kept = tuple([e for e in entries if _case_ok(e, surface, caps)])
        if kept:
            hits.append(Hit(field, start, end, surface, kept))
    return hits


def select_names(names: list[Hit]) -> tuple[list[Hit], list[Hit]]:
    """Split name hits into (selected, nested in an actor name).

    Name hits compete leftmost-longest: "Shanghai Cooperation Organisation" beats "Shanghai",
    "North Waziristan" beats "Waziristan". A geo hit nested inside a selected actor name is
    returned separately so the caller can keep it when it agrees with the actor's country
    ("Afghan" in "Afghan Taliban") and drop it otherwise ("Shanghai" in the SCO).
    Title and text compete separately (their offsets index different strings).
    """
    selected: list[Hit] = []
    nested: list[Hit] = []
    for field in ("title", "text"):
        last_end = -1
        last: Hit | None = None
        for hit in sorted((h for h in names if h.field == field),
                          key=lambda h: (h.start, h.start - h.end)):
            if hit.start >= last_end:
                selected.append(hit)
                last, last_end = hit, hit.end
            elif last is not None and ACTOR in last.kset and hit.end <= last.end:
                nested.append(hit)
    return selected, nested

