"""The tagger builds its output models without re-validating them (``records``): the result
must be exactly what validation would have produced, and user data that would not validate
must be refused when the watchlist is loaded."""

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pytest
from newswatch.processors.tagging import Tagger, WatchlistError
from newswatch.processors.tagging.watchlist import Watchlist

from newswatch.contracts import RawArticle, TaggedArticle

EXAMPLE = Path(__file__).resolve().parents[2] / "processors" / "tagging" / "data" / \
    "watchlist.example.yaml"

ARTICLES = [
    RawArticle(id="a", title="Blast in Quetta", text=(
        "A suicide bomber struck a market in Quetta on Monday, killing 12 people, police "
        "chief Ali Raza said. Pakistani troops sealed the area and the interior ministry "
        "blamed the Balochistan Liberation Army. Mr Raza told reporters more arrests would "
        "follow."), url="https://example.org/a", feed_id="f", language="en",
        categories=["world"], authors=["Desk"],
        published_at=datetime(2024, 4, 4, 9, 30, tzinfo=UTC)),
    RawArticle(id="b", text=("Floods along the river displaced thousands in Sylhet, "
                             "Bangladesh, and the border closure at Chaman halted CPEC "
                             "trucks, the CPEC Authority said.")),
    RawArticle(id="c", text="Nothing of note happened today."),
]


@lru_cache(maxsize=1)
def _taggers() -> tuple[Tagger, Tagger]:
    return Tagger(), Tagger(watchlist_path=EXAMPLE)


@pytest.mark.parametrize("article", ARTICLES, ids=[a.id for a in ARTICLES])
@pytest.mark.parametrize("which", [0, 1], ids=["plain", "watchlist"])
def test_built_models_equal_validated_models(article, which):
    tagged = _taggers()[which].tag(article)
    validated = TaggedArticle.model_validate(tagged.model_dump())
    assert tagged == validated
    assert tagged.model_dump_json() == validated.model_dump_json()
    for group in (tagged.regions.countries, tagged.regions.places, tagged.actors,
                  tagged.persons, tagged.event_types, tagged.watchlist_hits):
        for tag in group:
            assert isinstance(tag.confidence, float)
            assert {"confidence", "evidence"} <= tag.model_fields_set


def test_raw_lists_are_copied_not_shared():
    article = ARTICLES[0]
    tagged = _taggers()[0].tag(article)
    assert tagged.categories == article.categories
    assert tagged.categories is not article.categories


@pytest.mark.parametrize("body", [
    "actors: [{id: x, name: X, cameo: 5}]\n",
    "places: [{name: Chaman, lat: north}]\n",
    "places: [{name: Chaman, geonameid: 1.5}]\n",
    "places: [{name: Chaman, admin1: [PK-BA]}]\n",
])
def test_watchlist_values_of_the_wrong_type_are_refused(tmp_path, body):
    path = tmp_path / "wl.yaml"
    path.write_text(body)
    with pytest.raises(WatchlistError):
        Watchlist.load(path)


def _strict_round_trip(built: TaggedArticle) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a wrongly typed value warns when serialised
        dumped = built.model_dump_json()
    assert TaggedArticle.model_validate_json(dumped) == built


def test_every_seat_of_government_tags_to_valid_models():
    # one sentence per seat: data files' values reach the models unvalidated, so a YAML
    # surprise (a bare NO read as false) must show here
    tagger = _taggers()[0]
    seats = sorted(tagger._gaz.seat_place)
    assert len(seats) > 100
    for seat in seats:
        built = tagger.tag(RawArticle(id="s", text=f"Officials met in {seat} on Monday."))
        _strict_round_trip(built)
        assert all(isinstance(c.code, str) and len(c.code) == 2
                   for c in built.regions.countries), seat


@pytest.mark.parametrize("article", ARTICLES, ids=[a.id for a in ARTICLES])
def test_tag_is_resolve_then_tagged_article(article):
    from newswatch.processors.tagging.records import tagged_article

    tagger = _taggers()[1]
    resolved = tagger.resolve(article)
    assert resolved.article is article and resolved.version == tagger.version
    assert tagged_article(*resolved) == tagger.tag(article)
