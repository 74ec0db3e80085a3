"""Actors: dictionary names, composed state bodies, seats of government, named organisations.

Dictionary hits ("TTP", "Shanghai Cooperation Organisation") map straight to an actor.
Composed actors bind a generic body to a country: from the phrase itself ("Pakistani troops",
"Pakistan's foreign ministry", "government of Pakistan"), or - for bodies a story names without
a country ("the Foreign Office", "FO", "the government") - from the story's primary country.
A seat of government used as a speaker ("Islamabad said", "accuse Kabul") is that country's
government. Ids are stable slugs; composed ids ("PK-MOFA") equal dictionary ids where the
dictionary knows the body, so both merge into one actor. Organisation names found by their
shape (``organisations``: "Oromo Liberation Front (OLF)") are actors of their own unless a
dictionary actor or a state body is named in them: "BBC World Service" is the BBC, "Ministry
of Interior and Narcotics Control" the composed interior ministry - with the whole name as
evidence either way.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from newswatch.processors.tagging.context import FieldText
from newswatch.processors.tagging.entries import ACTOR, BODY, DEMONYM
from newswatch.processors.tagging.gazetteer import Actor, Gazetteer
from newswatch.processors.tagging.intervals import Near, SpanIndex, index_by_field
from newswatch.processors.tagging.matching import Hit
from newswatch.processors.tagging.organisations import OrgMention, title_case
from newswatch.processors.tagging.persons import PersonCandidate
from newswatch.processors.tagging.records import ActorRecord, span_of
from newswatch.processors.tagging.regions import GeoMention
from newswatch.processors.tagging.textnorm import key_of
from newswatch.processors.tagging.word_lists import WORDS

__all__ = ["leader_offices", "resolve_actors"]

_JOIN = re.compile(r"^(?:\s|'s\s|’s\s|-)+$")  # "Pakistani troops", "Pakistan's army"
_OF = re.compile(r"^\s+of\s+(?:the\s+)?$")
_IN = re.compile(r"^\s+in\s+(?:the\s+)?$")
_AND = re.compile(r"\s+and\s+|\s*,\s*(?:and\s+)?")  # "Russian and Ukrainian officials"
_THE_COUNTRYS = re.compile(r"\b(?:the|its) (?:country|nation|kingdom|republic)(?:'s|’s) \Z")
# a person's name in the possessive right before: "Tony Blair's government"
_NOT_OWNERS = WORDS.word_set("not_owners")
_POSSESSOR = re.compile(r"\b[A-Z][\w-]+(?: [A-Z][\w-]+){0,2}(?:'s|’s) \Z")
# every character _JOIN, or _OF and _IN, can match (besides whitespace): how far from a hit
# a place can stand and still be joined to it
_JOIN_CHARS = frozenset("'’s-")
_OF_IN_CHARS = frozenset("ofinthe")
_AND_CHARS = frozenset(",and")


def _near(geo: list[GeoMention]) -> Near[GeoMention]:
    """A field's place mentions by position: a rule reading the words between a body word
    and a place looks only at places a few characters away, not at every place."""
    return Near(geo, _mention_span)


def _mention_span(m: GeoMention) -> tuple[int, int]:
    return m.hit.start, m.hit.end


def _run_before(text: str, pos: int, chars: frozenset[str]) -> int:
    """Where the run of whitespace and ``chars`` ending at ``pos`` starts."""
    while pos > 0 and (text[pos - 1].isspace() or text[pos - 1] in chars):
        pos -= 1
    return pos


def _run_after(text: str, pos: int, chars: frozenset[str]) -> int:
    """Where the run of whitespace and ``chars`` starting at ``pos`` ends."""
    n = len(text)
    while pos < n and (text[pos].isspace() or text[pos] in chars):
        pos += 1
    return pos


class _Acc:
    """Accumulates actor tags (records, see ``records``) by id, merging evidence."""

    def __init__(self) -> None:
        self.tags: dict[str, ActorRecord] = {}
        # each tag's evidence as (field, start, end), filled on first use: a story naming one
        # actor a thousand times must not compare each new span with every earlier one
        self._spans: dict[str, set[tuple[str, int, int]]] = {}

    def add(self, actor: Actor, hit: Hit, conf: float, source: str) -> None:
        tag = self.tags.get(actor.id)
        if tag is None:
            self.tags[actor.id] = {
                "id": actor.id, "name": actor.name, "type": actor.type, "country": actor.country,
                "cameo": actor.cameo, "source": source, "confidence": conf,
                "evidence": [span_of(hit)],
            }
            return
        spans = self._spans.get(actor.id)
        if spans is None:
            spans = self._spans[actor.id] = {(e[3], e[0], e[1]) for e in tag["evidence"]}
        if (hit.field, hit.start, hit.end) not in spans:
            spans.add((hit.field, hit.start, hit.end))
            tag["evidence"].append(span_of(hit))
        tag["confidence"] = max(tag["confidence"], conf)
        if source == "dictionary":
            tag["source"] = "dictionary"


def _state_actor(gaz: Gazetteer, country: str | None, suffix: str) -> Actor | None:
    """The state body ``suffix`` of ``country``: the dictionary's, else composed from the
    generic body (None without a country or such a body)."""
    if not country:
        return None
    actor_id = f"{country}-{suffix}"
    if actor_id in gaz.actors:
        return gaz.actors[actor_id]
    body = next((b for b in gaz.bodies if b.suffix == suffix), None)
    if body is None:
        return None
    name = body.name.format(country=gaz.country_names.get(country, country))
    return Actor(id=actor_id, name=name, type=body.type, cameo=body.cameo, country=country,
                 source="composed")


def resolve_actors(
    gaz: Gazetteer,
    name_hits: list[Hit],
    geo: list[GeoMention],
    fields: dict[str, FieldText],
    primary: str | None,
    orgs: list[OrgMention] = (),  # type: ignore[assignment]
) -> list[ActorRecord]:
    acc = _Acc()
    geo_by_field: dict[str, list[GeoMention]] = {}
    for m in geo:
        geo_by_field.setdefault(m.hit.field, []).append(m)
    near = {f: _near(ms) for f, ms in geo_by_field.items()}
    org_of, absorbed = _place_orgs(gaz, name_hits, orgs)
    story: set[str | None] | None = None  # the story's countries, for shared acronyms
    for hit in name_hits:
        org = org_of.get(id(hit))
        if org is False:
            continue  # a word inside a longer name: "Supreme Court Bar Association"
        shared = None
        if ACTOR in hit.kset and len(hit.entries) > 1 and _shared_name(gaz, hit):
            if story is None:
                story = _story_countries(gaz, name_hits, geo, primary)
            shared = {e.ref for e in hit.entries
                      if e.kind == ACTOR and gaz.actors[e.ref].country in story}
        for e in hit.entries:
            if e.kind == ACTOR:
                if shared is not None and e.ref not in shared:
                    continue  # "CGT" in an Argentine story is not France's union
                acc.add(gaz.actors[e.ref], hit, 0.9, "dictionary")
                if org is not None:
                    _add_org_spans(acc, gaz.actors[e.ref], org, fields, 0.9, "dictionary")
            elif e.kind == BODY:
                _compose(gaz, acc, hit, gaz.bodies[e.ref], near.get(hit.field, _NO_NEAR),
                         fields, primary, org)
    made: dict[str, Actor] = {}
    for org in sorted(orgs, key=lambda o: -len(o.name)):
        if id(org) in absorbed:
            continue
        # a shorter form of a longer name in the same story ("Mineworkers Union" in the
        # headline, "Mineworkers Union of Namibia" below) is the same body
        actor = next((a for name, a in made.items() if org.name in name), None)
        if actor is None:
            actor = _org_actor(org, near.get(org.field, _NO_NEAR), primary)
            made[org.name] = actor
        _add_org_spans(acc, actor, org, fields, 0.6, "pattern")
    _listed_before(gaz, acc, near, fields)
    # "a Moscow court": a seat of government inside an actor's evidence is no speaker
    seats = [m for m in geo if m.as_government and m.country]
    if not seats:
        return list(acc.tags.values())
    evidence = index_by_field((e[3], e[0], e[1]) for tag in acc.tags.values()
                              for e in tag["evidence"])
    in_org = index_by_field((o.field, o.start, o.end) for o in orgs)
    # the speakers' own spans, added below: field -> start -> furthest end; none is longer
    # than the longest place mention
    spoke: dict[str, dict[int, int]] = {}
    longest = max(m.hit.end - m.hit.start for m in seats)
    for m in seats:
        h = m.hit
        said = spoke.get(h.field)
        if (h.field in evidence and evidence[h.field].covers(h.start, h.end)
                or said and any(said.get(s, -1) >= h.end
                                for s in range(max(0, h.end - longest), h.start + 1))):
            continue
        if _speaker(gaz, h, fields[h.field], in_org.get(h.field)):
            actor = _state_actor(gaz, m.country, "GOV")
            if actor is not None:
                acc.add(actor, h, 0.75, "composed")
                said = spoke.setdefault(h.field, {})
                said[h.start] = max(said.get(h.start, -1), h.end)
    return list(acc.tags.values())


def _shared_name(gaz: Gazetteer, hit: Hit) -> bool:
    """The hit names dictionary actors of two or more countries ("CGT")."""
    countries = {gaz.actors[e.ref].country for e in hit.entries if e.kind == ACTOR}
    return len(countries) > 1


def _story_countries(gaz: Gazetteer, name_hits: list[Hit], geo: list[GeoMention],
                     primary: str | None) -> set[str | None]:
    """The countries a story names (its places, and the actors each name of which stands for
    one country only: "Renault and SNCF" make a French story)."""
    countries: set[str | None] = {m.country for m in geo if m.country}
    if primary:
        countries.add(primary)
    for h in name_hits:
        if not _shared_name(gaz, h):
            countries.update(gaz.actors[e.ref].country for e in h.entries
                             if e.kind == ACTOR and gaz.actors[e.ref].country)
    return countries


_PM = re.compile(r"\b(?:prime minister|pm|premier)\b")
_PRESIDENT = re.compile(r"\bpresident\b")
_NOT_IN_OFFICE = WORDS.word_tuple("not_in_office")


def leader_offices(gaz: Gazetteer, tags: list[ActorRecord], persons: list[PersonCandidate],
                   countries: list[str | None], fields: dict[str, FieldText]
                   ) -> list[ActorRecord]:
    """``tags`` with the offices of the heads of state and government the story names with
    their role: "Modi's office" is India's Prime Minister's Office when the story calls Modi
    prime minister, "Macron's office" France's presidency. ``countries``: each person's."""
    acc = _Acc()
    acc.tags = {t["id"]: t for t in tags}
    for p, country in zip(persons, countries, strict=True):
        if not p.role or not country:
            continue
        role = p.role.lower()
        if any(w in role for w in _NOT_IN_OFFICE):
            continue
        suffix = "PMO" if _PM.search(role) else "PRES" if _PRESIDENT.search(role) else None
        actor = _state_actor(gaz, country, suffix) if suffix else None
        if actor is None:
            continue
        # in a fixed order (a set's order changes with the hash seed, and with it the order
        # of the evidence from one process to the next)
        for name in dict.fromkeys([p.name, p.tokens[-1], *(a[0] for a in p.aliases)]):
            for fname, ctx in fields.items():
                text = ctx.text
                for office in (f"{name}'s office", f"{name}\u2019s office"):
                    i = text.find(office)
                    while i != -1:
                        if i == 0 or not text[i - 1].isalnum():
                            acc.add(actor, Hit(fname, i, i + len(office), office, ()), 0.8,
                                    "composed")
                        i = text.find(office, i + 1)
    return list(acc.tags.values())


def _body_suffixes(gaz: Gazetteer) -> frozenset[str]:
    """The suffixes of the composed state bodies ("MOFA" of "PK-MOFA"), gathered once per
    gazetteer rather than once per article."""
    suffixes = gaz.memo.get("body_suffixes")
    if suffixes is None:
        suffixes = gaz.memo["body_suffixes"] = frozenset(b.suffix for b in gaz.bodies)
    return suffixes


def _listed_before(gaz: Gazetteer, acc: _Acc, near_by_field: dict[str, Near[GeoMention]],
                   fields: dict[str, FieldText]) -> None:
    """A state body named after a list of countries is each country's: "Russian and
    Ukrainian officials", "US, British and French troops" (the phrase is the evidence)."""
    suffixes = _body_suffixes(gaz)
    for tag in list(acc.tags.values()):
        country = tag["country"]
        suffix = tag["id"][len(country) + 1:] if country else None
        if suffix not in suffixes or not tag["id"].startswith(f"{country}-"):
            continue  # not a state body ("PK-MIL"), or a dictionary actor of its own
        for start, end, _text, f in list(tag["evidence"]):
            near = near_by_field.get(f, _NO_NEAR)
            text = fields[f].text
            cur = next((m for m in near.starting_in(start, start) if m.country == country),
                       None)
            while cur is not None:
                before = near.ending_in(_run_before(text, cur.hit.start, _AND_CHARS),
                                        cur.hit.start)
                cur = next((m for m in before if m.country and m.country != country
                            and (m.kind == DEMONYM or m.hit.surface.isupper())  # "US, British"
                            and m.hit.end <= cur.hit.start
                            and _AND.fullmatch(text, m.hit.end, cur.hit.start)), None)
                if cur is None:
                    break
                actor = _state_actor(gaz, cur.country, suffix)
                if actor is not None:
                    acc.add(actor, Hit(f, cur.hit.start, end, text[cur.hit.start:end], ()),
                            tag["confidence"], "composed")


def _place_orgs(gaz: Gazetteer, name_hits: list[Hit], orgs: list[OrgMention]):
    """How each organisation name relates to the dictionary and body hits overlapping it.

    - a hit covering the whole name: the hit's actor takes the name ("People's Liberation
      Army" holds the run "Liberation Army");
    - a body covering the head word: the composed body takes the name ("Hamas-run Health
      Ministry");
    - a dictionary name covering the head word, the org adding words before it: a different
      body ("Free Democratic Party" is not the US Democratic Party) - the hit is dropped;
    - a dictionary name elsewhere inside: the named parent takes it ("BBC World Service").
    Body words inside a longer name are only words ("Supreme Court Bar Association").

    Returns ``org_of``: hit id -> the org its actor takes as evidence, or False for a hit
    that yields no actor; and the ids of orgs taken by a hit.
    """
    org_of: dict[int, object] = {}
    absorbed: set[int] = set()
    if not orgs:
        return org_of, absorbed
    # the actor and body hits of each field by start, to find those overlapping a name
    # without a scan of every hit per name (quadratic on long articles)
    by_field: dict[str, list[tuple[int, int, Hit]]] = {}
    for i, h in enumerate(name_hits):
        if h.kset & {ACTOR, BODY}:
            by_field.setdefault(h.field, []).append((h.start, i, h))
    starts: dict[str, list[int]] = {}
    for f, hits in by_field.items():
        hits.sort(key=lambda t: (t[0], t[1]))
        starts[f] = [t[0] for t in hits]
    longest = max((h.end - h.start for h in name_hits), default=0)
    for org in orgs:
        hits = by_field.get(org.field, [])
        found = hits[bisect_left(starts.get(org.field, []), org.start - longest):
                     bisect_left(starts.get(org.field, []), org.end)]
        over = [h for _s, _i, h in sorted(found, key=lambda t: t[1]) if org.start < h.end]
        if not over:
            continue
        covering = next((h for h in over if h.start <= org.start and org.end <= h.end), None)
        if covering is not None:
            absorbed.add(id(org))
            if org.extra:  # its acronym is still evidence
                org_of[id(covering)] = org
            continue
        heads = [h for h in over if h.start <= org.head_start and org.head_end <= h.end]
        body = next((h for h in heads if BODY in h.kset and ACTOR not in h.kset), None)
        owner = body
        if owner is None and not heads:
            owner = max((h for h in over if ACTOR in h.kset), key=lambda h: h.end - h.start,
                        default=None)
        if owner is not None:
            org_of[id(owner)] = org
            absorbed.add(id(org))
        for h in over:
            if h is not owner and (BODY in h.kset and ACTOR not in h.kset or h in heads):
                org_of[id(h)] = False
    return org_of, absorbed


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(name: str) -> str:
    return "org-" + _NOT_SLUG.sub("-", name.replace("\u00ad", "").lower()).strip("-")


_STATE_TYPES = frozenset({"government", "police", "military", "court"})
_NOT_NATIONAL = WORDS.word_set("not_national")


def _org_actor(org: OrgMention, near: Near[GeoMention], primary: str | None) -> Actor:
    """An actor for an organisation no dictionary knows: its country is a place named in it
    ("Mineworkers Union of Namibia"), else - for state bodies - the story's country."""
    country = next((m.country for m in near.starting_in(org.start, org.end)
                    if m.country and m.hit.end <= org.end), None)
    if (country is None and org.type in _STATE_TYPES
            and not any(w in _NOT_NATIONAL for w in org.name.split())):
        country = primary
    return Actor(id=_slug(org.name), name=org.name, type=org.type, cameo=org.cameo,
                 country=country, source="pattern")


def _add_org_spans(acc: _Acc, actor: Actor, org: OrgMention, fields: dict[str, FieldText],
                   conf: float, source: str) -> None:
    acc.add(actor, Hit(org.field, org.start, org.end, org.name, ()), conf, source)
    for fname, s, e in org.extra:
        acc.add(actor, Hit(fname, s, e, fields[fname].text[s:e], ()), conf, source)


_LOCATED = ("-based", "-born", "-headquartered", "\u2011based")


def _speaker(gaz: Gazetteer, hit: Hit, ctx: FieldText, orgs: SpanIndex | None) -> bool:
    """Whether a seat of government not used as a place stands for its government: not in a
    dateline ("ISLAMABAD:", "Nairobi --", "BERLIN, Feb 17"), not part of a longer name
    ("Berlin Film Festival", "Real Madrid"), not where something is ("the Ramallah-based
    Palestinian Authority"; "Moscow-backed" is the government)."""
    text = ctx.text
    if ctx.dateline(hit.start, hit.end) or text.startswith(_LOCATED, hit.end):
        return False
    if orgs is not None and orgs.holds(hit.start):  # orgs: the field's organisation names
        return False
    titled = ctx.all_caps or (ctx.name == "title" and title_case(text))
    return titled or not ctx.name_neighbour(hit.start, hit.end, gaz.roles["_words"],
                                            gaz.never_words)


_NO_NEAR = _near([])


def _compose(gaz, acc: _Acc, hit: Hit, body, near: Near[GeoMention],
             fields: dict[str, FieldText], primary: str | None, org) -> None:
    ctx = fields[hit.field]
    text = ctx.text
    country: str | None = None
    conf = 0.8
    # a country word right before: "Pakistani troops", "Pakistan's army"
    for m in near.ending_in(_run_before(text, hit.start, _JOIN_CHARS), hit.start):
        if m.country and m.hit.end <= hit.start and _JOIN.match(text[m.hit.end:hit.start]):
            country = m.country
            phrase = Hit(hit.field, m.hit.start, hit.end, text[m.hit.start:hit.end],
                         hit.entries)
    if country is not None:
        hit = phrase  # the evidence is the whole phrase, as a reader names the actor
    else:
        # "government of Pakistan": the evidence is the whole phrase
        for m in near.starting_in(hit.end, _run_after(text, hit.end, _OF_IN_CHARS)):
            if not m.country or m.hit.start < hit.end:
                continue
            between = text[hit.end:m.hit.start]
            if _OF.match(between):
                country = m.country
                hit = Hit(hit.field, hit.start, m.hit.end, text[hit.start:m.hit.end], hit.entries)
                break
            if body.located and _IN.match(between):  # "police in Paris": the body named
                country = m.country
                break
    if country is None and _THE_COUNTRYS.search(text, max(0, hit.start - 20), hit.start):
        country = primary  # "the country's army": the story's country, named by the text
        if country is not None:
            start = text.rfind(" ", 0, hit.start - 1)
            start = text.rfind(" ", 0, start) + 1  # "the country's army", "its nation's army"
            hit = Hit(hit.field, start, hit.end, text[start:hit.end], hit.entries)
    if country is None and org:  # a place named in the body's full name
        country = next((m.country for m in near.starting_in(org.start, org.end)
                        if m.country and m.hit.end <= org.end), None)
    if country is None:
        bare_ok = body.bare and (body.bare_terms is None or key_of(hit.surface) in body.bare_terms
                                 or hit.surface.isupper())
        if not bare_ok or primary is None:
            return
        before = text[max(0, hit.start - 5):hit.start].lower()
        # (_POSSESSOR ends with "'s " right before the hit: the cheap test first)
        owner = _POSSESSOR.search(text, max(0, hit.start - 40), hit.start) if text[
            hit.start - 3:hit.start] in ("'s ", "’s ") else None
        if owner is not None and _NOT_OWNERS.isdisjoint(owner.group()[:-3].split()):
            # "Tony Blair's government": that leader's, and the evidence says so
            start = owner.start()
            for word in owner.group().split()[:-1]:  # "Prime Minister Modi's": from "Modi"
                if word.lower() not in gaz.roles["_words"]:
                    break
                start += len(word) + 1
            hit = Hit(hit.field, start, hit.end, text[start:hit.end], hit.entries)
        elif not (hit.surface.isupper() or before.endswith("the ") or hit.surface[0].isupper()):
            return  # "a government", "any government": no particular one
        elif (hit.surface[0].isupper() and not hit.surface.isupper() and not org
                and not before.endswith(("the ", ": ")) and not ctx.sentence_initial(hit.start)
                and not (ctx.name == "title" and title_case(text))):
            return  # "Local Government Area", "Heads of State and Government": a longer name
        # (a capital after a colon opens the clause: "Czech Republic: Government attacks")
        country, conf = primary, 0.65
    actor = _state_actor(gaz, country, body.suffix)
    if actor is not None:
        acc.add(actor, hit, conf, "composed")
        if org:
            _add_org_spans(acc, actor, org, fields, conf, "composed")
