"""Small views of the words around a hit: the word before, the word after, sentence starts.

Disambiguation rules read these ("in Nice" is a place, "Nice work" is not).
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["LOCATIVE_WORDS", "PLACE_NOUNS", "FieldText"]

LOCATIVE_WORDS = frozenset({
    "in", "at", "near", "from", "to", "into", "outside", "inside", "around", "across", "towards",
    "toward", "via", "through", "within", "throughout", "off", "between", "nearby", "neighbouring",
    "neighboring", "northern", "southern", "eastern", "western", "central", "northwestern",
    "northeastern", "southwestern", "southeastern", "north", "south", "east", "west", "restive",
    "province", "district", "town", "city", "village", "region",
})
PLACE_NOUNS = frozenset({
    "town", "city", "district", "province", "village", "region", "valley", "area", "port",
    "airport", "border", "tehsil", "county", "state", "governorate", "oblast", "camp", "base",
})
_WORD = re.compile(r"[\w'’-]+")
_LAST_WORD = re.compile(r"([\w'’-]+)[\s\"'“‘(]*\Z")
_GAP = frozenset(" \t\n\u00a0\"'“‘(")
_SENT_END = re.compile(r"(?:[.!?][\"'”’)\]]*\s+|\n\s*)")


class FieldText:
    """One article field with cached sentence starts."""

    __slots__ = ("_starts", "name", "text")

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self._starts = [0, *(m.end() for m in _SENT_END.finditer(text))]

    def prev_word(self, start: int) -> str:
        """The word right before ``start`` (only spaces or quotes between), lower-cased."""
        text = self.text
        i = start - 1
        while i >= 0 and text[i] in _GAP:
            i -= 1
        j = i
        while j >= 0 and (text[j].isalnum() or text[j] in "-'’"):
            j -= 1
        return text[j + 1:i + 1].lower()

    def prev_words(self, start: int, n: int = 3) -> list[str]:
        chunk = self.text[max(0, start - 80):start]
        if re.search(r"[.!?;:\n]\s*$", chunk):
            return []
        words = _WORD.findall(chunk)
        return [w.lower() for w in words[-n:]]

    def next_word(self, end: int) -> str:
        m = _WORD.match(self.text, end + 1) if self.text[end:end + 1] == " " else None
        return m.group().lower() if m else ""

    def sentence_initial(self, start: int) -> bool:
        i = bisect_right(self._starts, start) - 1
        lead = self.text[self._starts[i]:start]
        return lead.strip(" \"'“‘(") == ""

    def sentence_bounds(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self._starts, pos) - 1
        end = self._starts[i + 1] if i + 1 < len(self._starts) else len(self.text)
        return self._starts[i], end
