"""Text normalisation shared by the gazetteer and the matcher.

Matching runs on a lower-cased copy of the text in which every non-word character is a space
and which is padded with one space on each side. Keys are normalised the same way and padded
too, so an Aho-Corasick hit is always a whole-word hit and offsets map 1:1 back to the
original text (original index = padded index - 1).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "key_of", "match_form", "padded", "shape"]

_NON_WORD = re.compile(r"[\W_]")
_BLANK = re.compile(r"[^\w ]|_")  # as _NON_WORD, but spaces (most hits) are left alone
# ASCII text: lower-case letters and digits stay, upper case is lowered, the rest is a space
_ASCII_TABLE = bytes(
    (c | 0x20) if chr(c).isalpha() else c if chr(c).isdigit() else 0x20
    for c in range(128)
) + b" " * 128


# the non-ASCII punctuation of English news: typographic quotes, dashes, ellipsis, no-break
# space, soft hyphen, zero-width space - each is a non-word character, so a space
_NEWS_PUNCT = "’‘“”—–…\u00a0\u00ad\u200b‚‒"


def padded(text: str) -> str:
    """Lower-cased, punctuation-blanked, space-padded copy of ``text`` (same length + 2).

    Most news text is ASCII, or ASCII but for its quotes and dashes; one ``bytes.translate``
    does that case in a few microseconds, where the regular expression needs tens.
    """
    if not text.isascii():
        for ch in _NEWS_PUNCT:
            if ch in text:
                text = text.replace(ch, " ")
    if text.isascii():
        return " " + text.encode("ascii").translate(_ASCII_TABLE).decode("ascii") + " "
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two (e.g. "İ"); keep offsets
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return " " + _BLANK.sub(" ", low) + " "


def key_of(name: str) -> str:
    """The automaton key for a name: padded and normalised like the text."""
    return padded(name)


def shape(surface: str) -> str:
    """Case-preserving normalised form, for exact matches of acronyms ("U.S." == "U.S")."""
    return _NON_WORD.sub(" ", surface).strip()


def match_form(name: str) -> str:
    return shape(name)


def fold(name: str) -> str:
    """ASCII-fold a name ("Khōst" -> "Khost"), so spellings without diacritics match too."""
    text = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in text if not unicodedata.combining(ch))
