"""Event types from the cue lexicon, and a severity score.

Violent and concrete events (attack, bombing, airstrike, clash, kidnapping, disaster, protest,
arrest, negotiation: ``strong: true`` in ``events.yaml``) count on one cue. Background types that stories mention in passing
(economic, legal, humanitarian, health, diplomatic, election, sports, fire, accident) need two
cues, or one in the title or the lede (the text's first sentence, which says what the story is
about: "Russia's economy is hanging between stagnation and decline"), so "massive
displacement of people" in a background sentence does not make a story humanitarian.

Severity: the highest base severity of the reported types, raised by the number of people
reported killed or injured ("killed 12", "12 people were killed", "seven of its soldiers").
Casualties count only in sentences that carry a cue of a reported harmful event type
(severity >= 0.3): "a conflict that has claimed thousands of lives" in a background
sentence about talks is history, not this story's toll.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from newswatch.processors.tagging.context import FieldText
from newswatch.processors.tagging.entries import EVENT, NOT_EVENT
from newswatch.processors.tagging.gazetteer import Gazetteer
from newswatch.processors.tagging.intervals import index_by_field
from newswatch.processors.tagging.matching import Hit
from newswatch.processors.tagging.records import EventRecord
from newswatch.processors.tagging.word_lists import WORDS

__all__ = ["resolve_events", "severity"]

_NUMBER_WORDS = WORDS.number_words
# tokens, stripped of their outer commas after: "1,000," -> "1,000"; ",," -> "" (one regex
# doing both, ",*((?:\w+,+)*\w+),*|,+", backtracks in every word: twice the time)
_WORDS = re.compile(r"[\w,]+")


def resolve_events(gaz: Gazetteer, hits: list[Hit], text: FieldText | None = None,
                   names: Iterable[tuple[str, int, int]] = ()) -> list[EventRecord]:
    """Event tag records (see ``records``), in the lexicon's order of types. ``text``: the
    article's text field, whose first sentence is the lede; ``names``: (field, start, end) of
    names the article holds (persons', places'). A cue strictly inside a name is part of the
    name, not evidence of an event: "Linda Battle" reports no clash, "Battle Creek" neither."""
    found: dict[str, list[Hit]] = {}
    strong = gaz.strong_events
    cancelled = index_by_field((h.field, h.start, h.end) for h in hits
                               if any(e.ref == NOT_EVENT for e in h.entries))
    in_names = index_by_field(names)
    for hit in hits:
        inside = cancelled.get(hit.field)
        if inside is not None and inside.covers_other(hit.start, hit.end):
            continue  # "landslide" in "a landslide victory", "attack" in "heart attack"
        named = in_names.get(hit.field)
        if named is not None and named.covers_other(hit.start, hit.end):
            continue
        for e in hit.entries:
            if e.kind == EVENT and e.ref != NOT_EVENT:  # the phrase itself may be a cue
                found.setdefault(e.ref, []).append(hit)
    tags: list[EventRecord] = []
    for etype, ev in found.items():
        distinct = {h.surface.lower() for h in ev}
        in_title = any(h.field == "title" for h in ev)
        if etype not in strong and len(ev) < 2 and not in_title and not (
                text is not None and ev[0].end <= text.first_sentence_end()):
            continue
        conf = min(0.95, 0.55 + 0.1 * len(distinct) + (0.15 if in_title else 0.0))
        evidence = [(h.start, h.end, h.surface, h.field) for h in ev]
        tags.append({"type": etype, "confidence": round(conf, 3), "evidence": evidence})
    order = list(gaz.event_severity)
    tags.sort(key=lambda t: order.index(t["type"]) if t["type"] in order else len(order))
    return tags


def _value(token: str) -> int:
    token = token.lower().replace(",", "")
    if token.isdigit():
        return int(token)
    return _NUMBER_WORDS.get(token, 0)


def _count(word: str) -> int:
    if word[0].isdigit():
        digits = word.replace(",", "")
        if not digits.isdigit():
            return 0
        n = int(digits)
        return 0 if n > 100_000 or 1900 <= n <= 2100 else n  # a year is not a count
    return _NUMBER_WORDS.get(word, 0)


def casualties(gaz: Gazetteer, text: str) -> tuple[int, int]:
    """(killed, injured): the largest counts near a casualty word.

    "12 people were killed", "killed 12", "seven of its soldiers ... death": a number within
    six words before, or two words after, a casualty word.
    """
    killed_words, injured_words = gaz.casualty_words["killed"], gaz.casualty_words["injured"]
    low = text.lower()
    if not any(w in low for w in gaz.casualty_hint):
        return 0, 0  # no casualty word anywhere: skip tokenising
    if len(low) == len(text):
        words = [w.strip(",") for w in _WORDS.findall(low)]
    else:  # a character lower-cases to two ("İ"): tokenise the original
        words = [w.strip(",").lower() for w in _WORDS.findall(text)]
    killed = injured = 0
    for i, word in enumerate(words):
        is_killed = word in killed_words
        if not is_killed and word not in injured_words:
            continue
        window = words[max(0, i - 6):i] + words[i + 1:i + 3]
        n = max((_count(w) for w in window if w), default=0)
        if is_killed:
            killed = max(killed, n)
        else:
            injured = max(injured, n)
    return killed, injured


_MAX_SPOTS = 8  # casualty words in a field beyond which the sentences are found after all


def _casualty_spots(gaz: Gazetteer, text: str) -> list[tuple[int, int]] | None:
    """Where the casualty words (``casualty_hint``) occur in ``text``, lower-cased; None when
    there are many, or when lower-casing moves offsets ("İ")."""
    low = text.lower()
    if len(low) != len(text):
        return None
    hints = gaz.memo.get("ascii_casualty_hint", False)
    if hints is False:  # asked once per gazetteer, not once per word and article
        hints = gaz.memo["ascii_casualty_hint"] = (
            gaz.casualty_hint if all(w.isascii() for w in gaz.casualty_hint) else None)
    if hints is None:  # a word that could lower-case differently in a slice
        return None
    spots: list[tuple[int, int]] = []
    for w in hints:
        if w not in low:  # most are absent: "in" is a cheaper test than find's
            continue
        i = low.find(w)
        while i != -1:
            spots.append((i, i + len(w)))
            if len(spots) > _MAX_SPOTS:
                return None
            i = low.find(w, i + 1)
    return spots


def _no_casualty_word(gaz: Gazetteer, ctx: FieldText, pos: int,
                      spots: dict[str, list[tuple[int, int]] | None]) -> bool:
    """The sentence at ``pos`` surely holds no casualty word, so ``casualties`` would find
    nothing in it: between each casualty word and ``pos`` a sentence starts. Told without
    finding every sentence of the field (a pass over all of it); ``spots`` keeps each
    field's casualty words."""
    if ctx.name not in spots:
        spots[ctx.name] = _casualty_spots(gaz, ctx.text)
    found = spots[ctx.name]
    if found is None:
        return False
    for hs, he in found:
        # the word is in the sentence [a, b) at pos when a <= hs and he <= b: no sentence
        # start in (hs, pos] nor in (pos, he)
        if not ctx.sentence_starts_in(min(hs, pos), max(he - 1, pos)):
            return False
    return True


def severity(gaz: Gazetteer, events: list[EventRecord], fields: dict[str, FieldText]) -> float:
    """``fields``: field name -> ``FieldText`` (the evidence spans index into them)."""
    if not events:
        return 0.0
    base = max(gaz.event_severity.get(e["type"], 0.1) for e in events)
    if base < 0.3:
        return round(base, 3)  # talks, economy, sport: casualty counts are not theirs
    sentences: set[tuple[str, int, int]] = set()
    spots: dict[str, list[tuple[int, int]] | None] = {}
    for e in events:
        if gaz.event_severity.get(e["type"], 0.1) < 0.3:
            continue
        for start, _end, _text, fname in e["evidence"]:
            if _no_casualty_word(gaz, fields[fname], start, spots):
                continue  # casualties() would count nothing there
            sentences.add((fname, *fields[fname].sentence_bounds(start)))
    killed = injured = 0
    for fname, a, b in sentences:
        k, i = casualties(gaz, fields[fname].text[a:b])
        killed, injured = max(killed, k), max(injured, i)
    harm = killed + 0.3 * injured
    if harm > 0:
        base = max(base, min(1.0, 0.6 + 0.12 * math.log2(1 + harm)))
    return round(min(1.0, base), 3)
