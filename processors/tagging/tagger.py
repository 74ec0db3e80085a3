"""The tagger: one article in, the same article with regions, actors, persons, event types,
watchlist hits and severity out - each tag with the evidence spans that produced it.

``Tagger`` loads the gazetteer once (shared by every instance in the process) and is safe to
use from several threads: ``tag`` only reads shared state, and a watchlist reload swaps one
reference.
"""

from __future__ import annotations

import functools
import gc
import os
import re
import threading
from pathlib import Path
from typing import NamedTuple

from newswatch.processors.tagging import actors as actors_mod
from newswatch.processors.tagging import events as events_mod
from newswatch.processors.tagging import organisations as orgs_mod
from newswatch.processors.tagging import persons as persons_mod
from newswatch.processors.tagging import regions as regions_mod
from newswatch.processors.tagging.context import FieldText
from newswatch.processors.tagging.entries import (
    ACTOR,
    ADMIN1,
    BODY,
    COUNTRY,
    DEMONYM,
    INSTITUTION,
    MASK,
    PLACE,
    SEAT,
    WATCH_ACTOR,
    WATCH_KEYWORD,
    WATCH_PLACE,
)
from newswatch.processors.tagging.gazetteer import Gazetteer
from newswatch.processors.tagging.given_names import known_name
from newswatch.processors.tagging.intervals import Near
from newswatch.processors.tagging.known_persons import known_country
from newswatch.processors.tagging.matching import Hit, scan_article, select_names
from newswatch.processors.tagging.persons import PersonCandidate
from newswatch.processors.tagging.records import (
    ActorRecord,
    EventRecord,
    PersonRecord,
    RegionsRecord,
    WatchHitRecord,
    span_of,
    tagged_article,
)
from newswatch.processors.tagging.regions import GeoMention
from newswatch.processors.tagging.watchlist import Watchlist, WatchlistError
from newswatch.processors.tagging.word_lists import WORDS

from newswatch.contracts import RawArticle, TaggedArticle
from newswatch.text_limits import MAX_TEXT_CHARS, cut_point

__all__ = ["CODE_VERSION", "Resolved", "Tagger"]

CODE_VERSION = "0.6.0"  # 0.6: known persons, attacker countries, shared acronyms, abbreviation stops
_FIELDS = ("title", "text")


class Resolved(NamedTuple):
    """What ``Tagger.resolve`` found, as working records (``records``), in the order of
    ``records.tagged_article``'s parameters."""

    article: RawArticle
    regions: RegionsRecord
    actors: list[ActorRecord]
    persons: list[PersonRecord]
    events: list[EventRecord]
    watch_hits: list[WatchHitRecord]
    severity: float
    version: str


@functools.lru_cache(maxsize=1)
def _shared_gazetteer() -> Gazetteer:
    """The process's gazetteer. It lives until the process exits, so the objects it is made
    of (about 400,000 the garbage collector tracks: entries are named tuples) move to the
    collector's permanent generation: a full collection then takes under 1 ms, not ~60,
    and the process exits ~160 ms sooner (the CLI's docs/s count its exit). ``gc.freeze``
    freezes the process's other objects of that moment too, so garbage is collected first
    (once, ~60 ms): only live objects are frozen; one that becomes cyclic garbage later is not
    collected, a cost bounded by what lived at load time."""
    gaz = Gazetteer.load()
    gc.collect()
    gc.freeze()
    return gaz


class Tagger:
    """Tag articles. ``watchlist_path``: optional YAML watchlist (see ``watchlist`` module)."""

    def __init__(self, watchlist_path: Path | None = None,
                 max_chars: int = MAX_TEXT_CHARS) -> None:
        """``max_chars``: how much of a field is read; a longer field is tagged on its first
        ``max_chars`` characters (cut at a word), the record keeps all of it and says so in
        ``parse_warnings``. Tagging is linear in the text, so this bounds a record's time."""
        self._gaz = _shared_gazetteer()
        self._max_chars = max_chars
        self._wl_path = Path(watchlist_path) if watchlist_path is not None else None
        self._wl: Watchlist | None = None
        self._wl_mtime: int | None = None
        self._reload_lock = threading.Lock()
        if self._wl_path is not None and self._wl_path.exists():
            self._wl_mtime = os.stat(self._wl_path).st_mtime_ns
            self._wl = Watchlist.load(self._wl_path)

    @property
    def version(self) -> str:
        wl = self._wl
        suffix = f"+wl.{wl.digest}" if wl is not None else ""
        return f"tagging-{CODE_VERSION}+data.{self._gaz.data_digest}{suffix}"

    def reload_watchlist_if_changed(self) -> bool:
        """Reload the watchlist when its file's mtime changed; True when a new one is live.

        A malformed file keeps the previous watchlist (and returns False): a typo in a
        user's file must not stop the stream.
        """
        if self._wl_path is None:
            return False
        with self._reload_lock:
            try:
                mtime = os.stat(self._wl_path).st_mtime_ns
            except FileNotFoundError:
                mtime = None
            if mtime == self._wl_mtime:
                return False
            self._wl_mtime = mtime
            if mtime is None:
                changed, self._wl = self._wl is not None, None
                return changed
            try:
                self._wl = Watchlist.load(self._wl_path)
            except WatchlistError:
                return False
            return True

    @property
    def gazetteer(self) -> Gazetteer:
        """The loaded gazetteer (shared, read-only)."""
        return self._gaz

    # -- tagging ----------------------------------------------------------------------------
    def tag(self, article: RawArticle) -> TaggedArticle:
        return tagged_article(*self.resolve(article))

    def resolve(self, article: RawArticle) -> Resolved:
        """The work of ``tag`` without building the output models: the working records
        ``records.tagged_article`` turns into the ``TaggedArticle``. Split out so the cost of
        each can be measured (``benchmarks/evaluation/speed.py``)."""
        gaz, wl = self._gaz, self._wl
        title, text = article.title or "", article.text or ""
        if len(title) > self._max_chars or len(text) > self._max_chars:
            article, title, text = self._prefix(article, title, text)
        fields = {"title": FieldText("title", title), "text": FieldText("text", text)}
        automaton = gaz.automaton
        assert automaton is not None  # compiled when the gazetteer is built
        names, lexical = scan_article(automaton, title, text)
        wl_hits = wl.scan_article(title, text) if wl is not None else []
        names, nested = select_names(names)
        names = _hidden_readings_dropped(gaz, names)
        geo_hits = [h for h in names if h.kset & _GEO]
        geo_hits += _nested_same_country(gaz, names, nested)
        geo_hits.sort(key=lambda h: (h.field, h.start))

        blocked = _blocking_spans(gaz, names, wl_hits, fields)
        orgs = orgs_mod.find_organisations(fields, gaz.roles["_words"])
        for f, s, e in orgs_mod.spans(orgs):  # an organisation's name is not a person's
            blocked[f].append((s, e))
        persons = persons_mod.find_persons(gaz, fields, blocked)
        person_spans = [(p.field, p.start, p.end) for p in persons]
        person_spans += [(f, s, e) for p in persons for _n, f, s, e in p.aliases]

        regions, geo = regions_mod.resolve_regions(gaz, geo_hits, fields, person_spans)
        if wl is not None:
            _add_watchlist_places(wl, wl_hits, regions, gaz)
        dict_actor_hits = [h for h in names if ACTOR in h.kset]
        primary = _primary_country(gaz, geo, dict_actor_hits, regions, fields)
        regions["primary_country"] = primary
        actor_tags = actors_mod.resolve_actors(gaz, names, geo, fields, primary, orgs)
        if wl is not None:
            actor_tags = _add_watchlist_actors(wl, wl_hits, actor_tags)
        roles = _RoleWords(actor_tags, geo) if any(p.role_span for p in persons) else None
        person_countries = [_person_country(p, roles, _known_country(p) or primary, fields)
                            for p in persons]
        actor_tags = actors_mod.leader_offices(gaz, actor_tags, persons, person_countries, fields)
        person_tags = persons_mod.to_tags(persons, person_countries, [title, text])

        event_tags = events_mod.resolve_events(gaz, lexical, fields["text"],
                                               _names_with_cues(persons, geo_hits))
        sev = events_mod.severity(gaz, event_tags, fields)
        watch_hits = _watchlist_hits(wl, wl_hits) if wl is not None else []
        return Resolved(article, regions, actor_tags, person_tags, event_tags, watch_hits,
                        sev, self.version)

    def _prefix(self, article: RawArticle, title: str, text: str) -> tuple[RawArticle, str, str]:
        """The fields to tag, each cut to ``max_chars``, and the article (all of its text)
        with a warning naming what was read."""
        notes = list(article.parse_warnings)
        cut: dict[str, str] = {}
        for name, value in (("title", title), ("text", text)):
            end = cut_point(value, self._max_chars)
            cut[name] = value[:end]
            if end < len(value):
                notes.append(f"tagged the first {end:,} of {len(value):,} characters of the "
                             f"{name} (tag_max_chars {self._max_chars:,})")
        return (article.model_copy(update={"parse_warnings": notes}), cut["title"],
                cut["text"])


def _names_with_cues(persons: list[PersonCandidate], geo_hits: list[Hit]
                     ) -> list[tuple[str, int, int]]:
    """(field, start, end) of the names whose words may be event cues: the body's persons
    named by a known given name ("Linda Battle", "Gov. John Lynch") and the gazetteer's place
    names, resolved or not ("Battle Creek"). Not every person: a storm's name ("Cyclone
    Larry") and a Title Case headline's runs ("Car Bomb Kills 20") are taken for persons'
    names too."""
    names = [(p.field, p.start, p.end) for p in persons
             if p.field == "text" and len(p.tokens) > 1 and known_name(p.tokens)]
    names += [(h.field, h.start, h.end) for h in geo_hits]
    return names


def _hidden_readings_dropped(gaz: Gazetteer, names: list[Hit]) -> list[Hit]:
    """The name hits without the readings their kind of name hides, in one pass:

    - a mask ("South China Sea") hides every reading: the hit goes, unless it is also an
      actor's name ("New York Times", "Bank of England"), which keeps its actor entries and
      stays a mask for the place inside it (``_nested_same_country``);
    - a company's name or an actor's acronym hides the place of the same name: "Meta" is not
      the Colombian department, "Toyota" not the Japanese city, "CAIR" not the Macedonian
      village. (Other actors keep their place reading: "White House" is also the building.)
    """
    out = []
    for h in names:
        kset = h.kset
        if ACTOR not in kset:
            if MASK not in kset:
                out.append(h)
            continue
        if MASK in kset:
            entries = tuple([e for e in h.entries if e.kind in (ACTOR, MASK)])
        elif kset & _PLACE_KINDS and (
                {gaz.actors[e.ref].type for e in h.entries if e.kind == ACTOR} == {"company"}
                or (h.surface.isupper() and 2 < len(h.surface.strip("(),.;:")) < 6)):
            entries = tuple([e for e in h.entries if e.kind not in _PLACE_KINDS])
        else:
            out.append(h)
            continue
        out.append(Hit(h.field, h.start, h.end, h.surface, entries))
    return out


def _nested_same_country(gaz: Gazetteer, names: list[Hit], nested: list[Hit]) -> list[Hit]:
    """Geo hits inside an actor's name that agree with the actor's country."""
    keep: list[Hit] = []
    if not nested:
        return keep
    by_field: dict[str, list[Hit]] = {}
    for h in names:
        if ACTOR in h.kset and MASK not in h.kset:
            by_field.setdefault(h.field, []).append(h)
    near = {f: Near(hs, _hit_span) for f, hs in by_field.items()}
    longest = max((h.end - h.start for h in names), default=0)
    for inner in nested:
        actor_hits = near.get(inner.field)
        if actor_hits is None:
            continue
        outer = next((a for a in actor_hits.starting_in(inner.end - longest, inner.start)
                      if inner.end <= a.end), None)
        if outer is None:
            continue
        countries = {gaz.actors[e.ref].country for e in outer.entries if e.kind == ACTOR}
        entries = [e for e in inner.entries
                   if e.kind in (COUNTRY, DEMONYM) and e.ref in countries
                   or e.kind == PLACE and gaz.places[e.ref].country in countries]
        if entries:
            keep.append(Hit(inner.field, inner.start, inner.end, inner.surface, tuple(entries)))
    return keep


_NAME_NEXT = re.compile(r"[ \u00a0]+[A-Z][a-z]")
_NOT_GIVEN_NAME = frozenset({ACTOR, BODY, DEMONYM})
_STRONG = frozenset({ACTOR, COUNTRY, DEMONYM, SEAT, INSTITUTION, ADMIN1, BODY})
_GEO = frozenset({COUNTRY, DEMONYM, ADMIN1, PLACE, SEAT, INSTITUTION})
_PLACE_KINDS = frozenset({ADMIN1, PLACE})


def _blocking_spans(gaz: Gazetteer, names: list[Hit], wl_hits: list[Hit], fields) -> dict:
    """Spans that cannot be part of a person's name: actors, countries, big or curated places.

    A country or place name right after a role word and right before another capitalised
    word is a given name ("Spokesman Jordan Miles") and does not block; nor does a big city's
    name joined to another name word ("Ali Bello", not Bello, Colombia).
    """
    blocked: dict[str, list[tuple[int, int]]] = {f: [] for f in _FIELDS}
    role_words = gaz.roles["_words"]
    for h in names:
        # isdisjoint, not "&": only whether the kinds meet matters, and "&" makes a set
        kinds = h.kset
        if kinds.isdisjoint(_NOT_GIVEN_NAME) and " " not in h.surface:
            ctx = fields[h.field]
            if (_NAME_NEXT.match(ctx.text, h.end)
                    and ctx.prev_word(h.start).rstrip(".") in role_words):
                continue
        strong = not kinds.isdisjoint(_STRONG) or (
            PLACE in kinds and _blocking_place(gaz, h, fields[h.field], role_words))
        if strong and (h.surface not in gaz.never or ACTOR in kinds):  # "never" is for
            blocked[h.field].append((h.start, h.end))  # places: "Hamas said" is no person
    for h in wl_hits:
        if any(e.kind in (WATCH_ACTOR, WATCH_PLACE) for e in h.entries):
            blocked[h.field].append((h.start, h.end))
    return blocked


def _blocking_place(gaz: Gazetteer, h: Hit, ctx: FieldText, role_words: frozenset[str]) -> bool:
    """A place name that blocks: a curated place or a county, or a big city (not by an
    alternate name) that is not joined to another name word ("Ali Bello", not Bello,
    Colombia). One loop over the entries: compiled, ``any`` over a generator makes an
    object per call, and a name-dense story asks this of most of its names."""
    big = False
    for e in h.entries:
        if e.kind == PLACE:
            p = gaz.places[e.ref]
            if p.curated or p.kind == "county":
                return True
            big = big or (p.population >= 100_000 and e.tag != "alt")
    return big and not ctx.name_neighbour(h.start, h.end, role_words, gaz.never_words)


_KIND_WEIGHT = {COUNTRY: 1.0, SEAT: 1.0, INSTITUTION: 1.0, PLACE: 1.0, ADMIN1: 1.0,
                DEMONYM: 0.6}
_ATTACKER_NEXT = WORDS.word_set("attacker_next")


def _primary_country(gaz, geo, actor_hits: list[Hit], regions,
                     fields: dict[str, FieldText]) -> str | None:
    """What the story is about: the country most mentioned, weighting the title and lead.

    Countries named only inside an actor's name count half; actors' own countries count a
    little, so a story about the TTP and Islamabad leans to Pakistan. A country or demonym
    naming an attacker ("killed in U.S. air strike in Somalia") counts half.
    """
    if not regions["countries"]:
        return None
    scores: dict[str, float] = {}
    for m in geo:
        if not m.country:
            continue
        w = _KIND_WEIGHT.get(m.kind, 1.0)
        if m.kind in (COUNTRY, DEMONYM) and fields[m.hit.field].next_word(
                m.hit.end) in _ATTACKER_NEXT:
            w *= 0.5
        if m.hit.field == "title":
            w *= 3.0
        elif m.hit.start < 400:
            w *= 1.5
        scores[m.country] = scores.get(m.country, 0.0) + w
    for h in actor_hits:
        for e in h.entries:
            country = gaz.actors[e.ref].country if e.kind == ACTOR else None
            if country in scores:
                scores[country] += 0.5
    if not scores:
        return None
    order = {c["code"]: i for i, c in enumerate(regions["countries"])}
    return max(scores, key=lambda c: (scores[c], -order.get(c, 99)))


_ROLE_JOIN = re.compile(r"(?:'s|’s)?[ \u00a0]+")


class _RoleWords:
    """The actors' evidence and the place mentions of each field by position, so a person's
    role asks only about the words it spans (asking every actor and place per person made
    stories with many people quadratic)."""

    def __init__(self, actor_tags: list[ActorRecord], geo: list[GeoMention]) -> None:
        evidence: dict[str, list[tuple[int, int, str]]] = {}
        for tag in actor_tags:
            if tag["country"]:
                for ev_start, ev_end, _text, ev_field in tag["evidence"]:
                    evidence.setdefault(ev_field, []).append((ev_start, ev_end, tag["country"]))
        self.evidence = {f: Near(ev, _first_two) for f, ev in evidence.items()}
        places: dict[str, list[GeoMention]] = {}
        for m in geo:
            if m.country:
                places.setdefault(m.hit.field, []).append(m)
        self.places = {f: Near(ms, _mention_span) for f, ms in places.items()}


def _hit_span(h: Hit) -> tuple[int, int]:
    return h.start, h.end


def _first_two(t: tuple) -> tuple[int, int]:
    return t[0], t[1]


def _mention_span(m) -> tuple[int, int]:
    return m.hit.start, m.hit.end


def _known_country(p) -> str | None:
    """A well-known person's listed country (``known_persons``): what a role that names no
    country falls back on before the story's primary country."""
    return known_country([p.name, *[a[0] for a in p.aliases]])


def _person_country(p, roles: _RoleWords | None, primary: str | None,
                    fields: dict[str, FieldText]) -> str | None:
    """The country of a person's role: an actor or country named in the role, else primary.
    ``roles``: None when no person has a role."""
    if p.role_span is None or roles is None:
        return primary
    s, e = p.role_span
    best: tuple[int, str] | None = None
    evidence = roles.evidence.get(p.field)
    for ev_start, ev_end, country in evidence.starting_in(s, e) if evidence else ():
        if ev_end <= e and not (p.start <= ev_start < p.end):
            dist = abs(ev_start - p.start)
            if best is None or dist < best[0]:
                best = (dist, country)
    if best:
        return best[1]
    places = roles.places.get(p.field)
    if places is None:
        return primary
    for m in places.starting_in(s, e):
        if m.hit.end <= e:
            return m.country
    text = fields[p.field].text
    for m in places.ending_in(s - 4, s):  # a country word right before the role: "French
        if _ROLE_JOIN.fullmatch(text, m.hit.end, s) is not None:  # President Emmanuel Macron"
            return m.country
    return primary


def _add_watchlist_places(wl: Watchlist, hits: list[Hit], regions: RegionsRecord,
                          gaz: Gazetteer) -> None:
    for h in hits:
        for e in h.entries:
            if e.kind != WATCH_PLACE:
                continue
            place = wl.places[e.ref]
            span = span_of(h)
            regions["places"].append({
                "name": place.name, "geonameid": place.geonameid, "lat": place.lat,
                "lon": place.lon, "country": place.country, "admin1": place.admin1,
                "kind": place.kind, "confidence": 0.9, "evidence": [span]})
            if place.country and all(c["code"] != place.country for c in regions["countries"]):
                regions["countries"].append({
                    "code": place.country,
                    "name": gaz.country_names.get(place.country, place.country),
                    "confidence": 0.9, "evidence": [span]})
            if place.admin1 and all(a["code"] != place.admin1 for a in regions["admin1"]):
                regions["admin1"].append({
                    "code": place.admin1, "name": gaz.admin1_names.get(place.admin1, place.admin1),
                    "country": place.admin1[:2], "confidence": 0.9, "evidence": [span]})


def _add_watchlist_actors(wl: Watchlist, hits: list[Hit],
                          tags: list[ActorRecord]) -> list[ActorRecord]:
    by_id = {t["id"]: t for t in tags}
    for h in hits:
        for e in h.entries:
            if e.kind != WATCH_ACTOR:
                continue
            actor = wl.actors[e.ref]
            span = span_of(h)
            if actor.id in by_id and by_id[actor.id]["source"] == "watchlist":
                by_id[actor.id]["evidence"].append(span)
                continue
            by_id[actor.id] = {"id": actor.id, "name": actor.name, "type": actor.type,
                               "country": actor.country, "cameo": actor.cameo,
                               "source": "watchlist", "confidence": 0.9, "evidence": [span]}
    return list(by_id.values())


def _watchlist_hits(wl: Watchlist, hits: list[Hit]) -> list[WatchHitRecord]:
    out: dict[str, WatchHitRecord] = {}
    for h in hits:
        for e in h.entries:
            if e.kind != WATCH_KEYWORD:
                continue
            ref = e.ref
            span = span_of(h)
            if ref in out:
                out[ref]["evidence"].append(span)
            else:
                out[ref] = {"watchlist": wl.name, "term": ref, "confidence": 0.95,
                            "evidence": [span]}
    return list(out.values())
