"""Small views of the words around a hit: the word before, the word after, sentence starts.

Disambiguation rules read these ("in Nice" is a place, "Nice work" is not).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from newswatch.processors.tagging.word_lists import WORDS

__all__ = [
    "LOCATIVE_WORDS", "PLACE_NOUNS", "FieldText", "name_neighbour", "tokens", "without_possessive",
]

LOCATIVE_WORDS = WORDS.word_set("locative_words")
PLACE_NOUNS = WORDS.word_set("place_nouns")
_WORD = re.compile(r"[\w'’-]+")
_GAP = frozenset(" \t\n\u00a0\"'“‘(")
# a sentence ends after [.!?] (and closing marks) and whitespace, or at a line break; written
# with one class of first characters so that the regex engine skips to them (half the time
# of "[.!?]...|\n...", which it tries at every offset)
_SENT_END = re.compile(r"[.!?\n](?:(?<=\n)\s*|(?<!\n)[\"'”’)\]]*\s+)")
_STOP = re.compile(r"[.!?]")
# a full stop that ends an abbreviation, not a sentence: "Mr. Asif", "Gen. Munir", and "U.S."
# or "D.C." unless a word that opens sentences follows ("... by the U.S. The move ...")
_TITLES = WORDS.word_set("abbreviation_titles")
_INITIALS = re.compile(r"(?:[A-Z]\.)+[A-Z]")
_OPENERS = WORDS.word_set("sentence_openers")
_LEAD = " \"'“‘("  # what may stand between a sentence start and its first word
_CLOSERS = "\"'”’)]"

_NEXT_CAP = re.compile(r" ([A-Z][\w'’]*)")
# The capitalised word one space before a name, "[A-Z][\w'’]*\.? " right before it: read
# backwards from the space, as the stretch of word characters (and a stop) there, which the
# word ends; it starts at the stretch's first capital. (A forward search for it, anchored at
# the name, tried every offset of its window.)
_PREV_STRETCH_REV = re.compile(r"\.?[\w'’]*")
_CAPITAL = re.compile(r"[A-Z]")
_PREV_CAP_LAST = frozenset("_'’.")  # what may end that word besides letters and digits
# a place followed by one of these is named in an institution's name ("Houston Police
# Department", "Punjab Assembly"): still evidence of the place, unlike a person's name
_INSTITUTION_NEXT = WORDS.word_set("institution_next")
# ordinary capitalised words that do not make a neighbouring place part of a longer name
_NOT_NAMES = WORDS.word_set("not_name_neighbours")


def tokens(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """(token, start, end) of the whitespace-separated tokens in [lo, hi) (a token crossing
    ``hi`` is cut there). str.split and str.find: several times faster than a regex's match
    objects, and they agree with the regex ``\\S+`` on what whitespace is."""
    out = []
    piece = text[lo:hi]
    toks = piece.split()
    # the usual span: no whitespace at its ends and one character between its tokens; then
    # each token starts where the last one ended, plus one (checked at the end)
    pos = lo
    for tok in toks:
        end = pos + len(tok)
        out.append((tok, pos, end))
        pos = end + 1
    if pos - 1 == lo + len(piece):
        return out
    out = []
    pos = lo
    find = text.find
    for tok in toks:
        # no whitespace in a token: it starts at the first non-space from ``pos``, which is
        # ``pos`` itself or, after one space (the usual gap), the next; str.find only for
        # longer gaps (with bounds, it parses its arguments on every call)
        first = tok[0]
        if text[pos] != first:
            pos = pos + 1 if text[pos + 1] == first else find(tok, pos)
        out.append((tok, pos, pos + len(tok)))
        pos += len(tok)
    return out


def without_possessive(word: str) -> str:
    """A word without its possessive ending ("gov's" -> "gov", "Babis'" -> "Babis")."""
    ending = word[-2:]  # compared, not endswith(): in CPython 3.11 that parses its arguments
    if ending == "'s" or ending == "’s":  # from a tuple on every call, for each word of a name
        return word[:-2]
    return word[:-1] if ending == "s'" or ending == "s’" else word


def name_neighbour(text: str, start: int, end: int, role_words: frozenset[str],
                   ordinary: frozenset[str]) -> bool:
    """Whether the word at [start, end) is joined by one space to another capitalised word
    that could be part of the same proper name (not "The", "In", a month, a role word)."""
    nxt = _NEXT_CAP.match(text, end)
    if nxt is not None and without_possessive(nxt.group(1).lower()) in _INSTITUTION_NEXT:
        return False  # "Houston Police", "Niger Gov's aide"
    # (the word before ends with a word character or a stop, then one space, right before the
    # name: the cheap test first)
    c = text[start - 2:start - 1]
    prev = _prev_capitalised(text, start) if text[start - 1:start] == " " and (
        c.isalnum() or c in _PREV_CAP_LAST) else None
    for word in (nxt.group(1) if nxt is not None else None, prev):
        if word is None:
            continue
        low = word.lower()
        if (low in _NOT_NAMES or low in role_words or word in ordinary or word.isupper()
                or without_possessive(low) in _NOT_NAMES):
            continue
        return True
    return False


def _prev_capitalised(text: str, start: int) -> str | None:
    """The capitalised word that ends one space before ``start`` (within 40 characters)."""
    stretch = _PREV_STRETCH_REV.match(text[max(0, start - 40):start - 1][::-1])
    assert stretch is not None  # (it may match the empty string)
    word = stretch.group()[::-1]
    capital = _CAPITAL.search(word)
    return word[capital.start():] if capital is not None else None


# what follows the place of a dateline: "BERLIN, Feb 17 (Reuters) -", "GENEVA (AP) —",
# "Nairobi --", "ISLAMABAD: ..."; a state or country may come between ("Athens, Ga., (AP)")
_DATELINE_AFTER = re.compile(
    r"(?:,\s+(?:[A-Z][\w.'’-]*\s+){0,3}?)?\s*(?:\([A-Z][\w .-]{1,24}\)|[—–]|--|-\s|:\s|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d)")
_CAPS_DATELINE_AFTER = re.compile(r"\s*[:,(]")  # "KARACHI, 17 Feb", "QUETTA (APP)"


class FieldText:
    """One article field; sentence starts are found on first use (many articles never ask)."""

    __slots__ = ("_neighbours", "_sent", "all_caps", "name", "text")

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.all_caps = text[:400].isupper()
        self._sent: list[int] | None = None
        self._neighbours: tuple[frozenset[str], frozenset[str], dict] | None = None

    @property
    def _starts(self) -> list[int]:
        if self._sent is None:
            text = self.text
            self._sent = [0] + [m.end() for m in _SENT_END.finditer(text)
                                if not _abbreviation(text, m.start(), m.end())]
        return self._sent

    def name_neighbour(self, start: int, end: int, role_words: frozenset[str],
                       ordinary: frozenset[str]) -> bool:
        """``name_neighbour`` in this field, each span's answer kept: the person blocking
        spans, the regions and the actors ask it of the same place names."""
        memo = self._neighbours
        if memo is None or memo[0] is not role_words or memo[1] is not ordinary:
            memo = self._neighbours = (role_words, ordinary, {})
        known = memo[2]
        key = (start, end)
        got = known.get(key)
        if got is None:
            got = known[key] = name_neighbour(self.text, start, end, role_words, ordinary)
        return got

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

    def next_word(self, end: int) -> str:
        m = _WORD.match(self.text, end + 1) if self.text[end:end + 1] == " " else None
        return m.group().lower() if m else ""

    def sentence_initial(self, start: int) -> bool:
        """Only spaces, quotes or "(" between the sentence start and ``start``.

        Decided locally, without finding every sentence start: a start ``q`` in the
        quote/space run before ``start`` ends a whitespace run that holds a line break or
        follows [.!?] and closing marks - exactly where ``_SENT_END`` matches end.
        """
        text = self.text
        k = start
        while k > 0 and text[k - 1] in _LEAD:
            k -= 1
        if k == 0:
            return True
        for q in range(start, k - 1, -1):
            if not text[q - 1].isspace() or text[q].isspace():
                continue
            r = q - 1
            while r > 0 and text[r - 1].isspace():
                r -= 1
            if "\n" in text[r:q]:
                return True
            c = r
            while c > 0 and text[c - 1] in _CLOSERS:
                c -= 1
            if c > 0 and text[c - 1] in ".!?":
                return True
        return False

    def dateline(self, start: int, end: int) -> bool:
        """Whether the name at [start, end) is the place of a dateline: it opens a line, a
        sentence or follows a source in brackets ("[Daily Trust] Abuja, ..."), and a dateline's
        punctuation follows (any after a name in capitals: "KARACHI, 17 Feb")."""
        text = self.text
        if _DATELINE_AFTER.match(text, end) is None and not (
                text[start:end].isupper() and _CAPS_DATELINE_AFTER.match(text, end) is not None):
            return False
        return text[max(0, start - 2):start] == "] " or self.sentence_initial(start)

    def first_sentence_end(self) -> int:
        """Where the first sentence ends (one search, unless the sentences are known)."""
        if self._sent is not None:
            return self._sent[1] if len(self._sent) > 1 else len(self.text)
        text = self.text
        for m in _SENT_END.finditer(text):
            if not _abbreviation(text, m.start(), m.end()):
                return m.end()
        return len(text)

    def sentence_starts_in(self, lo: int, hi: int) -> bool:
        """Whether a sentence surely starts in (``lo``, ``hi``]. Unless the sentences are
        known, read only there: a start after a full stop, "!" or "?" in [``lo``, ``hi``) is
        one of ``_starts`` (such a stop is never inside another's match), while one after a
        line break may belong to the stop before it ("Mr.\\n") and is not looked for; so
        False can also mean "not known"."""
        if self._sent is not None:
            i = bisect_right(self._sent, hi)
            return i > 0 and self._sent[i - 1] > lo
        text = self.text
        m = _STOP.search(text, lo, hi)
        while m is not None:
            stop = m.start()
            end = _SENT_END.match(text, stop)
            if end is not None and end.end() <= hi and not _abbreviation(text, stop,
                                                                          end.end()):
                return True
            m = _STOP.search(text, stop + 1, hi)
        return False

    def sentence_bounds(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self._starts, pos) - 1
        end = self._starts[i + 1] if i + 1 < len(self._starts) else len(self.text)
        return self._starts[i], end


def _abbreviation(text: str, stop: int, after: int) -> bool:
    """The sentence end that ``_SENT_END`` matched at [stop, after) is an abbreviation's full
    stop ("U.S. Secretary of State", "Mr. Asif"): a title never ends a sentence; initials
    ("U.S.", "D.C.") do only before a word that opens sentences ("... the U.S. The move")."""
    if text[stop] != "." or stop == 0 or not text[stop - 1].isalpha():
        return False  # "?", "!", a line break, "2024.": a sentence end
    j = stop - 1
    while j >= 0 and stop - j <= 8 and (text[j].isalpha() or text[j] == "."):
        j -= 1
    if j >= 0 and (stop - j > 8 or not (text[j].isspace() or text[j] in "(\"“‘")):
        return False  # a long word, or one inside a token
    word = text[j + 1:stop]
    if word in _TITLES:
        return text[stop:after].strip(" \t\u00a0") == "."
    if not _INITIALS.fullmatch(word) or text[stop:after].strip(" \t\u00a0") != ".":
        return False
    m = _WORD.match(text, after)
    return m is None or m.group() not in _OPENERS
