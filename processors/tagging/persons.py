"""Persons: named people with a role or a speech verb, found without a statistical model.

A run of capitalised words is a person when the text says so: a role or honorific before it
("Defence Minister Khawaja Asif", "FO spokesperson Mumtaz Zahra Baloch", "Mr Asif"), a role
after it ("Muhammad Nabi Omari, deputy interior minister of ..."), a role clause before a
comma ("Secretary of the National Security Division, Waqar Ahmad"), or a speech verb
("Imran Khan said"). Runs that are names of places or actors are not persons. Later short
forms ("Asif", "Mr Asif", "Baloch") merge into the full name as aliases.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from processors.tagging.context import FieldText
from processors.tagging.gazetteer import Gazetteer

__all__ = ["PersonCandidate", "find_persons"]

_TOKEN = r"(?:[A-Z][\w'’]*(?:-[A-Za-z][\w'’]*)*\.?)"
_CONN = r"(?:bin|ibn|al|el|ul|ud|ur|de|da|di|du|van|von|der|den|le|la|abu|bint|e|i)"
_RUN = re.compile(rf"{_TOKEN}(?:[ \u00a0]+(?:{_CONN}[ \u00a0-]+)?{_TOKEN})*")
_HONORIFIC_ONLY = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord",
                             "lady"})
_STOP_NAME = frozenset({"the", "a", "an", "this", "that", "these", "those", "he", "she", "they",
                        "it", "we", "i", "his", "her", "their", "our", "its", "but", "and", "or",
                        "on", "in", "at", "as", "if", "when", "while", "after", "before", "last",
                        "earlier", "later", "according", "responding", "attempts", "relations",
                        "cooperation", "source", "both", "all", "some", "many"})
# The words right before a point, read backwards: up to four "spaces + word" units of the
# reversed text are the last four words before it (one match, no search from every offset).
_PRE_WORDS_REV = re.compile(r"(?:[ \u00a0]+[\w'’.-]+){0,4}")
_PREV_WORD_REV = re.compile(r"[ \u00a0]+(\w+)")
_LAST_PRE_WORD_REV = re.compile(r"[ \u00a0]+([\w'’.-]+)")  # the last unit of _PRE_WORDS_REV
_NEXT_WORD = re.compile(r"[ \u00a0]+(?:has\s+|had\s+|also\s+)?(\w+)")
_APPOSITIVE = re.compile(r",\s+(?:the\s+|a\s+|an\s+)?((?:[\w'’-]+\s+){0,4}?[\w'’-]+)"
                         r"(?=\s+(?:of|for|at|in|to|from|with)\b|[,.;)]|\s+(?:said|told))")


@dataclass
class PersonCandidate:
    name: str
    tokens: list[str]
    field: str
    start: int
    end: int
    role: str | None = None
    role_span: tuple[int, int] | None = None
    confidence: float = 0.8
    aliases: list[tuple[str, str, int, int]] = field(default_factory=list)


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
    role_words = gaz.roles["_words"]
    for fname, ctx in fields.items():
        text = ctx.text
        for run_start, run_end in _runs(text, blocked.get(fname, [])):
            piece = text[run_start:run_end]
            if " " in piece or "\u00a0" in piece:
                core = piece.strip(" \u00a0")  # "The " left of a blocked span is one word
                if not core:
                    continue
                if " " in core or "\u00a0" in core:
                    _classify(gaz, ctx, run_start, run_end, persons, singles)
                    continue
                run_start += piece.index(core[0])
                piece = core
            # one word (most runs): what _classify would do, without its general machinery
            low = piece.lower()
            w = low.rstrip(".")
            if w in role_words or w in _HONORIFIC_ONLY or low in _STOP_NAME:
                continue
            if not piece.strip(".,"):
                continue
            name = piece.rstrip(".,")
            singles.append((name, fname, run_start, run_start + len(name), False))
    _merge(persons, singles)
    return persons


def _runs(text: str, blocked: list[tuple[int, int]]):
    """Capitalised runs, split at blocked spans."""
    spans = sorted(blocked)
    starts = [s for s, _e in spans]
    if not spans:
        for m in _RUN.finditer(text):
            yield m.span()
        return
    longest = max(e - s for s, e in spans)
    for m in _RUN.finditer(text):
        start, end = m.span()
        # spans overlapping [start, end) begin in (start - longest, end)
        i = bisect_left(starts, start - longest + 1) if spans else 0
        pos = start
        n = len(spans)
        while i < n:
            s, e = spans[i]
            if s >= end:
                break
            i += 1
            if e <= start:
                continue
            if s > pos:
                yield pos, s
            pos = max(pos, e)
        if pos < end:
            yield pos, end


def _tokens(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """(token, start, end) of the whitespace-separated tokens in [start, end)."""
    out = []
    pos = start
    find = text.find
    for tok in text[start:end].split():  # str.split and the regex \s agree on whitespace
        pos = find(tok, pos)
        out.append((tok, pos, pos + len(tok)))
        pos += len(tok)
    return out


def _classify(gaz: Gazetteer, ctx: FieldText, start: int, end: int,
              persons: list[PersonCandidate], singles: list) -> None:
    text = ctx.text
    toks = _tokens(text, start, end)
    # peel role words and honorifics off the front: "Defence Minister Khawaja Asif"
    role_words = gaz.roles["_words"]
    i, j = 0, len(toks)
    while i < j:
        w = toks[i][0].lower().rstrip(".")
        if w not in role_words and w not in _HONORIFIC_ONLY:
            break
        i += 1
    # "Khawaja Asif Minister" is rare; trailing role words are not the name
    while j > i and toks[j - 1][0].rstrip(".").lower() in role_words:
        j -= 1
    role_toks = toks[:i]
    toks = [t for t in toks[i:j] if t[0].strip(".,")]
    if not toks:
        return
    # a sentence-initial ordinary word is no name part: "The", "But", "According"
    if toks[0][0].lower() in _STOP_NAME:
        toks.pop(0)
        if not toks:
            return
    if any(t[0].lower() in _STOP_NAME for t in toks):
        return
    n_start, n_end = toks[0][1], toks[-1][2]
    name = text[n_start:n_end].rstrip(".,")
    n_end = n_start + len(name)
    words = name.replace("\u00a0", " ").split()
    if len(words) == 1 and not role_toks:  # a bare word: only ever an alias of a known name
        singles.append((name, ctx.name, n_start, n_end, False))
        return
    honorific = any(t[0].rstrip(".").lower() in _HONORIFIC_ONLY
                    or t[0].rstrip(".").lower() in gaz.roles["honorifics"] for t in role_toks)
    role, role_span, conf = _role(gaz, ctx, role_toks, n_start, n_end)
    speech = _speech(gaz, ctx, n_start, n_end)
    if len(words) == 1:
        singles.append((name, ctx.name, n_start, n_end, bool(role or honorific or speech)))
        if not role:
            return
    if not (role or honorific or speech):
        return
    persons.append(PersonCandidate(
        name=name, tokens=words, field=ctx.name, start=n_start, end=n_end, role=role,
        role_span=role_span, confidence=conf if role else (0.8 if honorific else 0.7),
    ))


def _role(gaz, ctx: FieldText, role_toks, n_start: int, n_end: int):
    """The role the text gives the name, and where it is (for the person's country)."""
    text = ctx.text
    heads = gaz.roles["_heads"]
    # 1. role words inside the run, and lower-case role words right before it
    anchor = role_toks[0][1] if role_toks else n_start
    if not role_toks:
        # no role word in the run: a role needs a head word right before the name, or a
        # comma after it (appositive) or before it (role clause) - test those cheaply first
        last = _LAST_PRE_WORD_REV.match(text[max(0, anchor - 80):anchor][::-1])
        if ((last is None or last.group(1)[::-1].lower() not in heads)
                and text[n_end:n_end + 1] != "," and text[max(0, n_start - 2):n_start] != ", "):
            return None, None, 0.7
    pre_words = _PRE_WORDS_REV.match(text[max(0, anchor - 80):anchor][::-1]).group()[::-1].split()
    if role_toks:
        role_start = role_toks[0][1]
        # extend left over lower-case role words and acronyms: "FO spokesperson", "deputy"
        while pre_words and (_is_role_word(gaz, pre_words[-1]) or pre_words[-1].isupper()):
            role_start -= len(pre_words[-1]) + 1
            pre_words.pop()
        role = text[role_start:role_toks[-1][2]]
        if any(w.lower().rstrip(".") in heads for w in role.split()):
            return role, (role_start, n_end), 0.9
    if pre_words and pre_words[-1].lower() in heads:
        i = len(pre_words)
        while i > 0 and (_is_role_word(gaz, pre_words[i - 1]) or pre_words[i - 1].isupper()):
            i -= 1
        role = " ".join(pre_words[i:])
        return role, (n_start - len(role) - 1, n_end), 0.9
    # 2. appositive after: "Muhammad Nabi Omari, deputy interior minister of ..."
    after = _APPOSITIVE.match(text, n_end, n_end + 120)
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
    if text[max(0, n_start - 2):n_start] == ", ":
        s_start = ctx.sentence_bounds(n_start)[0]
        clause_start = max(text.rfind(",", s_start, n_start - 2) + 1, s_start)
        clause = text[clause_start:n_start - 2].strip()
        cw = clause.split()
        if cw and cw[0].lower() in heads or (len(cw) > 1 and cw[0].lower() in
                                             gaz.roles["_words"] and cw[1].lower() in heads):
            return clause, (clause_start, n_end), 0.85
    return None, None, 0.7


def _speech(gaz, ctx: FieldText, n_start: int, n_end: int) -> bool:
    verbs = gaz.roles["speech_verbs"]
    nxt = _NEXT_WORD.match(ctx.text, n_end, n_end + 30)
    if nxt and nxt.group(1).lower() in verbs:
        return True
    prev = _PREV_WORD_REV.match(ctx.text[max(0, n_start - 20):n_start][::-1])
    return bool(prev and prev.group(1)[::-1].lower() in verbs)


def _merge(persons: list[PersonCandidate], singles: list) -> None:
    """Fold repeated and short mentions into one person per name."""
    if not persons:
        return  # single words only ever join a person
    merged: list[PersonCandidate] = []
    for p in sorted(persons, key=lambda p: -len(p.tokens)):
        same = next((q for q in merged if set(p.tokens) <= set(q.tokens)), None)
        if same is None:
            merged.append(p)
            continue
        same.aliases.append((p.name, p.field, p.start, p.end))
        if same.role is None and p.role:
            same.role, same.role_span = p.role, p.role_span
    for name, fname, s, e, _cue in singles:
        owners = [q for q in merged if name in q.tokens]
        if len(owners) == 1 and (fname, s) != (owners[0].field, owners[0].start):
            owners[0].aliases.append((name, fname, s, e))
    persons[:] = [p for p in merged if len(p.tokens) > 1 or p.role]


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
            texts: list[str] | None = None) -> list[dict]:
    """Person tag records (see ``records``); ``texts``: the article's fields, for spelling
    out acronyms in roles."""
    tags = []
    for p, country in zip(persons, countries, strict=True):
        evidence = [(p.start, p.end, p.name, p.field)]
        aliases: list[str] = []
        for name, fname, s, e in p.aliases:
            evidence.append((s, e, name, fname))
            if name != p.name and name not in aliases:
                aliases.append(name)
        role = p.role.strip(" ,") if p.role else None
        if role and texts and _ACRONYM.search(role):
            role = _spell_out(role, texts)
        tags.append({"name": p.name, "role": role, "country": country, "aliases": aliases,
                     "confidence": p.confidence, "evidence": evidence})
    return tags
