"""The tagger's working records, and the one step that turns them into contract models.

Why: resolving an article merges, sorts and re-reads dozens of tags and evidence spans. Done
on pydantic models that costs microseconds per object (an article has 20-60 of them, every
span is one). The resolvers therefore work on plain records - a span is a tuple
``(start, end, text, field)``, a tag a dict keyed by the contract's field names - and
``tagged_article`` builds the models once, at the end.

The tag records are ``TypedDict``s named for their models (``ActorRecord`` for ``ActorTag``):
plain dicts at run time, checked by mypy.

The values are produced by the tagger's own code from validated data (the gazetteer, a
watchlist that ``Watchlist.load`` checked, a ``RawArticle``), so the models are built like
``model_construct`` does - without re-validating - but with a loop specialised for these
models. ``tests/unit/test_tagging_records.py`` checks that the result equals what
validation produces.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from pydantic import BaseModel

from newswatch.contracts import (
    ActorTag,
    Admin1Tag,
    CountryTag,
    EventTag,
    PersonTag,
    PlaceTag,
    RawArticle,
    Regions,
    Span,
    TaggedArticle,
    WatchlistHit,
)

if TYPE_CHECKING:
    from newswatch.processors.tagging.matching import Hit

__all__ = ["ActorRecord", "Admin1Record", "CountryRecord", "EventRecord", "PersonRecord",
           "PlaceRecord", "RegionsRecord", "SpanT", "WatchHitRecord", "span_of",
           "tagged_article"]

SpanT = tuple[int, int, str, str]  # (start, end, text, field)


class CountryRecord(TypedDict):
    code: str
    name: str
    confidence: float
    evidence: list[SpanT]


class Admin1Record(TypedDict):
    code: str
    name: str
    country: str
    confidence: float
    evidence: list[SpanT]


class PlaceRecord(TypedDict):
    """A place; a division or a country named as a place has no coordinates."""

    name: str
    geonameid: NotRequired[int | None]
    lat: NotRequired[float | None]
    lon: NotRequired[float | None]
    country: str | None
    admin1: NotRequired[str | None]
    kind: str
    confidence: float
    evidence: list[SpanT]


class RegionsRecord(TypedDict):
    countries: list[CountryRecord]
    admin1: list[Admin1Record]
    places: list[PlaceRecord]
    macro_regions: list[str]
    primary_country: str | None


class ActorRecord(TypedDict):
    id: str
    name: str
    type: str  # an ActorType: the data is checked against the contract when it loads
    country: str | None
    cameo: str | None
    source: str  # dictionary, composed, pattern or watchlist
    confidence: float
    evidence: list[SpanT]


class PersonRecord(TypedDict):
    name: str
    role: str | None
    country: str | None
    aliases: list[str]
    confidence: float
    evidence: list[SpanT]


class EventRecord(TypedDict):
    type: str  # an EventType: the data is checked against the contract when it loads
    confidence: float
    evidence: list[SpanT]


class WatchHitRecord(TypedDict):
    watchlist: str
    term: str
    confidence: float
    evidence: list[SpanT]

_new = object.__new__
# the setters of BaseModel's four slots, called directly (object.__setattr__ finds the same
# descriptor by name on every call; a tag record and each span set all four)
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_RAW_FIELDS = tuple(RawArticle.model_fields)


def span_of(hit: Hit) -> SpanT:
    return (hit.start, hit.end, hit.surface, hit.field)


def _supported(cls: type[BaseModel]) -> type[BaseModel]:
    """Only plain models can be built this way: no private attributes, no post-init hook,
    no extra fields kept, no aliases."""
    if (cls.__private_attributes__ or cls.__pydantic_post_init__ or cls.__pydantic_root_model__
            or cls.model_config.get("extra") == "allow"
            or any(f.alias or f.validation_alias for f in cls.model_fields.values())):
        raise TypeError(f"{cls.__name__} cannot be built without validation")
    return cls


def _obj(cls: type[BaseModel], values: dict, given: set[str]) -> Any:
    obj: Any = _new(cls)
    _set_dict(obj, values)
    _set_fields_set(obj, given)
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


_CONSTANTS = (type(None), bool, int, float, str)  # defaults that pydantic hands out uncopied


class _Maker:
    """Builds one model class from a dict of some of its fields (the rest take defaults)."""

    __slots__ = ("cls", "constants", "fields", "names")

    def __init__(self, cls: type[BaseModel]) -> None:
        self.cls = _supported(cls)
        self.fields = tuple(cls.model_fields.items())
        self.names = tuple(cls.model_fields)
        # the defaults that are plain values (most: None), read from here rather than through
        # pydantic's get_default, a Python-level call per missing field of every tag
        self.constants = {name: info.default for name, info in self.fields
                          if info.default_factory is None and type(info.default) in _CONSTANTS}

    def values(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """All fields in declaration order (as validation and model_construct store them)."""
        if len(given) == len(self.names):
            return {name: given[name] for name in self.names}
        constants = self.constants
        return {name: given[name] if name in given else constants[name] if name in constants
                else info.get_default(call_default_factory=True) for name, info in self.fields}

    def __call__(self, given: Mapping[str, Any]) -> Any:
        return _obj(self.cls, self.values(given), set(given))


_supported(Span)
_supported(TaggedArticle)
_country, _admin1, _place = _Maker(CountryTag), _Maker(Admin1Tag), _Maker(PlaceTag)
_actor, _person, _event, _watch = (_Maker(ActorTag), _Maker(PersonTag), _Maker(EventTag),
                                   _Maker(WatchlistHit))
_regions = _Maker(Regions)
_SPAN_GIVEN = frozenset(Span.model_fields)


def _spans(evidence: list[SpanT], made: dict[SpanT, Span]) -> list[Span]:
    """Span models; one per distinct span of the article (a frozen Span can be shared by
    the country, division and place one mention supports)."""
    out = []
    for key in evidence:
        obj = made.get(key)
        if obj is None:
            start, end, text, field = key
            obj = made[key] = _obj(Span, {"start": start, "end": end, "text": text,
                                          "field": field}, set(_SPAN_GIVEN))
        out.append(obj)
    return out


def _tags(make: _Maker, tags: Sequence[Mapping[str, Any]], made: dict[SpanT, Span]
          ) -> list[Any]:
    out = []
    cls = make.cls
    for tag in tags:
        values = make.values(tag)
        values["evidence"] = _spans(values["evidence"], made)
        out.append(_obj(cls, values, set(tag)))
    return out


def tagged_article(article: RawArticle, regions: RegionsRecord, actors: list[ActorRecord],
                   persons: list[PersonRecord], events: list[EventRecord],
                   watch_hits: list[WatchHitRecord],
                   severity: float, version: str) -> TaggedArticle:
    """The contract record from the working records (every tag dict has an ``evidence``
    list of span tuples). The raw article's fields are copied (lists shallow-copied)."""
    made: dict[SpanT, Span] = {}
    reg = _regions({
        "countries": _tags(_country, regions["countries"], made),
        "admin1": _tags(_admin1, regions["admin1"], made),
        "places": _tags(_place, regions["places"], made),
        "macro_regions": regions["macro_regions"],
        "primary_country": regions["primary_country"],
    })
    raw = article.__dict__
    values = {name: (list(raw[name]) if type(raw[name]) is list else raw[name])
              for name in _RAW_FIELDS}
    values["regions"] = reg
    values["actors"] = _tags(_actor, actors, made)
    values["persons"] = _tags(_person, persons, made)
    values["event_types"] = _tags(_event, events, made)
    values["watchlist_hits"] = _tags(_watch, watch_hits, made)
    values["severity"] = severity
    values["tagger_version"] = version
    given = set(values)
    values["story_id"] = None  # assigned downstream, by the story stage
    return _obj(TaggedArticle, values, given)
