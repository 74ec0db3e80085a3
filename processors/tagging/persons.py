"""Persons: named people, found without a statistical model.

A run of capitalised words is a person when the text says so: a role or honorific before it
("Defence Minister Khawaja Asif", "FO spokesperson Mumtaz Zahra Baloch", "Mr Asif"), a role
after it ("Muhammad Nabi Omari, deputy interior minister of ..."), a role clause before a
comma ("Secretary of the National Security Division, Waqar Ahmad"), a speech verb ("Imran
Khan said"), or a verb or description that fits people ("Jesse Jackson died", "Imran Khan, who
was jailed", "Benjamin Netanyahu's government"). A run that starts with a known given name
("Gisèle Pelicot", "Xi Jinping") needs no cue, as long as no word of it names a place or a body
("Victoria Falls"). A full name without a cue is still a person when the story names it again
by its last word ("Jesse Jackson ... Jackson"). A single word stands alone as a person only with
a role, a speech or person verb, a person's possessive ("Netanyahu's government") or beside
another name ("talks between Putin and Zelensky"). Runs that are names of places or actors are
not persons. Later short forms ("Asif", "Mr Asif", "Baloch") merge into the full name as
aliases. The given names live in ``given_names``, the rules for a single word in
``single_names``; this module finds the runs, reads their roles and merges the mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as _field  # "field" is an attribute name here

from newswatch.processors.tagging.context import FieldText, tokens, without_possessive
from newswatch.processors.tagging.gazetteer import Gazetteer
from newswatch.processors.tagging.given_names import known_name
from newswatch.processors.tagging.known_persons import known_full_name, known_short
from newswatch.processors.tagging.not_names import AGENT_NOUN, LOCATIVE, NOT_NAME_END
from newswatch.processors.tagging.records import PersonRecord
from newswatch.processors.tagging.single_names import single_cue
from newswatch.processors.tagging.word_lists import WORDS

__all__ = ["PersonCandidate", "find_persons"]

# a capital letter, Latin-1 and Latin Extended-A included ("Ángela", "Łukasz", "Šefčovič")
_UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
# one capital first, so the scan for a run's start stays a single character-class test;
# dotted initials ("U.T. Khader") are one word
_TOKEN = rf"(?:[{_UPPER}](?:(?:\.[A-Z]){{1,2}}\.|[\w'’\u00ad]*(?:-[A-Za-z][\w'’]*)*\.?))"
_CONN = r"(?:bin|ibn|al|el|ul|ud|ur|de|da|di|du|van|von|der|den|le|la|abu|bint|e|i)"
_RUN = re.compile(rf"{_TOKEN}(?:[ \u00a0]+(?:{_CONN}[ \u00a0-]+)?{_TOKEN})*")
_HONORIFIC_ONLY = WORDS.word_set("honorifics_only")
_STOP_NAME = WORDS.word_set("not_name_starts")
_LOCATIVE_BEFORE = tuple(f" {w} " for w in LOCATIVE)
# a full stop that ends a sentence inside a run ("Sheikh Hasina. Rahman is ..."), not an
# abbreviation ("Mrs. Khan", "Gen. Munir", "U.S.")
# (matched from a word's start and without backtracking: a shorter word is never followed by
# a full stop, so both only spare the engine tries that fail)
_SENTENCE_DOT = re.compile(r"(?<![\w'’])([\w'’]{3,}+)\.[ \u00a0]+")
# The words right before a point, read backwards: up to four "spaces + word" units of the
# reversed text are the last four words before it (one match, no search from every offset).
_PRE_WORDS_REV = re.compile(r"(?:[ \u00a0]+[\w'’.-]+){0,4}")
_PREV_WORD_REV = re.compile(r"[ \u00a0]+(\w+)")
_LAST_PRE_WORD_REV = re.compile(r"[ \u00a0]+([\w'’.-]+)")  # the last unit of _PRE_WORDS_REV
_NEXT_WORD = re.compile(r"[ \u00a0]+(?:has\s+|had\s+|also\s+)?(\w+)")
# the verb after a name, past auxiliaries: "Tarique Rahman is sworn in", "X has been jailed"
_VERB_AFTER = re.compile(r"[ \u00a0]+(?:(?:has|had|have|also|was|is|were|been|being|later|then|"
                         r"on \w+day)[ \u00a0]+){0,2}(\w+)")
_DESCRIBED = re.compile(r",[ \u00a0]+(?:(\w+)\b|\d{1,3},)")  # "X, who ..." / "X, 45, ..."
_POSSESSIVE = ("'s", "’s")
_PLURAL_POSSESSIVE = ("s'", "s’")
# every possessive ending is two characters: a token's last two say whether it has one (a
# set look-up, not two endswith() calls, which parse their arguments on every call)
_POSSESSIVE_ENDINGS = frozenset(_POSSESSIVE + _PLURAL_POSSESSIVE)
_SPEECH_TAIL = ("d ", "s ", "e ")  # how the speech verbs end ("said Khan", "says", "wrote")
# a single word that is never a name by itself: an honorific, a bare possessive ending
_SKIP_SINGLE = _HONORIFIC_ONLY | {"'s", "’s", ""}
_NOT_NAME_CACHE: dict[int, tuple[object, frozenset[str]]] = {}
# (possessive "++": a word or a gap cut short is followed by more of itself, which nothing
# after it matches, so the engine gives up at once instead of trying each shorter one)
_APPOSITIVE = re.compile(r",\s++(?:the\s+|a\s+|an\s+)?((?:[\w'’.-]++\s++){0,4}?[\w'’-]++)"
                         r"(?:(?=\s+(?:of|for|at|in|to|from|with)\b|[,;)]|\s+(?:said|told))"
                         r"|(?<![A-Z])(?=\.))")  # not the stops in "U.S. ambassador"


@dataclass(slots=True)
class PersonCandidate:
    name: str
    tokens: list[str]
    field: str
    start: int
    end: int
    role: str | None = None
    role_span: tuple[int, int] | None = None
    confidence: float = 0.8
    aliases: list[tuple[str, str, int, int]] = _field(default_factory=list)


_new = object.__new__


def _candidate(name: str, words: list[str], field: str, start: int, end: int,
               confidence: float, role: str | None, role_span: tuple[int, int] | None
               ) -> PersonCandidate:
    """A ``PersonCandidate`` made with its fields set here, for the names of the main path: the
    dataclass's ``__init__`` is a plain Python function (written when the class is made),
    which a compiled caller enters through the interpreter, with keyword arguments and a
    ``default_factory`` call, once per name."""
    p = _new(PersonCandidate)
    p.name = name
    p.tokens = words
    p.field = field
    p.start = start
    p.end = end
    p.role = role
    p.role_span = role_span
    p.confidence = confidence
    p.aliases = []
    return p


def _is_role_word(gaz: Gazetteer, word: str) -> bool:
    w = word.lower().rstrip(".")
    return w in gaz.roles["_words"] or w in _HONORIFIC_ONLY


def find_persons(
    gaz: Gazetteer,
    fields: dict[str, FieldText],
    blocked: dict[str, list[tuple[int, int]]],
) -> list[PersonCandidate]:
    """Persons in all fields; ``blocked`` holds spans of places/actors (not person names)."""
    persons: list[PersonCandidate] = []
    singles: list[tuple[str, str, int, int, bool]] = []
    pending: list[PersonCandidate] = []  # full names without a cue, kept if named again
    role_words = gaz.roles["_words"]
    not_name = _not_name(gaz)
    for fname, ctx in fields.items():
        text = ctx.text
        title_others = None  # the other fields, when this one is a Title Case headline
        if fname == "title" and _title_case(text):
            title_others = [f.text for n, f in fields.items() if n != fname]
        for run_start, run_end in _runs(text, blocked.get(fname, [])):
            piece = text[run_start:run_end]
            if " " in piece or "\u00a0" in piece:
                core = piece.strip(" \u00a0")  # "The " left of a blocked span is one word
                if not core:
                    continue
                if " " in core or "\u00a0" in core:
                    if ". " in core or ".\u00a0" in core:
                        for part_start, part_end in _sentence_parts(text, run_start, run_end,
                                                                    role_words):
                            _classify(gaz, ctx, part_start, part_end, persons, singles,
                                      pending, title_others)
                    else:
                        _classify(gaz, ctx, run_start, run_end, persons, singles, pending,
                                  title_others)
                    continue
                run_start += piece.index(core[0])
                piece = core
            # one word (most runs): what _classify would do, without its general machinery
            name = _bare(piece.rstrip(".,"))  # "Netanyahu's", "Babis'"
            low = name.lower()
            # words that are never a name, acronyms ("USB"), a possessive left of a place
            if low in not_name or low in _SKIP_SINGLE or name.isupper() and len(name) > 1:
                continue
            end = run_start + len(name)
            if "\u00ad" in name:
                name = name.replace("\u00ad", "")
            singles.append((name, fname, run_start, end, False))
    _merge(gaz, fields, persons, singles, pending)
    return persons


def _sentence_parts(text: str, start: int, end: int, role_words: frozenset[str]):
    """A run cut where a sentence ends inside it ("Sheikh Hasina. Rahman is")."""
    piece = text[start:end]
    if ". " not in piece and ".\u00a0" not in piece:
        return [(start, end)]
    parts = []
    pos = start
    for m in _SENTENCE_DOT.finditer(piece):
        word = m.group(1)
        if word.isupper():
            continue
        low = word.lower()
        if low in role_words or low in _HONORIFIC_ONLY:
            continue
        parts.append((pos, start + m.start() + len(word)))
        pos = start + m.end()
    parts.append((pos, end))
    return parts


def _bare(name: str) -> str:
    """A name without its possessive ending ("Netanyahu's" -> "Netanyahu", "Babis'")."""
    return without_possessive(name) if len(name) > 3 else name


def _title_case(text: str) -> bool:
    """A headline in Title Case ("Gisèle Pelicot Speaks"): every longer word capitalised, so
    a capitalised run there does not end where a name ends."""
    n = 0
    for w in text.split():
        if len(w) > 3 and w[0].isalpha():
            if w[0].islower():
                return False
            n += 1
    return n >= 3


def _not_name(gaz) -> frozenset[str]:
    """Every word that is never part of a person's name (one set, built once per gazetteer)."""
    got = _NOT_NAME_CACHE.get(id(gaz))
    if got is None or got[0] is not gaz:  # keyed by identity: a new gazetteer gets its own
        got = _NOT_NAME_CACHE[id(gaz)] = (gaz, gaz.roles["not_name_words"] | _STOP_NAME
                                          | gaz.roles["_words"] | gaz.roles["generic_subjects"])
    return got[1]


def _has_digit(word: str) -> bool:
    # a loop, not any() over a generator: compiled, a generator is an object made per call
    for c in word:
        if c.isdigit():
            return True
    return False


def _name_shaped(gaz, words: list[str]) -> bool:
    """No word of the run names a place, body, event, role or date ("Victoria Falls")."""
    if not 1 < len(words) <= 4:
        return False  # (the length first: it settles a run without reading its words)
    stop = _not_name(gaz)
    for w in words:
        if len(w) > 1 and w.isupper():
            return False
        if w.isalpha():
            if w.lower() in stop:
                return False
        elif _has_digit(w) or _bare(w).rstrip(".,").lower() in stop:
            return False
    first = words[0].lower()
    return not (len(first) > 5 and first.endswith(NOT_NAME_END))


def _person_cue(gaz, text: str, n_end: int) -> bool:
    """What follows a name says it is a person: a person verb ("died", "is sworn in"), a
    description ("X, who ...", "X, 45,") or a person's possessive ("X's government")."""
    if text.startswith(_POSSESSIVE, n_end):
        nxt = _NEXT_WORD.match(text, n_end + 2, n_end + 40)
        return bool(nxt and nxt.group(1).lower() in gaz.roles["person_nouns"])
    # _VERB_AFTER opens with a space, _DESCRIBED with a comma: the next character says which
    # of them may match (a name in a list is mostly followed by a comma or a stop)
    after = text[n_end:n_end + 1]
    if after == " " or after == "\u00a0":
        nxt = _VERB_AFTER.match(text, n_end, n_end + 50)
        return bool(nxt and nxt.group(1).lower() in gaz.roles["person_verbs"])
    if after != ",":
        return False
    desc = _DESCRIBED.match(text, n_end, n_end + 20)
    return bool(desc and (desc.group(1) is None or desc.group(1) in gaz.roles["person_after"]))


def _runs(text: str, blocked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Capitalised runs, split at blocked spans (one sweep: both come in text order)."""
    if not blocked:
        return [m.span() for m in _RUN.finditer(text)]
    spans = sorted(blocked)
    n = len(spans)
    out = []
    i = 0  # first span that may still overlap a later run
    for m in _RUN.finditer(text):
        start, end = m.span()
        while i < n and spans[i][1] <= start:
            i += 1
        pos = start
        k = i
        while k < n:
            s, e = spans[k]
            if s >= end:
                break
            k += 1
            if e <= start:
                continue
            if s > pos:
                out.append((pos, s))
            pos = max(pos, e)
        if pos < end:
            out.append((pos, end))
    return out


def _classify(gaz: Gazetteer, ctx: FieldText, start: int, end: int,
              persons: list[PersonCandidate], singles: list, pending: list,
              title_others: list[str] | None) -> None:
    text = ctx.text
    # (a token that does not open with "." or "," is never all stops and commas: strip() only
    # for the others)
    toks = [t for t in tokens(text, start, end)
            if (t[0][0] not in ".," or t[0].strip(".,")) and t[0] not in _POSSESSIVE]
    # a name ends at its possessive: "Vladislav Heraskevych's Olympic dream"
    own = None
    run = text[start:end]
    if "s " in run or "' " in run or "’ " in run:  # "Hunters' West gang": "West" is not the name's
        for k in range(len(toks) - 1):
            if toks[k][0][-2:] in _POSSESSIVE_ENDINGS:
                own = k
                break
    if own is not None:
        _classify(gaz, ctx, toks[own + 1][1], toks[-1][2], persons, singles, pending,
                  title_others)
        toks = toks[:own + 1]
    if not toks:
        return
    if title_others is not None and len(toks) > 2:
        # a Title Case headline capitalises "After", "With": each stretch between is a run
        cuts = [k for k, t in enumerate(toks) if k and t[0].lower() in _STOP_NAME]
        if cuts:
            for a, b in zip([0, *cuts], [*cuts, len(toks)], strict=True):
                _classify(gaz, ctx, toks[a][1], toks[b - 1][2], persons, singles, pending,
                          title_others)
            return
    # each token lower-cased once, kept in step with ``toks``: the tests below read the same
    # words several times (a str method call each is most of what they cost)
    low = [t[0].lower() for t in toks]
    # a sentence-initial ordinary word is no name part: "The", "But", "While PM Shehbaz"
    if len(toks) > 1 and low[0] in _STOP_NAME:
        del toks[0], low[0]
    # peel role words and honorifics off the front: "Defence Minister Khawaja Asif"
    # (lower() neither adds nor drops a full stop: rstrip(".") after it strips the same)
    role_words = gaz.roles["_words"]
    i, j = 0, len(toks)
    if (j > 2 and len(toks[0][0]) > 1 and toks[0][0].isupper()
            and low[1].rstrip(".") in role_words):
        i = 1  # an organisation's acronym opens the role: "TUC General Secretary Frances"
    while i < j:
        w = low[i].rstrip(".")
        if w not in role_words and w not in _HONORIFIC_ONLY and not (
                "-" in w and w.split("-", 1)[0] in role_words
                and (w.split("-", 1)[1] in ("elect", "designate")  # "PM-elect"
                     or w.split("-", 1)[1] in role_words)):  # "Secretary-General"
            break
        i += 1
    # "Khawaja Asif Minister" is rare; trailing role words are not the name
    while j > i and low[j - 1].rstrip(".") in role_words:
        j -= 1
    role_toks, role_low = toks[:i], low[:i]
    toks, low = toks[i:j], low[i:j]
    if title_others is not None and role_toks:
        # "Former Us President Obama Invited Kenyan ...": the name stops at the verb
        verbs = gaz.roles["speech_verbs"] | gaz.roles["person_verbs"]
        for k in range(1, len(toks)):
            if low[k] in verbs:
                toks, low = toks[:k], low[:k]
                break
    if not toks:
        return
    # a sentence-initial ordinary word is no name part: "The", "But", "According"
    if low[0] in _STOP_NAME:
        del toks[0], low[0]
        if not toks:
            return
    for w in low:  # loops, not any() over generators (see _has_digit)
        if w in _STOP_NAME:
            return
    n_start, n_end = toks[0][1], toks[-1][2]
    name = _bare(text[n_start:n_end].rstrip(".,"))
    n_end = n_start + len(name)
    words = (name.replace("\u00a0", " ").replace("\u00ad", "") if "\u00a0" in name
             or "\u00ad" in name else name).split()
    if len(words) == 1 and len(name) > 5 and name.lower().endswith(NOT_NAME_END):
        return  # "Peru President Impeached After ..."
    if len(words) == 1 and not role_toks:  # a bare word: only ever an alias of a known name
        singles.append((name, ctx.name, n_start, n_end, False))
        return
    honorific = False
    for t, w in zip(role_toks, role_low):  # (zip of two lists: compiled, no generator)
        if w.rstrip(".") in _HONORIFIC_ONLY or t[0].rstrip(".") in gaz.roles["honorifics"]:
            honorific = True
            break
    if title_others is not None and not (role_toks or len(words) == 1):
        _title_name(gaz, ctx, words, toks, title_others, persons, pending, singles)
        return
    last = words[-1]
    if len(words) > 1 and last.isalpha() and last.lower() in gaz.roles["not_name_words"]:
        # "North Powderly High School": a body's name, with a role or a cue (the test at the
        # end) or without (_name_shaped): settled before the look around the name
        return
    role, role_span, conf = _role(gaz, ctx, role_toks, n_start, n_end)
    # a speech verb matters only without a role or honorific (a single word's are dropped
    # below in a Title Case headline, so its speech verb is always read)
    speech = False if len(words) > 1 and (role or honorific) else _speech(gaz, ctx, n_start,
                                                                           n_end)
    if len(words) == 1:
        if title_others is not None and not [o for o in title_others if words[0] in o]:
            role, honorific = None, False  # "Israel's President Touches a Nerve": no name
        singles.append((name, ctx.name, n_start, n_end, bool(role or honorific or speech)))
        if not role:
            return
    if not (role or honorific or speech):
        known = known_name(words) or known_full_name(" ".join(words))
        if not known:  # "European Commissioner for Enlargement Marta Kos"
            for k in (1, 2):
                if len(words) - k > 1 and known_name(words[k:]):
                    words, n_start, known = words[k:], toks[k][1], True
                    name = text[n_start:n_end]
                    break
        if not _name_shaped(gaz, words):
            return
        if text[max(0, n_start - 9):n_start].lower().endswith(_LOCATIVE_BEFORE):
            return  # "conflict in Asia", "walking track at Race Course"
        cand = _candidate(name, words, ctx.name, n_start, n_end, 0.6, None, None)
        (persons if known or _person_cue(gaz, text, n_end) else pending).append(cand)
        return
    if len(words) > 1 and words[-1].lower() in gaz.roles["not_name_words"]:
        return  # "chief of the Attawapiskat First Nation": a body's name, whatever the role
    persons.append(_candidate(name, words, ctx.name, n_start, n_end,
                              conf if role else (0.8 if honorific else 0.7), role, role_span))


def _title_name(gaz, ctx: FieldText, words: list[str], toks, others: list[str],
                persons: list, pending: list, singles: list) -> None:
    """A name in a Title Case headline: the longest start of the run that the story repeats
    ("Gisèle Pelicot Speaks" -> "Gisèle Pelicot"); kept only if the body makes it a person.
    Words before a verb are a name with its cue: one word ("After Trump Threatens ..."), or a
    full name ("..., Lindsey Graham Says")."""
    verbs = (gaz.roles["speech_verbs"], gaz.roles["person_verbs"])
    v = next((k for k, w in enumerate(words[1:4], 1) if any(w.lower() in vs for vs in verbs)),
             None)
    if v == 1 and not words[0].lower().endswith(AGENT_NOUN):  # "Protester Dies" is no name
        singles.append((words[0], ctx.name, toks[0][1], toks[0][1] + len(words[0]), True))
        return
    if v is not None and v > 1 and _name_shaped(gaz, words[:v]) and known_name(words[:v]):
        persons.append(PersonCandidate(name=ctx.text[toks[0][1]:toks[v - 1][2]],
                                       tokens=words[:v], field=ctx.name, start=toks[0][1],
                                       end=toks[v - 1][2], confidence=0.7))
        return
    for k in range(min(len(words), 4), 1, -1):
        part = words[:k]
        if not _name_shaped(gaz, part):
            continue
        surface = ctx.text[toks[0][1]:toks[k - 1][2]]
        if known_full_name(" ".join(part)):  # "Elbridge Colby: 'NATO Is ...'"
            persons.append(PersonCandidate(name=surface, tokens=part, field=ctx.name,
                                           start=toks[0][1], end=toks[k - 1][2],
                                           confidence=0.7))
            return
        if any(surface in o for o in others) or k == 2 and known_name(part) and any(
                part[1] in o for o in others):
            pending.append(PersonCandidate(name=surface, tokens=part, field=ctx.name,
                                           start=toks[0][1], end=toks[k - 1][2],
                                           confidence=0.6))
            return


def _role_words_from(gaz, words: list[str]) -> int:
    """Where the run of role words and acronyms that ends ``words`` begins (``len(words)``
    when the last word is neither): a role extends left over them ("US deputy")."""
    i = len(words)
    while i > 0 and (_is_role_word(gaz, words[i - 1]) or words[i - 1].isupper()):
        if _ends_sentence(words[i - 1]):
            break  # "... across the state. President Ali Hassan": the last sentence's word
        i -= 1
    return i


def _ends_sentence(word: str) -> bool:
    """A lower-case word with a full stop ends its sentence ("state."); "U.S." and "Gen."
    do not."""
    return word.endswith(".") and word[:-1].isalpha() and word[:-1].islower()


_NO_ROLE = (None, None, 0.7)


def _head_of_role(gaz, text: str, anchor: int, n_end: int):
    """A head word, "of" and one to three capitalised words right before the name: "Secretary
    of State Marco Rubio", "Minister of Foreign Affairs Ishaq Dar"."""
    if text[anchor - 1:anchor] not in (" ", "\u00a0"):
        return _NO_ROLE
    k = text.rfind(" of ", max(0, anchor - 60), anchor)
    if k == -1:
        return _NO_ROLE  # most names: no "of" right before them
    head_start = text.rfind(" ", 0, k) + 1
    if text[head_start:k].lower() not in gaz.roles["_heads"]:
        return _NO_ROLE  # "son of", "all of": the word before "of" is no head
    after = text[k + 4:anchor].split()
    if after and after[0] == "the":
        after = after[1:]
    if not 0 < len(after) <= 3:
        return _NO_ROLE
    for w in after:  # a loop, not all() over a generator (see _has_digit)
        if not w[:1].isupper():
            return _NO_ROLE
    start = head_start
    # extend left over role words and acronyms: "US Secretary of State", "deputy head of"
    before = text[max(0, start - 40):start].split()
    for word in reversed(before[_role_words_from(gaz, before):]):
        start = text.rfind(word, 0, start)
    return text[start:anchor].rstrip(), (start, n_end), 0.9


# what may stand right before the spaces ahead of a name when a word does: the rest of
# _LAST_PRE_WORD_REV's word characters, or more spaces
_WORD_OR_SPACE = frozenset("_'’.- \u00a0")


def _head_before(text: str, anchor: int, heads: frozenset[str]) -> bool:
    """Whether the word right before ``anchor``, spaces between, is a head word."""
    if text[anchor - 1:anchor] not in (" ", "\u00a0"):
        return False  # (the match below needs it too: the cheap test first)
    # the usual case, a plain word and one space: that word is what the match below finds
    # (letters and digits are word characters; the space before it ends the word)
    c = text[anchor - 2:anchor - 1]
    if not c.isalnum() and c not in _WORD_OR_SPACE:
        return False  # "brother, Billy Smith": no word right before the space
    lo = max(0, anchor - 80)
    k = text.rfind(" ", lo, anchor - 1)
    if k != -1:
        word = text[k + 1:anchor - 1]
        if word.isalnum():
            return word.lower() in heads
    last = _LAST_PRE_WORD_REV.match(text[max(0, anchor - 80):anchor][::-1])
    return last is not None and last.group(1)[::-1].lower() in heads


def _pre_words(text: str, anchor: int) -> list[str]:
    """Up to four words right before ``anchor`` (only spaces between), in text order."""
    pre = _PRE_WORDS_REV.match(text[max(0, anchor - 80):anchor][::-1])
    assert pre is not None  # "{0,4}" matches the empty string at least
    return pre.group()[::-1].split()


def _role(gaz, ctx: FieldText, role_toks, n_start: int, n_end: int):
    """The role the text gives the name, and where it is (for the person's country)."""
    text = ctx.text
    heads = gaz.roles["_heads"]
    # 1. role words inside the run, and lower-case role words right before it
    anchor = role_toks[0][1] if role_toks else n_start
    if role_toks:
        pre_words = _pre_words(text, anchor)
        role_start = role_toks[0][1]
        # extend left over lower-case role words and acronyms: "FO spokesperson", "deputy"
        k = _role_words_from(gaz, pre_words)
        role_start -= sum([len(w) + 1 for w in pre_words[k:]])
        del pre_words[k:]
        role = text[role_start:role_toks[-1][2]]
        if any(p in heads for w in role.split() for p in w.lower().rstrip(".").split("-")):
            return role, (role_start, n_end), 0.9
        if pre_words and pre_words[-1].lower() in heads:
            role = " ".join(pre_words[_role_words_from(gaz, pre_words):])
            return role, (n_start - len(role) - 1, n_end), 0.9
    else:
        # no role word in the run: a role needs a head word right before the name (the words
        # before it matter only then, which few names have), or a comma after the name
        # (appositive) or before it (role clause)
        if _head_before(text, anchor, heads):
            pre_words = _pre_words(text, anchor)
            role = " ".join(pre_words[_role_words_from(gaz, pre_words):])
            return role, (n_start - len(role) - 1, n_end), 0.9
        if text[n_end:n_end + 1] != "," and text[max(0, n_start - 2):n_start] != ", ":
            if " of " not in text[max(0, n_start - 60):n_start]:
                return _NO_ROLE  # (_head_of_role's first look, without the call)
            return _head_of_role(gaz, text, n_start, n_end)
    # 2. appositive after: "Muhammad Nabi Omari, deputy interior minister of ..."
    # (_APPOSITIVE opens with a comma: most names here follow one and are not followed by one)
    after = _APPOSITIVE.match(text, n_end, n_end + 120) if text[n_end:n_end + 1] == "," else None
    if after:
        phrase = after.group(1)
        pw = phrase.split()
        if pw and pw[-1].lower() in heads and all(_is_role_word(gaz, w) or w.isupper()
                                                  or w[0].isupper() for w in pw):
            tail_end = ctx.sentence_bounds(n_end)[1]
            comma = text.find(",", after.end(), tail_end)
            stop = comma if comma != -1 else tail_end
            return phrase, (n_start, stop), 0.85
    # 3. role clause then a comma: "Secretary of the National Security Division, Waqar Ahmad"
    if text[max(0, n_start - 2):n_start] == ", " and _head_in_clause(text, n_start - 2, heads):
        s_start = ctx.sentence_bounds(n_start)[0]
        clause_start = max(text.rfind(",", s_start, n_start - 2) + 1, s_start)
        clause = text[clause_start:n_start - 2].strip()
        cw = clause.split()
        if cw and cw[0].lower() in heads or (len(cw) > 1 and cw[0].lower() in
                                             gaz.roles["_words"] and cw[1].lower() in heads):
            return clause, (clause_start, n_end), 0.85
    if " of " not in text[max(0, n_start - 60):n_start]:
        return _NO_ROLE
    return _head_of_role(gaz, text, n_start, n_end)


_CLAUSE_LOOK = 160  # how far back _head_in_clause looks for the comma that opens a clause


def _head_in_clause(text: str, comma: int, heads: frozenset[str]) -> bool:
    """Whether a role clause that ends at ``comma`` ("Secretary of the National Security
    Division, Waqar Ahmad") may open with a head word: False when no word since the comma
    before it (or the text's start) is one. The clause starts at that comma or at its
    sentence's start, which always follows whitespace, so its words are the last of those:
    most names after a comma are settled without finding the sentences (a pass over the
    whole field, costly in a story naming many people in lists)."""
    lo = max(0, comma - _CLAUSE_LOOK)
    k = text.rfind(",", lo, comma)
    if k == -1 and lo > 0:
        return True  # no comma near: the sentence's start decides
    for w in text[k + 1:comma].lower().split():  # (one lower(): the same words lower-cased)
        if w in heads:
            return True
    return False


def _speech(gaz, ctx: FieldText, n_start: int, n_end: int) -> bool:
    text = ctx.text
    verbs = gaz.roles["speech_verbs"]
    after = text[n_end:n_end + 1]
    if after == " " or after == "\u00a0":  # (_NEXT_WORD opens with one: the cheap test first)
        nxt = _NEXT_WORD.match(text, n_end, n_end + 30)
        if nxt and nxt.group(1).lower() in verbs:
            return True
    if text[n_start - 2:n_start - 1] not in ("d", "s", "e"):  # said, says, wrote, ...
        return False
    prev = _PREV_WORD_REV.match(text[max(0, n_start - 20):n_start][::-1])
    return bool(prev and prev.group(1)[::-1].lower() in verbs)


def _merge(gaz, fields: dict[str, FieldText], persons: list[PersonCandidate], singles: list,
           pending: list[PersonCandidate]) -> None:
    """Fold repeated and short mentions into one person per name; keep a full name without a
    cue when another mention names it again, and a single word that stands as a person."""
    if pending:
        named = {sg[0] for sg in singles}
        # a name another person or another pending mention has (those appended below are
        # pending ones, already counted)
        known = {q.name for q in persons}
        pending_ids: dict[str, set[int]] = {}
        for q in pending:
            pending_ids.setdefault(q.name, set()).add(id(q))
        for p in pending:
            if (p.tokens[-1] in named or p.name in known
                    or len(pending_ids[p.name] - {id(p)}) > 0):
                persons.append(p)
    if not persons:
        rest = singles
    else:
        rest = _fold(persons, singles)
    loners: dict[str, PersonCandidate] = {}
    if rest:
        lazy: dict = {"singles": singles, "fields": fields,
                      "between": any("between" in f.text for f in fields.values())}
        cued = set()
        for sg in rest:
            _name, fname, s, e, cue = sg
            text = fields[fname].text
            if not cue and known_short(_name):  # "Under pressure from Trump, ..."
                cue = True
                sg = (_name, fname, s, e, cue)
            # a cheap look first: a cue needs a lower-case word or [,'] after the word (any
            # word in a headline), a speech verb before it, or "between" in the story
            if not (cue or lazy["between"] or text[s - 2:s] in _SPEECH_TAIL):
                nxt = text[e:e + 2]
                if not (nxt[:1] in ",'’" or nxt[:1] == " " and (
                        nxt[1:].islower() or fname == "title" and nxt[1:].isalpha())):
                    continue
            if single_cue(gaz, text, sg, lazy):
                cued.add(sg[0])
        for name, fname, s, e, _cue in rest:
            if name not in cued:
                continue
            if name in loners:
                loners[name].aliases.append((name, fname, s, e))
            else:
                loners[name] = PersonCandidate(name=name, tokens=[name], field=fname, start=s,
                                               end=e, confidence=0.6)
    persons[:] = [p for p in persons if len(p.tokens) > 1 or p.role] + list(loners.values())


def _spelling(word: str) -> str:
    """One key for the usual transliterations of a Slavic name's ending: "Zelenskiy",
    "Zelenskyy" and "Zelensky" are one person."""
    if len(word) > 4 and word[-2:] in _SLAVIC_ENDINGS:  # not "Wang Yi"
        return word[:-2] + "y"
    return word


# (a slice and a set, not endswith() with a tuple: _spelling runs for every token of every
# person and single word of a story)
_SLAVIC_ENDINGS = frozenset({"iy", "yy", "yi"})


_ARTICLES = WORDS.word_set("name_articles")


def _fold(persons: list[PersonCandidate], singles: list) -> list:
    """Merge persons whose tokens one holds ("Asif" into "Khawaja Asif") and single words
    that are one person's token into it as aliases; ``persons`` keeps the merged ones. Returns
    the single words that belong to no person."""
    merged: list[PersonCandidate] = []
    sets: list[set[str]] = []
    holding: dict[str, list[int]] = {}  # token -> the merged persons holding it, in order
    for p in sorted(persons, key=lambda p: -len(p.tokens)):
        spelled = [_spelling(t) for t in p.tokens]
        toks = set(spelled)
        # a person holding all of p's tokens holds its first one: ask only those
        candidates = holding.get(spelled[0], ()) if toks else range(len(merged))
        same = None
        for i in candidates:
            if toks <= sets[i]:
                same = merged[i]
                break
        if same is None:
            for t in toks:
                holding.setdefault(t, []).append(len(merged))
            merged.append(p)
            sets.append(toks)
            continue
        same.aliases.append((p.name, p.field, p.start, p.end))
        if same.role is None and p.role:
            same.role, same.role_span = p.role, p.role_span
    persons[:] = merged
    owners: dict[str, list[PersonCandidate]] = {}
    for q, qs in zip(merged, sets, strict=True):
        for t in qs:
            owners.setdefault(t, []).append(q)
            if "-" not in t:
                continue
            article, _dash, rest_of = t.partition("-")  # "al-Baghdadi" is also "Baghdadi"
            if rest_of and article.lower() in _ARTICLES and rest_of not in qs:
                owners.setdefault(rest_of, []).append(q)
    rest = []
    for sg in singles:
        name, fname, s, e, _cue = sg
        own = owners.get(_spelling(name))
        if own is None:
            rest.append(sg)
        elif len(own) == 1 and (fname, s) != (own[0].field, own[0].start):
            own[0].aliases.append((name, fname, s, e))
    return rest


_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")


def _spell_out(role: str, texts: list[str]) -> str:
    """Acronyms in a role that the article defines are written out: "FO spokesperson" in a
    story that says "the Foreign Office (FO)" becomes "Foreign Office spokesperson"."""
    def expand(m: re.Match) -> str:
        acronym = m.group()
        for text in texts:
            i = text.find(f" ({acronym})")
            if i <= 0:
                continue
            words = text[max(0, i - 120):i].split()[-len(acronym):]
            if (len(words) == len(acronym) and all(w[:1].isupper() for w in words)
                    and "".join(w[0] for w in words) == acronym):
                return " ".join(words)
        return acronym
    return _ACRONYM.sub(expand, role)


def to_tags(persons: list[PersonCandidate], countries: list[str | None],
            texts: list[str] | None = None) -> list[PersonRecord]:
    """Person tag records (see ``records``); ``texts``: the article's fields, for spelling
    out acronyms in roles."""
    tags: list[PersonRecord] = []
    for p, country in zip(persons, countries, strict=True):
        evidence = [(p.start, p.end, p.name, p.field)]
        full = p.name.replace("\u00ad", "")  # a soft hyphen from the page ("Pram\u00adono")
        aliases: list[str] = []
        for name, fname, s, e in p.aliases:
            evidence.append((s, e, name, fname))
            name = name.replace("\u00ad", "")
            if name != full and name not in aliases:
                aliases.append(name)
        role = p.role.strip(" ,") if p.role else None
        if role and texts and _ACRONYM.search(role):
            role = _spell_out(role, texts)
        tags.append({"name": full, "role": role, "country": country, "aliases": aliases,
                     "confidence": p.confidence, "evidence": evidence})
    return tags
