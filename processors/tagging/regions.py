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

from newswatch.processors.tagging.context import (
    LOCATIVE_WORDS,
    PLACE_NOUNS,
    FieldText,
    name_neighbour,
    without_possessive,
)
from newswatch.processors.tagging.gazetteer import (
    ABBR,
    ADMIN1,
    COUNTRY,
    DEMONYM,
    EXACT,
    GEO_KINDS,
    INSTITUTION,
    PLACE,
    SEAT,
    Gazetteer,
    log_pop,
)
from newswatch.processors.tagging.intervals import index_by_field
from newswatch.processors.tagging.matching import Hit
from newswatch.processors.tagging.records import span_of
from newswatch.processors.tagging.textnorm import fold

__all__ = ["GeoMention", "resolve_regions"]

_SMALL_CITY = 100_000
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
_LANGUAGE_NEXT = frozenset({"language", "languages", "speaking", "speakers", "translation",
                            "subtitles", "version", "media", "press", "newspaper", "daily"})
_PHRASE_END = frozenset({"", "and", "or", "but", "the", "a", "an", "as", "to", "with", "by",
                         "for", "on", "is", "was", "said"})


@dataclass(slots=True)
class GeoMention:
    """One resolved geo hit: what it names and how it was used."""

    hit: Hit
    kind: str
    country: str | None
    admin1: str | None = None
    place: int | None = None
    locative: bool = False
    as_government: bool = False
    confidence: float = 0.8


def _candidates(gaz: Gazetteer, hit: Hit, ctx: FieldText, prev: str, nxt: str,
                locative: bool) -> list[tuple[str, object]]:
    single = " " not in hit.surface.strip()
    surface = hit.surface
    if surface.isupper() and len(surface) > 1:  # "NICE", "MARCH" in an all-caps line
        surface = surface.title()
    blocked = surface in gaz.never
    # facts about the hit's context, each worked out at most once (a name like "Paris" has
    # dozens of entries); in local variables, not a closure made for every hit
    neighbour: bool | None = None
    initial: bool | None = None

    out: list[tuple[str, object]] = []
    for kind, ref, mode, tag, country, a1, prior in hit.entries:
        if kind not in GEO_KINDS:
            continue
        if mode == ABBR and not (hit.surface.endswith(".") and _DATELINE.search(
                ctx.text, max(0, hit.start - 40), hit.start)):
            continue  # "Ga." only as in "Athens, Ga."
        if kind == PLACE:
            if blocked:
                continue
            place = gaz.places[ref]
            if locative:
                out.append((kind, ref, country, a1, prior))
                continue
            if place.locative_only or surface in gaz.locative:
                continue
            if not place.curated and single and (neighbour if neighbour is not None else (
                    neighbour := _next_to_name(gaz, ctx, hit))):
                continue  # one word of a longer name: "Paul Jenkins", "Arad Braverman, a"
            if tag == "alt" and place.population < 1_000_000:
                out.append(("p?", ref, country, a1, prior))  # alternate name of a mid-size city
                continue
            if not place.curated and single:
                if place.population < _SMALL_CITY:
                    out.append(("p?", ref, country, a1, prior))  # needs its country supported
                    continue
                if initial is None:
                    initial = ctx.sentence_initial(hit.start)
                if initial:
                    out.append(("p?", ref, country, a1, prior))
                    continue
            out.append((kind, ref, country, a1, prior))
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
        out.append((kind, ref, country, a1, prior))
    return out


def _has_kind(options: list[tuple], kind: str) -> bool:
    # a loop, not any() over a generator: compiled, a generator is an object made per call
    for o in options:
        if o[0] == kind:
            return True
    return False


def _next_to_name(gaz: Gazetteer, ctx: FieldText, hit: Hit) -> bool:
    """The hit is one word of a longer capitalised name ("Paul Jenkins")."""
    return not ctx.all_caps and name_neighbour(ctx.text, hit.start, hit.end,
                                               gaz.roles["_words"], gaz.never_words)


def _country_of(gaz: Gazetteer, kind: str, ref: object) -> str | None:
    if kind in (COUNTRY, DEMONYM, INSTITUTION):
        return ref  # type: ignore[return-value]
    if kind == ADMIN1:
        return str(ref)[:2]
    if kind in (PLACE, "p?"):
        return gaz.places[ref].country  # type: ignore[index]
    if kind == SEAT:
        return ref[0]  # type: ignore[index]
    return None


def _admin1_of(gaz: Gazetteer, kind: str, ref: object) -> str | None:
    if kind == ADMIN1:
        return str(ref)
    if kind in (PLACE, "p?"):
        return gaz.places[ref].admin1  # type: ignore[index]
    return None


def entry_facts(gaz: Gazetteer, kind: str, ref: object) -> tuple[str | None, str | None, float]:
    """(country, division, prior score) of a gazetteer entry; computed when it is compiled."""
    if kind not in GEO_KINDS:
        return None, None, 0.0
    country = _country_of(gaz, kind, ref)
    return country, _admin1_of(gaz, kind, ref), _prior(gaz, kind, ref, country)


def _admin1_name(gaz: Gazetteer, code: str, default: str) -> str:
    key = ("name", code)
    name = gaz.memo.get(key)
    if name is None:
        name = fold(gaz.admin1_names.get(code, default))
        if code in gaz.admin1_names:
            gaz.memo[key] = name
    return name


_PRIOR = {COUNTRY: 10.0, DEMONYM: 9.0, SEAT: 9.0, INSTITUTION: 9.0, ADMIN1: 6.0}


def _prior(gaz: Gazetteer, kind: str, ref: object, country: str | None) -> float:
    """The option's score before support from the rest of the article."""
    if kind in (PLACE, "p?"):
        place = gaz.places[ref]  # type: ignore[index]
        base = 8.0 if place.curated else 3.0 + log_pop(place.population) / 2
    else:
        base = _PRIOR[kind]
        if kind == ADMIN1:
            base += log_pop(gaz.country_pop.get(country or "", 0)) / 100
    return base


def resolve_regions(
    gaz: Gazetteer,
    hits: list[Hit],
    fields: dict[str, FieldText],
    person_spans: list[tuple[str, int, int]],
) -> tuple[dict, list[GeoMention]]:
    """Countries, divisions and places named in the article, with evidence.

    Returns the regions record (plain dicts, see ``records``) and the resolved mentions.
    """
    cands: list[tuple[Hit, list[tuple[str, object]], bool, bool]] = []
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
                          and _seat_as_place(ctx, hit, prev))
            cands.append((hit, options, locative, seat_place))

    # Countries that some hit names without doubt: the support for ambiguous ones.
    support: set[str] = set()
    support_a1: set[str] = set()
    firm_hits: dict[str, int] = {}  # country -> how many hits name it without doubt
    for _hit, options, _loc, _sp in cands:
        if len(options) == 1:  # most names: one reading, no sets to build
            o = options[0]
            if o[0] != "p?" and o[2] is not None:
                support.add(o[2])
                firm_hits[o[2]] = firm_hits.get(o[2], 0) + 1
                if o[3] is not None:
                    support_a1.add(o[3])
            continue
        firm = {o[2] for o in options if o[0] != "p?"}
        if len(firm) == 1 and None not in firm:
            support |= firm
            for c in firm:
                firm_hits[c] = firm_hits.get(c, 0) + 1
            a1 = {o[3] for o in options if o[0] != "p?"}
            if len(a1) == 1 and None not in a1:
                support_a1 |= a1

    # a division named like a country ("Georgia") needs support below country level
    a1_countries = {a[:2] for a in support_a1}
    mentions: list[GeoMention] = []
    for i, (hit, options, locative, seat_place) in enumerate(cands):
        if len(options) == 1:
            kind, ref, country, a1, _p = options[0]
        else:
            kind, ref, country, a1, _p = max(options, key=_option_score(
                gaz, options, support, support_a1, a1_countries,
                _list_neighbours_countries(cands, i, fields),
                _has_kind(options, ADMIN1) and _division_next(fields, hit)))
        if kind == "p?":
            if country not in support:
                continue
            kind = PLACE
        elif (kind == PLACE and firm_hits.get(country, 0) <= 1
              and sum(firm_hits.values()) - firm_hits.get(country, 0) >= 2):
            place = gaz.places[ref]  # type: ignore[index]
            if not place.curated and place.population < _SMALL_CITY:
                continue  # "in Yauri Local Government Area" of a Nigerian story: not Peru
        unsure_a1 = False
        if kind == PLACE and len(options) > 1:
            # same name, same country, other divisions: keep the division only if supported
            others = {o[3] for o in options if o[2] == country and o[0] in (PLACE, "p?")}
            unsure_a1 = len(others) > 1 and a1 not in support_a1
        ambiguous = len(options) > 1 and len({o[2] for o in options}) > 1
        m = GeoMention(hit=hit, kind=kind, country=country, locative=locative)
        if kind == ADMIN1:
            m.admin1 = str(ref)
            m.confidence = 0.9
        elif kind == PLACE:
            place = gaz.places[ref]  # type: ignore[index]
            m.place = ref  # type: ignore[assignment]
            m.admin1 = None if unsure_a1 else place.admin1
            m.confidence = 0.9 if place.curated else (0.8 if place.population >= _SMALL_CITY else 0.7)
        elif kind == SEAT:
            m.place = ref[1]  # type: ignore[index]
            m.as_government = not (locative or seat_place)
            if not m.as_government or not _seat_speaks(gaz, fields[hit.field], hit):
                m.admin1 = gaz.places[m.place].admin1
            m.confidence = 0.9
        else:
            m.confidence = {COUNTRY: 0.95, DEMONYM: 0.85, INSTITUTION: 0.85}[kind]
        if ambiguous:
            m.confidence = round(m.confidence * 0.8, 3)
        mentions.append(m)
    _seats_listed_with_places(gaz, mentions, fields)
    return _collect(gaz, mentions), mentions


def _list_neighbours_countries(cands: list, i: int, fields) -> set:
    """Countries that the names listed right next to cands[i] may be in ("Birmingham and
    Manchester": both English, whatever else each name could be)."""
    hit = cands[i][0]
    out: set = set()
    for j in (i - 1, i + 1):
        if 0 <= j < len(cands) and cands[j][0].field == hit.field:
            other = cands[j][0]
            a, b = (other, hit) if j < i else (hit, other)
            if _listed_together(fields[hit.field].text, a, b):
                out |= {o[2] for o in cands[j][1]}
    return out


# Words after a name that make it a division's government or the division itself: "Niger
# Gov's aide", "a Niger Government official" in a Nigerian story are Niger State, not Niger
_DIVISION_NEXT = frozenset({"state", "governor", "gov", "gov.", "government", "govt",
                            "assembly", "legislature", "commissioner"})


def _division_next(fields: dict[str, FieldText], hit: Hit) -> bool:
    return without_possessive(fields[hit.field].next_word(hit.end)) in _DIVISION_NEXT


def _option_score(gaz: Gazetteer, options, support: set, support_a1: set, a1_countries: set,
                  listed_with: set, division_next: bool = False):
    """Score of one reading of an ambiguous name: its prior plus support from the rest of
    the article. A country named only as a country ("US and Iranian officials") does not
    back a same-name town there against a namesake five times its size: "talks in Geneva"
    stays in Switzerland, not Geneva, Illinois; a place or division in that country does.
    A division named like a country ("Niger", "Georgia") and followed by its government
    ("Niger Gov's aide") is the division when the article backs the division's country.
    """
    pops = [gaz.places[o[1]].population for o in options if o[0] in (PLACE, "p?")]
    top = max(pops, default=0)
    # readings all in one country: support for that country favours none of them ("in
    # Oregon" is the state, not the town of Oregon, Ohio, though the name alone backs the US)
    one_country = len({o[2] for o in options}) == 1

    def score(o) -> float:
        bonus = 0.0
        if o[2] in support and not one_country:
            local = o[2] in a1_countries
            if o[0] == ADMIN1 and not local:
                # "Georgia" the state needs support below country level, or its government
                bonus = 5.0 if division_next else 0.0
            elif o[0] in (PLACE, "p?") and not local and gaz.places[o[1]].population * 5 < top:
                bonus = 0.0
            else:
                bonus = 5.0
        return (o[4] + bonus + (3.0 if o[3] in support_a1 else 0.0)
                + (2.0 if o[2] in listed_with else 0.0))
    return score


# Words before a seat of government (or before "of"/"on" before it) that make it the city:
# a target ("strikes on Kyiv"), a home ("residents of Kabul"), a scene ("fled Kabul").
_SEAT_TARGET_VERBS = frozenset({
    "struck", "hit", "hits", "bombed", "shelled", "attacked", "targeted", "captured",
    "seized", "entered", "besieged", "reached", "visited", "visiting", "fled", "left",
    "evacuated", "encircled", "surrounded", "stormed", "rocked", "shook", "flooded",
})
_SEAT_PLACE_OF = frozenset({
    "strike", "strikes", "airstrike", "airstrikes", "attack", "attacks", "assault", "raid",
    "raids", "offensive", "bombardment", "shelling", "bombing", "march", "advance",
    "residents", "resident", "streets", "outskirts", "suburbs", "suburb", "centre", "center",
    "heart", "skies", "parts", "part", "people", "mayor", "governor", "city", "capital",
    "neighbourhoods", "neighborhoods", "districts", "hospitals", "markets", "east", "west",
    "north", "south",
})
# "Beirut's southern suburbs", "Kabul's airport": a possessive before parts of a city
_SEAT_PARTS = frozenset({
    "airport", "streets", "suburbs", "suburb", "outskirts", "residents", "mayor", "governor",
    "centre", "center", "skyline", "hospitals", "hospital", "old", "southern", "northern",
    "eastern", "western", "central", "main", "international", "downtown", "neighbourhoods",
    "neighborhoods", "districts", "markets", "population", "police", "subway", "metro",
    "underground", "tube", "transport", "council", "city", "schools", "port", "housing",
})
# a city's own offices right after its name: "London Mayor", "Kabul Governor"
_SEAT_LOCAL = frozenset({"mayor", "governor", "council", "city", "metro", "subway", "airport",
                         "residents", "municipality", "municipal"})
_POSSESSIVE_NEXT = re.compile(r"['’]s\s+([\w-]+)")
_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+(?:and|or)\s+|\s*,\s*(?:and|or)\s+)$")


def _listed_together(text: str, first: Hit, second: Hit) -> bool:
    """Whether two names stand side by side in a list: "London and Paris", "Sumy, Kharkiv"."""
    if second.start - first.end >= 8:
        return False  # most pairs: no slice of the text between them
    gap = text[first.end:second.start]
    return len(gap) < 8 and _LIST_GAP.match(gap) is not None


def _seat_as_place(ctx: FieldText, hit: Hit, prev: str) -> bool:
    """Whether a seat of government is named as the city rather than for its government."""
    text = ctx.text
    if prev in _SEAT_TARGET_VERBS or prev in ("a", "an"):
        return True  # "a Tel Aviv bar", "an Islamabad hotel": the city's
    if prev in ("of", "on", "against") and ctx.prev_word(
            text.rfind(prev, max(0, hit.start - 20), hit.start)) in _SEAT_PLACE_OF:
        return True
    if ctx.next_word(hit.end) in _SEAT_LOCAL:
        return True
    m = _POSSESSIVE_NEXT.match(text, hit.end)
    return m is not None and m.group(1).lower() in _SEAT_PARTS


_SEAT_ACTS = frozenset({
    "accused", "accuses", "rejected", "rejects", "demanded", "demands", "responded",
    "responds", "condemned", "condemns", "blamed", "blames", "threatened", "threatens",
    "agreed", "agrees", "signed", "imposed", "imposes", "summoned", "expelled", "recalled",
    "approved", "refused", "refuses", "retaliated", "wants", "wanted", "sought", "seeks",
    "announced", "plans", "planned", "decided", "hopes", "believes", "considers", "sees",
    "has", "had", "have", "is", "was", "will", "would", "should", "must", "also", "could",
    "may", "might", "cannot", "did", "does", "remains",
})
_SEAT_ACTED_ON = frozenset({
    "accuse", "accused", "accusing", "urge", "urged", "urging", "warn", "warned", "warning",
    "pressed", "pressure", "pressured", "told", "asked", "ask", "criticised", "criticized",
    "blamed", "blame", "lobby", "lobbied", "sanction", "sanctioned", "persuade", "convince",
})
_SEAT_WILL = frozenset({
    "government", "decision", "policy", "policies", "response", "position", "stance",
    "support", "demand", "demands", "offer", "plan", "plans", "refusal", "relations", "ties",
    "allies", "envoy", "ambassador", "officials", "leaders", "rulers", "regime", "approach",
    "claims", "move", "efforts", "failure", "reaction", "intentions", "role", "concerns",
})


def _seat_speaks(gaz: Gazetteer, ctx: FieldText, hit: Hit) -> bool:
    """Whether a seat of government clearly stands for its government: it speaks or acts
    ("Islamabad said", "Kabul has failed"), is acted on ("accuse Kabul"), or owns a will
    ("Tehran's response"). Only then is its division left out; a seat read as the
    government without such a cue keeps its division, since it may as well be the city."""
    nxt = ctx.next_word(hit.end)
    if nxt in gaz.roles["speech_verbs"] or nxt in _SEAT_ACTS:
        return True
    if ctx.prev_word(hit.start) in _SEAT_ACTED_ON:
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
                        and not other.as_government):
                    seat.as_government = False
                    seat.admin1 = gaz.places[seat.place].admin1
        prev_m = m


def _collect(gaz: Gazetteer, mentions: list[GeoMention]) -> dict:
    countries: dict[str, dict] = {}
    admin1: dict[str, dict] = {}
    places: dict[tuple, dict] = {}
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


def _place_tag(gaz: Gazetteer, m: GeoMention, span: tuple) -> dict | None:
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
