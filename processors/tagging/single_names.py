"""Single names: when one capitalised word stands as a person by itself.

Most capitalised single words in news are places, bodies, sentence starts or short forms of
a name given in full elsewhere; ``persons`` folds the short forms into their full names first.
A word left over is a person only when the text says so: a speech or person verb ("Trump
signed", "..., said Khan"), a person's possessive ("Netanyahu's government"), a description
("Khan, who ...") or another single name beside it ("talks between Putin and Zelensky") - and
not when it is a group ("Officials said"), follows an article ("the Kremlin said") or is a
sentence-initial noun the story also writes in lower case ("Worker dies ... the worker").
These rules live apart from the run rules because they read the whole story, not one run.
"""

from __future__ import annotations

import re

from newswatch.processors.tagging.context import FieldText
from newswatch.processors.tagging.not_names import AGENT_NOUN, LOCATIVE, NOT_NAME_END

__all__ = ["single_cue"]

_AFTER = re.compile(r"(?:'s|’s)[ \u00a0]+(\w+)|[ \u00a0]+(?:(?:has|had|have|also|was|is|were|"
                    r"been|being|later|then|on \w+day)[ \u00a0]+){0,2}(\w+)"
                    r"|,[ \u00a0]+(?:(\w+)\b|\d{1,3},)")  # the three cues after a word at once
_BETWEEN_BEFORE = re.compile(r"\bbetween[ \u00a0]+([A-Z][\w'’-]+)[ \u00a0]+and[ \u00a0]+$")
_AND_AFTER = re.compile(r"[ \u00a0]+and[ \u00a0]+([A-Z][\w'’-]+)")


def single_cue(gaz, text: str, single, lazy: dict) -> bool:
    """A single capitalised word is a person by itself: "Trump signed", "Khan said",
    "Netanyahu's government", "talks between Putin and Zelensky" - unless it is a word for a
    group ("Officials said"), follows an article ("the Kremlin said") or is an acronym.

    ``single``: (name, field, start, end, cue already found). ``lazy``: facts of the story
    shared by all its single words, worked out on first need: the caller gives "singles" (all
    of them), "fields" and "between" (the word occurs in the story); "at" and "doc" are added
    here."""
    name, fname, s, e, cue = single
    if len(name) < 3 or name.isupper() or not name[0].isupper():
        return False
    if not cue:  # most single words have none: a look at the next characters decides
        nxt = text[e:e + 2]
        m = _AFTER.match(text, e, e + 50) if nxt[:1] in ",'’" or nxt[:1] == " " and nxt[
            1:].isalpha() else None
        if m is not None:
            noun, verb, desc = m.groups()
            if noun is not None:
                cue = noun.lower() in gaz.roles["person_nouns"]
            elif verb is not None:  # "Pilots have warned": a plural is a group
                verb = verb.lower()
                cue = (verb in gaz.roles["person_verbs"] or verb in gaz.roles["speech_verbs"]) \
                    and " have " not in m.group() and " were " not in m.group()
            else:
                cue = desc is None or desc in gaz.roles["person_after"]
        if not cue and not (_speech_before(gaz, text, s) or lazy["between"] and _between(
                text, fname, s, e, lazy)):
            return False
    low = name.lower()
    if (low in gaz.roles["generic_subjects"] or low in gaz.roles["not_name_words"]
            or low in gaz.roles["_words"] or len(name) > 5 and low.endswith(NOT_NAME_END)):
        return False  # "Officials said", "Minister", "Demonstrations took place"
    ctx = lazy["fields"].get(fname)  # the story's own (a new one per word cost a copy)
    if ctx is None or ctx.text is not text:
        ctx = FieldText(fname, text)
    prev_word = ctx.prev_word(s)
    if prev_word in ("the", "a", "an", "its", "their", "this") or prev_word in LOCATIVE:
        return False
    # "Worker dies ... the worker was", "Youths said": a sentence's first word that is a noun
    if not ctx.sentence_initial(s):
        return True
    if "doc" not in lazy:
        lazy["doc"] = "\n".join(f.text for f in lazy["fields"].values())
    return not (low.endswith(AGENT_NOUN) or _plural(low) or _has_word(lazy["doc"], low))


def _plural(low: str) -> bool:
    return low.endswith("s") and not low.endswith(("ss", "us", "is", "as", "os"))


def _speech_before(gaz, text: str, s: int) -> bool:
    """ "..., said Khan": the word right before is a speech verb (they end in d, s or e)."""
    if s < 2 or text[s - 1] != " " or text[s - 2] not in "dse":
        return False
    k = text.rfind(" ", max(0, s - 20), s - 1)
    return text[k + 1:s - 1].lower() in gaz.roles["speech_verbs"]


def _between(text: str, fname: str, s: int, e: int, lazy: dict) -> bool:
    """One of two single names joined by "between X and Y", both not places or bodies."""
    if text.find("between", max(0, s - 60), s) == -1:
        return False
    if "at" not in lazy:
        lazy["at"] = {(f, s) for _n, f, s, _e, _c in lazy["singles"]}
    at = lazy["at"]
    window = text[max(0, s - 60):s]
    before = _BETWEEN_BEFORE.search(window)
    if before:
        other = s - len(before.group(0)) + before.group(0).index(before.group(1), 7)
        return (fname, other) in at
    if window.endswith(("between ", "between\u00a0")):
        after = _AND_AFTER.match(text, e)
        return after is not None and (fname, after.start(1)) in at
    return False


def _has_word(doc: str, low: str) -> bool:
    """``low`` occurs in ``doc`` as a whole lower-case word."""
    i = doc.find(low)
    while i != -1:
        j = i + len(low)
        if (i == 0 or not doc[i - 1].isalnum()) and (j == len(doc) or not doc[j].isalnum()):
            return True
        i = doc.find(low, i + 1)
    return False
