"""Named organisations that no dictionary lists, found by the shape of their names.

Why: world news names far more bodies than a dictionary can hold ("the Oromo Liberation Front",
"Mineworkers Union of Namibia", "the National Disaster Management Authority (NDMA)"). Such a
name is a run of capitalised words ending in - or starting with - a word that says what the
body is (Party, Council, Ministry, Front, Times ...), and a parenthesised acronym right after
it is its short form. Both are read off the text; nothing is guessed from a list of names.

Only candidate spans are looked at: one automaton pass finds head words, and the words around each
head are read in place. The finder reports spans; ``actors`` decides how they merge with
dictionary actors and composed state bodies and gives them a country. The tagger also keeps
person detection off these spans ("Middle East Eye" is not a person).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as _field  # "field" is an attribute name here

import ahocorasick_rs
from newswatch.processors.tagging.context import FieldText, tokens
from newswatch.processors.tagging.given_names import known_name
from newswatch.processors.tagging.intervals import index_by_field
from newswatch.processors.tagging.word_lists import WORDS

__all__ = ["OrgMention", "find_organisations", "spans", "title_case"]


# head word -> (actor type, CAMEO-like code). Plural and national spellings share a row.
_HEAD_GROUPS = WORDS.org_heads
_HEADS = {w: kind for words, kind in _HEAD_GROUPS for w in words}
# one Rust automaton pass finds head words: a regex alternation of ~80 words costs ten
# times as much on a news item
_HEAD_FINDER = ahocorasick_rs.AhoCorasick(list(_HEADS),
                                          matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
# words that make the type more precise than the head does ("Police Service", "Central Bank")
_TYPE_WORDS = WORDS.org_type_words

# capitalised words that are not part of a name before its head word
_MONTHS_DAYS = WORDS.word_set("months_days")
_STOP = _MONTHS_DAYS | WORDS.word_set("org_not_name_words")
# a possessive or an attributive compound ("Hamas-run"): the name starts after the word
_BEFORE_NAME_ENDS = ("'s", "’s", *WORDS.word_tuple("attributive_endings"))
_FORWARD_CONN = frozenset({"of", "for", "on", "and", "&", "de", "des", "du"})
_NOT_ORGS = frozenset({"Soviet Union", "West Bank", "Wall Street Journal", "World Bank Group"})
_INITIAL = re.compile(r"[A-Z]\.")  # "Donald J. Trump Institute of Peace"
_NEXT_WORD = re.compile(r"[ \u00a0]([A-Z][\w'’-]*)")
_LEAD_PUNCT = "\"'“‘(["
_TRAIL_PUNCT = "\"'”’),.;:!?]"
_ACRONYM_AFTER = re.compile(r"[ \u00a0]*\(([A-Z][A-Za-z&]*[A-Z])\)")
_WINDOW = 90  # characters read on each side of a head word
_NEAR = 40  # characters read first on each side (see ``_run_at``)
_WIDER = object()  # ``_run_in``'s answer when the words it read do not settle the name
# a company named after what it is: "drone maker Xtend", "Spanish shipbuilder Cardama",
# "tech giant Nvidia" (nouns that name a person too - producer, developer - are left out)
_COMPANY_NOUNS = WORDS.word_tuple("company_nouns")
_COMPANY_FINDER = ahocorasick_rs.AhoCorasick(list(_COMPANY_NOUNS),
                                             matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
_NAME_AFTER = re.compile(r"[ \u00a0]+([A-Z][\w&'’.-]*(?:[ \u00a0][A-Z][\w&'’.-]*){0,2})")


@dataclass(slots=True)
class OrgMention:
    """One named organisation in one field: its name span, head word, and the spans of its
    acronym (where the text defines one) - all evidence of the same actor."""

    field: str
    start: int
    end: int
    name: str
    type: str
    cameo: str | None
    head_start: int
    head_end: int
    acronym: str | None = None
    extra: list[tuple[str, int, int]] = _field(default_factory=list)  # (field, start, end)


def _cap(tok: str) -> bool:
    if tok[:1].isupper():
        return True
    # "al-Qassam", "el-Sisi": an Arabic article before a capitalised name
    return len(tok) > 3 and tok[2] == "-" and tok[3:4].isupper() and tok[:2] in ("al", "el")


def title_case(text: str) -> bool:
    """A headline in title case: capitals there say nothing about names."""
    words = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _run_at(text: str, head_start: int, head_end: int, floor: int,
            role_words: frozenset[str], titled: bool) -> tuple[int, int, list[str]] | None:
    """The organisation name around the head word at [head_start, head_end), or None; it
    starts at or after ``floor`` (where the previous name ended).

    The words are read from ``_NEAR`` characters on each side first, and from the whole
    ``_WINDOW`` only when the name reaches the edge of that: most names are a few words, and
    a story naming many bodies paid for tokenizing 180 characters around every head word."""
    lo, hi = max(0, head_start - _WINDOW), min(len(text), head_end + _WINDOW)
    near_lo, near_hi = max(lo, head_start - _NEAR), min(hi, head_end + _NEAR)
    if near_lo > lo or near_hi < hi:
        run = _run_in(text, head_start, head_end, floor, role_words, titled, near_lo, near_hi,
                      near_lo > lo, near_hi < hi)
        if run is not _WIDER:
            return run
    return _run_in(text, head_start, head_end, floor, role_words, titled, lo, hi, False, False)


def _run_in(text: str, head_start: int, head_end: int, floor: int, role_words: frozenset[str],
            titled: bool, lo: int, hi: int, more_before: bool, more_after: bool):
    """``_run_at`` on the words in [lo, hi); ``_WIDER`` when the answer may depend on words
    outside it (``more_before``/``more_after``: the window was cut short on that side)."""
    toks = tokens(text, lo, hi)
    if lo > 0:
        toks = toks[1:]  # the first token may be cut
    n = len(toks)
    # the last token may be cut at ``hi``: one cut short must not be read
    limit = n - 1 if more_after else n
    i = None
    for k in range(n):
        if toks[k][1] <= head_start < toks[k][2]:
            i = k
            break
    if i is None:
        return _WIDER if more_before else None
    if i >= limit:
        return _WIDER
    tok, s, e = toks[i]
    core = tok.rstrip(_TRAIL_PUNCT)
    if core.endswith(("'s", "’s")) or s != head_start and tok[:head_start - s].strip(_LEAD_PUNCT):
        return None  # "Council's" as a possessive is fine later; "UN-Council" is not a head
    start, end = head_start, head_end
    words = [text[head_start:head_end]]
    closed_after = len(core) < len(tok) or e != head_end  # punctuation right after the head
    # backwards: capitalised words, "and"/"&" between them ("Securities and Exchange")
    opened = text[s - 1:s] in _LEAD_PUNCT and s > 0
    k = -1 if opened else i - 1  # a head opening a quote or bracket: nothing before belongs
    pending: list[tuple[str, int]] = []
    while k >= 0:
        tok, ts, te = toks[k]
        if ts < floor or toks[k + 1][1] - te != 1 or (
                tok[-1] in _TRAIL_PUNCT and not _INITIAL.fullmatch(tok)):
            break  # more than one space, or punctuation: a new phrase
        lead = tok[0] in _LEAD_PUNCT
        word = tok.lstrip(_LEAD_PUNCT)
        if word in ("and", "&"):
            pending.append((word, ts))
            k -= 1
            continue
        if not word or not _cap(word) or word in _STOP or word.endswith(_BEFORE_NAME_ENDS):
            break  # "Ramallah-based Palestinian Authority": the name starts after "-based"
        for w, _p in pending:
            words.insert(0, w)
        pending = []
        words.insert(0, word)
        start = ts + (len(tok) - len(word))
        if lead:
            break
        k -= 1
    else:
        if more_before and not opened:
            return _WIDER  # every word before was part of the name: there may be more
    # forwards: "of/for/on/and (the) Capitalised...", further head words
    k = i + 1
    last = i
    in_segment = False  # inside "of/for/on ..." words go on: "Committee on Capital Market"
    while not closed_after and k < n:
        if k >= limit:
            return _WIDER
        tok, ts, te = toks[k]
        if ts - toks[k - 1][2] != 1:
            break
        word = tok.rstrip(_TRAIL_PUNCT)
        if word in _FORWARD_CONN and not (word in ("and", "&") and not in_segment):
            j = k + 1
            if j >= limit and more_after:
                return _WIDER
            if j < n and toks[j][0] == "the" and word != "and":
                j += 1
                if j >= limit and more_after:
                    return _WIDER
            if j >= n or toks[j][1] - toks[j - 1][2] != 1:
                break
            nxt = toks[j][0].rstrip(_TRAIL_PUNCT)
            if (not nxt or not _cap(nxt) or nxt in _STOP or nxt in _MONTHS_DAYS
                    or toks[j][0][0] in _LEAD_PUNCT
                    or (word == "and" and nxt in _HEADS)):
                break
            k = j
            in_segment = True
            continue
        if not word or not _cap(word) or word in _STOP or word in _MONTHS_DAYS:
            break
        if not in_segment and word not in _HEADS:
            break  # right after the head only another head word: "Police Service"
        possessive = word.endswith(("'s", "’s"))
        if possessive:
            word = word[:-2]
        last = k
        end = ts + len(word)
        if possessive or len(word) < len(tok):
            break
        k += 1
    if last > i:
        words.extend(text[head_end:end].split())
    if len(words) < 2:
        return None  # a bare head word ("the Council") names nothing in particular
    after = _NEXT_WORD.match(text, end)
    if (after is not None and not titled and after.group(1) not in _STOP
            and after.group(1).lower() not in role_words):
        return None  # "Digital Services Act": part of a longer name that is no body's
    return start, end, words


def find_organisations(fields: dict[str, FieldText],
                       role_words: frozenset[str] = frozenset()) -> list[OrgMention]:
    """Organisation names in every field (title-case headlines only where the body repeats
    the name), with acronyms the text defines for them. ``role_words`` may follow a name
    ("Election Commission chief")."""
    out: list[OrgMention] = []
    body = fields["text"].text if "text" in fields else ""
    for fname, ctx in fields.items():
        text = ctx.text
        if not text or ctx.all_caps:
            continue
        titled = fname == "title" and title_case(text)
        end_of_last = -1
        for _i, hs, he in _HEAD_FINDER.find_matches_as_indexes(text):
            if hs < end_of_last or (hs and text[hs - 1].isalnum()) or (
                    he < len(text) and text[he].isalnum()):
                continue  # "Armyworm", "Unionist": not a whole word
            run = _run_at(text, hs, he, end_of_last, role_words, titled)
            if run is None:
                continue
            start, end, words = run
            name = text[start:end]
            if name.startswith(("the ", "The ")):
                continue
            if name in _NOT_ORGS or (titled and name not in body):
                continue
            end_of_last = end
            org = _make(fname, start, end, name, words, hs, he)
            acro = _ACRONYM_AFTER.match(text, end)
            if acro is not None and _fits(acro.group(1), words):
                org.acronym = acro.group(1)
                org.extra.append((fname, *acro.span(1)))
                end_of_last = acro.end()
            out.append(org)
    out += _companies(fields, out, role_words)
    out += _defined_by_acronym(fields, out)
    _acronym_uses(out, fields)
    return out


# a name the text abbreviates in brackets right after it: "the Platform for International
# Cooperation on Undocumented Migrants (PICUM)", "the NGO Right to Protection (R2P)"
_DEFINED = re.compile(r"\(([A-Z][A-Za-z0-9&]+[A-Z0-9])\)")  # tried at each " (" found
_INNER_CONN = _FORWARD_CONN | {"the", "to", "in"}
# last words of abbreviated names that are no organisation: "Gross Domestic Product (GDP)",
# "Entry-Exit Checkpoints (EECPs)", "Line of Control (LoC)", "Citizenship Amendment Act"
_NOT_ORG_TAILS = WORDS.word_set("org_not_tails")


def _defined_acronyms(text: str) -> list[re.Match]:
    """Bracketed acronyms after a space (str.find: ten times faster than a regex scan)."""
    out = []
    i = text.find("(")
    while i != -1:
        if i and text[i - 1] in " \u00a0" and (m := _DEFINED.match(text, i)) is not None:
            out.append(m)
        i = text.find("(", i + 1)
    return out


def _defined_by_acronym(fields: dict[str, FieldText],
                        found: list[OrgMention]) -> list[OrgMention]:
    """Organisations no head word names but the text defines an acronym for (three letters
    or more, abbreviating the name's capitalised words)."""
    out: list[OrgMention] = []
    # where a name already stands (a bracket right after one belongs to it), by bisection:
    # a scan of every name per bracket made long articles quadratic
    named = index_by_field((o.field, o.start, o.end + 2) for o in found)
    for fname, ctx in fields.items():
        text = ctx.text
        if ctx.all_caps or "(" not in text:
            continue
        taken = named.get(fname)
        mine = len(out)  # this field's own names start here, in text order
        for m in _defined_acronyms(text):
            acronym = m.group(1)
            pos = m.start() - 1  # the space before the bracket
            if taken is not None and taken.holds(pos):
                continue
            # this field's names so far end at earlier brackets, in order: only the last can
            # reach this one
            if len(out) > mine and out[-1].start <= pos < out[-1].end + 2:
                continue
            toks: list[tuple[str, int, int]] = []
            for tok in reversed(tokens(text, max(0, pos - 120), pos)):
                w = tok[0]
                if w in _STOP or not (_cap(w) or w in _INNER_CONN) or w[-1] in ",.;:!?\"”’)":
                    break
                toks.append(tok)
            toks.reverse()
            while toks and toks[0][0][:1] != acronym[0]:
                toks.pop(0)  # "the NGO Right to Protection (R2P)": the name starts there
            words = [t[0] for t in toks]
            caps = [w for w in words if _cap(w)]
            if (len(caps) < 2 or words[-1].lower() in _NOT_ORG_TAILS
                    or not _fits(acronym, words) or known_name(caps[:2])):
                continue  # "Andres Manuel Lopez Obrador (AMLO)" is a person
            start = toks[0][1]
            out.append(OrgMention(fname, start, pos, text[start:pos], "other", None, start, pos,
                                  acronym=acronym, extra=[(fname, *m.span(1))]))
    return out


def _company_names(text: str) -> list[re.Match]:
    """The capitalised words right after each whole-word company noun, in text order (one
    automaton pass, as for head words)."""
    found = []
    for _k, i, j in _COMPANY_FINDER.find_matches_as_indexes(text):
        if (i == 0 or not text[i - 1].isalnum()) and (m := _NAME_AFTER.match(text, j)):
            found.append(m)
    return found


def _companies(fields: dict[str, FieldText], found: list[OrgMention],
               role_words: frozenset[str]) -> list[OrgMention]:
    """Companies the text names after what they are ("drone maker Xtend")."""
    out: list[OrgMention] = []
    for fname, ctx in fields.items():
        text = ctx.text
        if ctx.all_caps:
            continue
        for m in _company_names(text):
            words = []
            for w in m.group(1).replace("\u00a0", " ").split():
                bare = w.rstrip(_TRAIL_PUNCT)
                if bare in _STOP or bare.lower() in role_words or bare.endswith(("'s", "’s")):
                    break
                words.append(bare)
                if len(bare) < len(w):
                    break
            if not words:
                continue
            start = m.start(1)
            end = text.index(words[-1], start) + len(words[-1])
            if any(o.field == fname and o.start < end and start < o.end for o in found):
                continue
            out.append(OrgMention(fname, start, end, text[start:end], "company", "BUS",
                                  start, end))
    return out


def _make(fname: str, start: int, end: int, name: str, words: list[str], hs: int,
          he: int) -> OrgMention:
    kind = _HEADS[name[hs - start:he - start]]
    for w in words:
        if w in _TYPE_WORDS:
            kind = _TYPE_WORDS[w]
            break
    return OrgMention(fname, start, end, name, kind[0], kind[1], hs, he)


def _fits(acronym: str, words: list[str]) -> bool:
    """Whether ``acronym`` abbreviates the name: its capitals are the initials of the name's
    capitalised words, in order, allowing skipped words ("Investments and Securities
    Tribunal (IST)", "Bangladesh Nationalist Party (BNP)")."""
    letters = [c for c in acronym if c.isupper()]
    initials = [w[0] for w in words if w[:1].isupper()]
    if len(letters) < 2 or letters[0] != initials[0]:
        return False
    j = 0
    for c in letters:  # the initials, in order, inside the acronym's capitals
        if j < len(initials) and c == initials[j]:
            j += 1
    return j >= max(2, len(letters) - 1)


def _acronym_uses(orgs: list[OrgMention], fields: dict[str, FieldText]) -> None:
    """Later uses of a defined acronym ("the OLF said") are the same organisation."""
    defined = {o.acronym: o for o in orgs if o.acronym}
    if not defined:
        return
    known = {id(o): set(o.extra) for o in defined.values()}  # not a list scan per use
    if len(defined) == 1:  # most stories define one: str.find, not a regex scan of the text
        (acronym, org), = defined.items()
        seen = known[id(org)]
        for fname, ctx in fields.items():
            for start, end in _whole_words(ctx.text, acronym):
                span = (fname, start, end)
                if span not in seen:
                    seen.add(span)
                    org.extra.append(span)
        return
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, defined)) + r")\b")
    for fname, ctx in fields.items():
        for m in pattern.finditer(ctx.text):
            org = defined[m.group()]
            span = (fname, m.start(), m.end())
            if span not in known[id(org)]:
                known[id(org)].add(span)
                org.extra.append(span)


def _whole_words(text: str, word: str) -> list[tuple[int, int]]:
    """Where ``word`` (word characters at both ends) stands as a whole word, as the regex
    ``\\bWORD\\b`` finds it: no word character (``\\w``: alphanumeric or "_") on either side."""
    out = []
    n = len(word)
    i = text.find(word)
    while i != -1:
        j = i + n
        if ((i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"))
                and (j == len(text) or not (text[j].isalnum() or text[j] == "_"))):
            out.append((i, j))
            i = text.find(word, j)
        else:
            i = text.find(word, i + 1)
    return out


def spans(orgs: list[OrgMention]) -> list[tuple[str, int, int]]:
    """(field, start, end) of every name and acronym mention of ``orgs``."""
    return [(o.field, o.start, o.end) for o in orgs] + [x for o in orgs for x in o.extra]
