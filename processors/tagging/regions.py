"""Resolve geo hits into countries, first-level divisions, places and macro-regions.

Rules (each has a unit test with the sentence that motivated it):
- ordinary capitalised words that are also place names ("March", "But", "Port", "Iftar") are
  never places; a few ("Nice", "Reading") only right after a locative word ("in Nice");
- a small city (< 100,000 people) named by a single word needs support: a locative word
  before it, a place noun after it ("Khost town"), or other evidence for its country;
- a small city from a country nothing else names, in a story that names other countries
  at least twice, is a namesake ("Yauri" in a Nigerian story is not the Peruvian town);
- a place inside a person's name is no place ("George Washington");
- a single-word city that is one word of a longer capitalised name ("Paul Jenkins",
  "Lake Superior", "Madison Square Garden", "Houston Rockets") is no place unless a locative
  word comes before it ("in Paris Hilton's home town" stays out too: "in" is before "Paris");
- same-name places: a candidate in a division that another mention names firmly wins
  ("Athens" in a story that names Clarke County, Georgia);
- same-name places in one country (the 30 "Washington County"s): the country counts, the
  division only when another mention supports it;
- a place inside an actor's name counts only for the actor's own country ("Afghan" in
  "Afghan Taliban" yes, "Shanghai" in "Shanghai Cooperation Organisation" no);
- same-name places: the candidate whose country other mentions support wins, then the one
  whose country the names listed with it share ("Birmingham and Manchester"), then the one
  with the larger population ("Hyderabad" in a Pakistani story is Hyderabad, Sindh);
- a town that is also a common given name or surname ("George", "Madison", "Walker") is a
  place only after a locative word ("in Madison": the "locative" list);
- a country acronym followed by a number is a route ("US 41");
- a country name that is also a given name ("Jordan", "Chad") next to another name word is
  a person ("Jordan Dyer", "Chad Walker");
- a division that shares its name with a country ("Georgia") is the division only when
  another place in the division's country below country level is named ("Atlanta", "Ohio");
- a US state abbreviation counts only in the dateline shape "Athens, Ga.";
- a US county ("Edgar County") gives the US and, when the name is unique, its state;
- "never" and "locative" words apply to all-caps lines too ("NICE WEATHER");
- a city implies its division and country; a seat of government used for the government
  ("Islamabad said") implies the country but not its division;
- the place of a dateline ("DUBAI, Feb 17 (Reuters) -", "KYIV, Ukraine (AP) -") is named as
  a place, like one after a locative word;
- a seat of government named as a target, a home or a scene is the city ("strikes on Kyiv",
  "residents of Kabul", "Beirut's southern suburbs", a dateline), and so is
  one listed with other places ("central London and Paris"): division yes, government no.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple, TypeAlias

from newswatch.processors.tagging.context import (
    LOCATIVE_WORDS,
    PLACE_NOUNS,
    FieldText,
    without_possessive,
)
from newswatch.processors.tagging.entries import (
    ABBR,
    ADMIN1,
    COUNTRY,
    DEMONYM,
    EXACT,
    GEO_KINDS,
    INSTITUTION,
    PLACE,
    SEAT,
    UNSURE_PLACE,
    Entry,
    Kind,
)
from newswatch.processors.tagging.gazetteer import Gazetteer
from newswatch.processors.tagging.intervals import index_by_field
from newswatch.processors.tagging.matching import Hit
from newswatch.processors.tagging.records import (
    Admin1Record,
    CountryRecord,
    PlaceRecord,
    RegionsRecord,
    SpanT,
    span_of,
)
from newswatch.processors.tagging.textnorm import fold
from newswatch.processors.tagging.word_lists import WORDS

__all__ = ["GeoMention", "resolve_regions"]

_SMALL_CITY = 100_000
# a sentence's first word followed by an office or body of a place ("Belgorod governor said",
# "Lagos police said") is that place, not an ordinary capitalised word
_INSTITUTION_NEXT = WORDS.word_set("institution_next")
_WORD_AFTER = re.compile(r"(?:'s|’s)?[ \u00a0]+(\w+)")
_ROUTE_NEXT = re.compile(r"[ -]\d")  # "US 41", "US-24"
# a report's languages in its title ("Snapshot [EN/UK]", "[EN/AR/FR]"), as ReliefWeb writes
_LANGUAGES = re.compile(r"\[(?:[A-Z]{2}/)+[A-Z]{2}\]")


def _language_tag(text: str, hit: Hit) -> bool:
    """Whether the hit is a code in a bracketed list of languages that includes English."""
    start = text.rfind("[", max(0, hit.start - 12), hit.start)
    if start < 0:
        return False
    tag = _LANGUAGES.match(text, start)
    return tag is not None and hit.end < tag.end() and "EN" in tag.group()[1:-1].split("/")


_DATELINE = re.compile(r"[A-Z][\w'’.-]*, \Z")  # "Athens, " before a state abbreviation
_LANGUAGE_NEXT = WORDS.word_set("language_next")
_PHRASE_END = WORDS.word_set("phrase_end") | {""}  # "": the end of the text


@dataclass(slots=True)
class GeoMention:
    """One resolved geo hit: what it names and how it was used."""

    hit: Hit
    kind: Kind
    country: str | None
    admin1: str | None = None
    place: int | None = None
    locative: bool = False
    as_government: bool = False
    confidence: float = 0.8


# One way to read a geo hit: one of its gazetteer entries (kind, what it names, the country
# and division that implies, prior score), or a copy of a place entry whose kind is
# UNSURE_PLACE: a place that counts only when other mentions support its country. Most
# readings are the entries themselves, so none is built per hit.
Reading: TypeAlias = Entry
# builds a named tuple without its Python-level __new__ (Candidate: once per geo hit)
_new_tuple = tuple.__new__


def _unsure(e: Entry) -> Reading:
    return _new_tuple(Entry, (UNSURE_PLACE, *e[1:]))


class Candidate(NamedTuple):
    """A geo hit with its readings, whether a locative word or a dateline marks it as a
    place, whether a seat of government in it is named as the city, and the words right
    before and after it (read once: the seat and division rules ask them again)."""

    hit: Hit
    readings: list[Reading]
    locative: bool
    seat_place: bool
    prev: str
    nxt: str


def _candidates(gaz: Gazetteer, hit: Hit, ctx: FieldText, prev: str, nxt: str,
                locative: bool) -> list[Reading]:
    single = " " not in hit.surface.strip()
    surface = hit.surface
    if surface.isupper() and len(surface) > 1:  # "NICE", "MARCH" in an all-caps line
        surface = surface.title()
    blocked = surface in gaz.never
    # facts about the hit's context, each worked out at most once (a name like "Paris" has
    # dozens of entries); in local variables, not a closure made for every hit
    neighbour: bool | None = None
    initial: bool | None = None

    out: list[Reading] = []
    for e in hit.entries:
        kind = e.kind
        if kind not in GEO_KINDS:
            continue
        mode = e.mode
        if mode == ABBR and not (hit.surface.endswith(".") and _DATELINE.search(
                ctx.text, max(0, hit.start - 40), hit.start)):
            continue  # "Ga." only as in "Athens, Ga."
        if kind == PLACE:
            if blocked:
                continue
            place = gaz.places[e.ref]
            if locative:
                out.append(e)
                continue
            if place.locative_only or surface in gaz.locative:
                continue
            if not place.curated and single and (neighbour if neighbour is not None else (
                    neighbour := _next_to_name(gaz, ctx, hit))):
                continue  # one word of a longer name: "Paul Jenkins", "Arad Braverman, a"
            if e.tag == "alt" and place.population < 1_000_000:
                out.append(_unsure(e))  # an alternate name of a mid-size city
                continue
            if not place.curated and single:
                if place.population < _SMALL_CITY:
                    out.append(_unsure(e))  # needs its country supported
                    continue
                if initial is None:
                    initial = ctx.sentence_initial(hit.start) and not _institution_after(
                        ctx.text, hit.end)
                if initial:
                    out.append(_unsure(e))
                    continue
            out.append(e)
            continue
        if kind == DEMONYM and (nxt in _LANGUAGE_NEXT or (prev == "in" and nxt in _PHRASE_END)):
            continue  # "in English", "Urdu-language daily": a language, not a nation
        if kind in (ADMIN1, SEAT) and blocked:
            continue
        if kind == ADMIN1 and surface in gaz.locative and not locative:
            continue
        if kind == COUNTRY and mode == EXACT and (_ROUTE_NEXT.match(ctx.text, hit.end)
                                                  or _language_tag(ctx.text, hit)):
            continue  # "US 41", "US-24": a route; "[EN/UK]": languages, not the country
        if (kind in (COUNTRY, SEAT) and hit.surface in gaz.person_names and not locative
                and (neighbour if neighbour is not None else (
                    neighbour := _next_to_name(gaz, ctx, hit)))):
            continue  # "Jordan Dyer, 17": a person's given name, not the kingdom
        if kind == ADMIN1 and single and not locative and (
                neighbour if neighbour is not None else (
                    neighbour := _next_to_name(gaz, ctx, hit))):
            continue  # "Lt. Paul Henderson": not the Cape Verdean division Paul
        out.append(e)
    return out


def _institution_after(text: str, end: int) -> bool:
    """The name is followed by an office or body of a place ("Belgorod's governor")."""
    m = _WORD_AFTER.match(text, end, end + 40)
    return m is not None and m.group(1).lower() in _INSTITUTION_NEXT


def _has_kind(options: list[Reading], kind: Kind) -> bool:
    # a loop, not any() over a generator: compiled, a generator is an object made per call
    for o in options:
        if o.kind == kind:
            return True
    return False


def _next_to_name(gaz: Gazetteer, ctx: FieldText, hit: Hit) -> bool:
    """The hit is one word of a longer capitalised name ("Paul Jenkins")."""
    return not ctx.all_caps and ctx.name_neighbour(hit.start, hit.end, gaz.roles["_words"],
                                                   gaz.never_words)


def _admin1_name(gaz: Gazetteer, code: str, default: str) -> str:
    key = ("name", code)
    name = gaz.memo.get(key)
    if name is None:
        name = fold(gaz.admin1_names.get(code, default))
        if code in gaz.admin1_names:
            gaz.memo[key] = name
    return name


def resolve_regions(
    gaz: Gazetteer,
    hits: list[Hit],
    fields: dict[str, FieldText],
    person_spans: list[tuple[str, int, int]],
) -> tuple[RegionsRecord, list[GeoMention]]:
    """Countries, divisions and places named in the article, with evidence.

    Returns the regions record (plain dicts, see ``records``) and the resolved mentions.
    """
    cands: list[Candidate] = []
    in_person = index_by_field(person_spans)
    for hit in hits:
        persons = in_person.get(hit.field)
        if persons is not None and persons.overlaps(hit.start, hit.end):
            continue
        ctx = fields[hit.field]
        prev, nxt = ctx.prev_word(hit.start), ctx.next_word(hit.end)
        locative = (prev in LOCATIVE_WORDS or nxt in PLACE_NOUNS
                    or ctx.dateline(hit.start, hit.end))
        options = _candidates(gaz, hit, ctx, prev, nxt, locative)
        if options:
            seat_place = (not locative and _has_kind(options, SEAT)
                          and _seat_as_place(ctx, hit, prev, nxt))
            cands.append(_new_tuple(Candidate, (hit, options, locative, seat_place, prev, nxt)))

    # Countries that some hit names without doubt: the support for ambiguous ones.
    support: set[str] = set()
    support_a1: set[str] = set()
    firm_hits: dict[str | None, int] = {}  # country -> how many hits name it without doubt
    for _hit, options, _loc, _sp, _prev, _nxt in cands:
        if len(options) == 1:  # most names: one reading, no sets to build
            o = options[0]
            if o.kind != UNSURE_PLACE and o.country is not None:
                support.add(o.country)
                firm_hits[o.country] = firm_hits.get(o.country, 0) + 1
                if o.admin1 is not None:
                    support_a1.add(o.admin1)
            continue
        firm = {o.country for o in options if o.kind != UNSURE_PLACE}
        named = firm.pop() if len(firm) == 1 else None
        if named is not None:
            support.add(named)
            firm_hits[named] = firm_hits.get(named, 0) + 1
            divisions = {o.admin1 for o in options if o.kind != UNSURE_PLACE}
            division = divisions.pop() if len(divisions) == 1 else None
            if division is not None:
                support_a1.add(division)

    # a division named like a country ("Georgia") needs support below country level
    a1_countries = {a[:2] for a in support_a1}
    mentions: list[GeoMention] = []
    for i, (hit, options, locative, seat_place, prev, nxt) in enumerate(cands):
        best = options[0] if len(options) == 1 else _best_reading(
            gaz, options, support, support_a1, a1_countries,
            _list_neighbours_countries(cands, i, fields),
            _has_kind(options, ADMIN1) and without_possessive(nxt) in _DIVISION_NEXT)
        kind, ref, country, a1 = best.kind, best.ref, best.country, best.admin1
        if kind == UNSURE_PLACE:
            if country not in support:
                continue
            kind = PLACE
        elif (kind == PLACE and firm_hits.get(country, 0) <= 1
              and sum(firm_hits.values()) - firm_hits.get(country, 0) >= 2):
            place = gaz.places[ref]
            if not place.curated and place.population < _SMALL_CITY:
                continue  # "in Yauri Local Government Area" of a Nigerian story: not Peru
        unsure_a1 = False
        if kind == PLACE and len(options) > 1:
            # same name, same country, other divisions: keep the division only if supported
            others = {o.admin1 for o in options
                      if o.country == country and o.kind in (PLACE, UNSURE_PLACE)}
            unsure_a1 = len(others) > 1 and a1 not in support_a1
        ambiguous = len(options) > 1 and len({o.country for o in options}) > 1
        m = GeoMention(hit=hit, kind=kind, country=country, locative=locative)
        if kind == ADMIN1:
            m.admin1 = str(ref)
            m.confidence = 0.9
        elif kind == PLACE:
            place = gaz.places[ref]
            m.place = ref
            m.admin1 = None if unsure_a1 else place.admin1
            m.confidence = 0.9 if place.curated else (0.8 if place.population >= _SMALL_CITY else 0.7)
        elif kind == SEAT:
            m.place = ref[1]
            m.as_government = not (locative or seat_place)
            if not m.as_government or not _seat_speaks(gaz, fields[hit.field], hit, prev, nxt):
                m.admin1 = gaz.places[m.place].admin1
            m.confidence = 0.9
        else:
            m.confidence = {COUNTRY: 0.95, DEMONYM: 0.85, INSTITUTION: 0.85}[kind]
        if ambiguous:
            m.confidence = round(m.confidence * 0.8, 3)
        mentions.append(m)
    _seats_listed_with_places(gaz, mentions, fields)
    return _collect(gaz, mentions), mentions


def _list_neighbours_countries(cands: list[Candidate], i: int,
                               fields: dict[str, FieldText]) -> set[str | None]:
    """Countries that the names listed right next to cands[i] may be in ("Birmingham and
    Manchester": both English, whatever else each name could be)."""
    hit = cands[i].hit
    out: set[str | None] = set()
    for j in (i - 1, i + 1):
        if 0 <= j < len(cands) and cands[j].hit.field == hit.field:
            other = cands[j].hit
            a, b = (other, hit) if j < i else (hit, other)
            if _listed_together(fields[hit.field].text, a, b):
                out |= {o.country for o in cands[j].readings}
    return out


# Words after a name that make it a division's government or the division itself: "Niger
# Gov's aide", "a Niger Government official" in a Nigerian story are Niger State, not Niger
_DIVISION_NEXT = WORDS.word_set("division_next")


def _best_reading(gaz: Gazetteer, options: list[Reading], support: set[str],
                  support_a1: set[str], a1_countries: set[str], listed_with: set[str | None],
                  division_next: bool = False) -> Reading:
    """The reading of an ambiguous name with the best score: its prior plus support from the
    rest of the article (the first of equals, as ``max`` picks). A country named only as a
    country ("US and Iranian officials") does not back a same-name town there against a
    namesake five times its size: "talks in Geneva" stays in Switzerland, not Geneva,
    Illinois; a place or division in that country does. A division named like a country
    ("Niger", "Georgia") and followed by its government ("Niger Gov's aide") is the division
    when the article backs the division's country.

    A loop rather than ``max`` with a scoring closure: compiled, the closure and a call per
    reading cost more than the scores (a name like "Paris" has four readings per mention).
    """
    places = gaz.places
    top = 0
    countries = set()
    for o in options:
        countries.add(o.country)
        if o.kind in (PLACE, UNSURE_PLACE):
            top = max(top, places[o.ref].population)
    # readings all in one country: support for that country favours none of them ("in
    # Oregon" is the state, not the town of Oregon, Ohio, though the name alone backs the US)
    one_country = len(countries) == 1

    best, best_score = options[0], float("-inf")
    for o in options:
        kind, country = o.kind, o.country  # each read once (a named tuple's fields)
        bonus = 0.0
        if country in support and not one_country:
            local = country in a1_countries
            if kind == ADMIN1 and not local:
                # "Georgia" the state needs support below country level, or its government
                bonus = 5.0 if division_next else 0.0
            elif (kind in (PLACE, UNSURE_PLACE) and not local
                  and places[o.ref].population * 5 < top):
                bonus = 0.0
            else:
                bonus = 5.0
        score = (o.prior + bonus + (3.0 if o.admin1 in support_a1 else 0.0)
                 + (2.0 if country in listed_with else 0.0))
        if score > best_score:
            best, best_score = o, score
    return best


# Words before a seat of government (or before "of"/"on" before it) that make it the city:
# a target ("strikes on Kyiv"), a home ("residents of Kabul"), a scene ("fled Kabul").
_SEAT_TARGET_VERBS = WORDS.word_set("seat_target_verbs")
_SEAT_PLACE_OF = WORDS.word_set("seat_place_of")
# "Beirut's southern suburbs", "Kabul's airport": a possessive before parts of a city
_SEAT_PARTS = WORDS.word_set("seat_parts")
# a city's own offices right after its name: "London Mayor", "Kabul Governor"
_SEAT_LOCAL = WORDS.word_set("seat_local")
_POSSESSIVE_NEXT = re.compile(r"['’]s\s+([\w-]+)")
_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+(?:and|or)\s+|\s*,\s*(?:and|or)\s+)$")


def _listed_together(text: str, first: Hit, second: Hit) -> bool:
    """Whether two names stand side by side in a list: "London and Paris", "Sumy, Kharkiv"."""
    if second.start - first.end >= 8:
        return False  # most pairs: no slice of the text between them
    gap = text[first.end:second.start]
    return len(gap) < 8 and _LIST_GAP.match(gap) is not None


def _seat_as_place(ctx: FieldText, hit: Hit, prev: str, nxt: str) -> bool:
    """Whether a seat of government is named as the city rather than for its government.
    ``prev``, ``nxt``: the words right before and after it."""
    text = ctx.text
    if prev in _SEAT_TARGET_VERBS or prev in ("a", "an"):
        return True  # "a Tel Aviv bar", "an Islamabad hotel": the city's
    if prev in ("of", "on", "against") and ctx.prev_word(
            text.rfind(prev, max(0, hit.start - 20), hit.start)) in _SEAT_PLACE_OF:
        return True
    if nxt in _SEAT_LOCAL:
        return True
    m = _POSSESSIVE_NEXT.match(text, hit.end)
    return m is not None and m.group(1).lower() in _SEAT_PARTS


_SEAT_ACTS = WORDS.word_set("seat_acts")
_SEAT_ACTED_ON = WORDS.word_set("seat_acted_on")
_SEAT_WILL = WORDS.word_set("seat_will")


def _seat_speaks(gaz: Gazetteer, ctx: FieldText, hit: Hit, prev: str, nxt: str) -> bool:
    """Whether a seat of government clearly stands for its government: it speaks or acts
    ("Islamabad said", "Kabul has failed"), is acted on ("accuse Kabul"), or owns a will
    ("Tehran's response"). Only then is its division left out; a seat read as the
    government without such a cue keeps its division, since it may as well be the city.
    ``prev``, ``nxt``: the words right before and after it."""
    if nxt in gaz.roles["speech_verbs"] or nxt in _SEAT_ACTS:
        return True
    if prev in _SEAT_ACTED_ON:
        return True
    m = _POSSESSIVE_NEXT.match(ctx.text, hit.end)
    return m is not None and m.group(1).lower() in _SEAT_WILL


def _seats_listed_with_places(gaz: Gazetteer, mentions: list[GeoMention], fields) -> None:
    """A seat of government listed next to a place ("London and Paris") is a place too."""
    prev_m: GeoMention | None = None
    for m in mentions:  # in text order within each field
        if (prev_m is not None and prev_m.hit.field == m.hit.field
                and _listed_together(fields[m.hit.field].text, prev_m.hit, m.hit)):
            for seat, other in ((m, prev_m), (prev_m, m)):
                if (seat.kind == SEAT and seat.as_government and other.kind in (PLACE, SEAT)
                        and not other.as_government and seat.place is not None):
                    seat.as_government = False
                    seat.admin1 = gaz.places[seat.place].admin1
        prev_m = m


def _collect(gaz: Gazetteer, mentions: list[GeoMention]) -> RegionsRecord:
    countries: dict[str, CountryRecord] = {}
    admin1: dict[str, Admin1Record] = {}
    places: dict[tuple[str, str | None, str], PlaceRecord] = {}
    for m in mentions:
        span = span_of(m.hit)
        conf = m.confidence
        if m.country:
            tag = countries.get(m.country)
            if tag is None:
                countries[m.country] = {"code": m.country,
                                        "name": gaz.country_names.get(m.country, m.country),
                                        "confidence": conf, "evidence": [span]}
            else:
                tag["confidence"] = max(tag["confidence"], conf)
                tag["evidence"].append(span)
        if m.admin1:
            a = admin1.get(m.admin1)
            if a is None:
                name = _admin1_name(gaz, m.admin1, m.admin1)
                admin1[m.admin1] = {"code": m.admin1, "name": name, "country": m.admin1[:2],
                                    "confidence": conf, "evidence": [span]}
            else:
                a["confidence"] = max(a["confidence"], conf)
                a["evidence"].append(span)
        ptag = _place_tag(gaz, m, span)
        if ptag is not None:
            key = (ptag["name"], ptag["country"], ptag["kind"])
            if key in places:
                places[key]["evidence"].append(span)
                places[key]["confidence"] = max(places[key]["confidence"], conf)
            else:
                places[key] = ptag
    macro: list[str] = []
    for code in countries:
        region = gaz.subregion.get(code)
        if region and region not in macro:
            macro.append(region)
    return {"countries": list(countries.values()), "admin1": list(admin1.values()),
            "places": list(places.values()), "macro_regions": macro, "primary_country": None}


def _place_tag(gaz: Gazetteer, m: GeoMention, span: SpanT) -> PlaceRecord | None:
    if m.place is not None:
        p = gaz.places[m.place]
        return {"name": p.name, "geonameid": p.geonameid, "lat": p.lat, "lon": p.lon,
                "country": p.country, "admin1": m.admin1, "kind": p.kind,
                "confidence": m.confidence, "evidence": [span]}
    if m.kind == ADMIN1 and m.admin1:
        return {"name": _admin1_name(gaz, m.admin1, m.hit.surface),
                "country": m.country, "admin1": m.admin1, "kind": "admin1",
                "confidence": m.confidence, "evidence": [span]}
    if m.kind == COUNTRY and m.locative and m.country:
        return {"name": gaz.country_names.get(m.country, m.hit.surface), "country": m.country,
                "kind": "country", "confidence": m.confidence, "evidence": [span]}
    return None
