"""The story decision: join, open, re-delivery, burst, expiry - over the memory index."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from newswatch.sinks.stories.assign import assign, expire_quiet, story_id_for
from newswatch.sinks.stories.config import StoryConfig
from newswatch.sinks.stories.index import MemoryStoryIndex, StoryState

from newswatch.contracts import CountryTag, Regions, TaggedArticle
from tests.story_articles import story_article

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
CONFIG = StoryConfig()


def article(id_: str, title: str, text: str, *, minutes: float = 0, source: str = "Dawn",
            country: str | None = "PK", admin1: str | None = "PK-KP",
            place: str | None = "Peshawar", persons: tuple[str, ...] = (),
            event: str = "bombing") -> TaggedArticle:
    return story_article(id_, title, text, published_at=T0 + timedelta(minutes=minutes),
                         source=source, country=country, admin1=admin1, place=place,
                         persons=persons, events=(event,))


PESHAWAR = article(
    "dawn-1", "Suicide bomber kills 23 at vegetable market in Peshawar",
    "A suicide bomber killed at least 23 people at a vegetable market in Peshawar on Monday, "
    "police said. The Tehreek-i-Taliban Pakistan claimed the attack.",
    persons=("Qasim Durrani",))
REWORDED = article(
    "bbc-1", "Peshawar market blast: 23 dead as suicide bomber strikes",
    "At least 23 people were killed when a suicide bomber blew himself up at a busy vegetable "
    "market in Peshawar. Police chief Qasim Durrani said the Tehreek-i-Taliban Pakistan "
    "claimed it.", minutes=25, source="BBC", persons=("Qasim Durrani",))
BANNU = article(
    "dawn-2", "Suicide bomber kills 9 at police station in Bannu",
    "A suicide bomber killed at least 9 people at a police station in Bannu on Wednesday, "
    "police said. The Tehreek-i-Taliban Pakistan claimed the attack.",
    minutes=2 * 24 * 60, place="Bannu", persons=("Farhan Wazir",))


def now_of(a: TaggedArticle) -> datetime:
    assert a.published_at is not None
    return a.published_at + timedelta(minutes=1)


def test_first_article_opens_a_story_with_a_stable_id() -> None:
    index = MemoryStoryIndex()
    change = assign(PESHAWAR, index, now_of(PESHAWAR), CONFIG)
    story = change.state.story
    assert change.outcome == "opened" and change.changed
    assert story.id == story_id_for("dawn-1") and story.version == 1
    assert story.change == "opened" and story.title == PESHAWAR.title
    assert story.sources == ["Dawn"] and story.article_count == 1
    assert story.primary_country == "PK" and story.event_types == {"bombing": 1}
    assert index.story_of_article("dawn-1") is not None  # assign saved it


def test_reworded_headline_from_another_outlet_joins() -> None:
    index = MemoryStoryIndex()
    opened = assign(PESHAWAR, index, now_of(PESHAWAR), CONFIG)
    joined = assign(REWORDED, index, now_of(REWORDED), CONFIG)
    assert joined.outcome == "joined"
    story = joined.state.story
    assert story.id == opened.state.story.id and story.version == 2
    assert story.change == "article"
    assert story.sources == ["Dawn", "BBC"] and story.source_count == 2
    assert [a.id for a in story.articles] == ["dawn-1", "bbc-1"]
    assert story.persons == {"Qasim Durrani": 2} and story.admin1 == {"PK-KP": 2}
    assert story.title == PESHAWAR.title  # the earliest article's
    assert 0 < story.articles[1].similarity <= 1


def test_different_attack_in_the_same_province_opens_its_own_story() -> None:
    index = MemoryStoryIndex()
    first = assign(PESHAWAR, index, now_of(PESHAWAR), CONFIG)
    second = assign(BANNU, index, now_of(BANNU), CONFIG)
    assert second.outcome == "opened"
    assert second.state.story.id != first.state.story.id
    assert len(index) == 2


def test_a_short_generic_headline_does_not_join_on_one_shared_word() -> None:
    """Two local accidents on one day: "Two killed" shares "killed" with the story's headline,
    which is most of a two-word title; its share is taken of a full headline's weight."""
    couple = article("city-1", "Couple killed in accident",
                     "A couple from Anna Nagar were killed when their car hit a roadside tree "
                     "near Melur on Monday afternoon, police said.",
                     country="IN", admin1="IN-TN", place=None)
    two = article("city-2", "Two killed",
                  "Two persons were killed on Monday when a car hit a lorry and a motorcycle "
                  "hit a tree, police said.",
                  minutes=20, country="IN", admin1="IN-TN", place=None)
    outcomes = {}
    for floor in (CONFIG.min_title_weight, 0.0):
        config = replace(CONFIG, min_title_weight=floor)
        index = MemoryStoryIndex()
        assign(couple, index, now_of(couple), config)
        outcomes[floor] = assign(two, index, now_of(two), config).outcome
    assert outcomes == {CONFIG.min_title_weight: "opened", 0.0: "joined"}


def test_conflicting_primary_countries_block_a_join() -> None:
    index = MemoryStoryIndex()
    assign(PESHAWAR, index, now_of(PESHAWAR), CONFIG)
    # the same words, but tagged as another country's event: never the same story
    elsewhere = REWORDED.model_copy(update={"id": "x-1", "regions": Regions(
        countries=[CountryTag(code="AF", name="Afghanistan")], primary_country="AF")})
    assert assign(elsewhere, index, now_of(elsewhere), CONFIG).outcome == "opened"
    # and with the country agreeing, the same article joins
    same = REWORDED.model_copy(update={"id": "x-2"})
    assert assign(same, index, now_of(same), CONFIG).outcome == "joined"


def test_another_primary_country_that_names_the_storys_does_not_block() -> None:
    # a two-country event (talks, a border clash): outlets differ on which country is primary
    index = MemoryStoryIndex()
    assign(PESHAWAR, index, now_of(PESHAWAR), CONFIG)
    regions = REWORDED.regions.model_copy(update={
        "countries": [CountryTag(code="AF", name="Afghanistan"),
                      CountryTag(code="PK", name="Pakistan")], "primary_country": "AF"})
    both = REWORDED.model_copy(update={"id": "y-1", "regions": regions})
    assert assign(both, index, now_of(both), CONFIG).outcome == "joined"


def test_redelivered_article_keeps_its_story_unchanged() -> None:
    index = MemoryStoryIndex()
    assign(PESHAWAR, index, now_of(PESHAWAR), CONFIG)
    joined = assign(REWORDED, index, now_of(REWORDED), CONFIG)
    again = assign(REWORDED, index, now_of(REWORDED) + timedelta(hours=1), CONFIG)
    assert again.outcome == "already" and not again.changed
    assert again.state.story.version == joined.state.story.version == 2
    assert again.state.story.article_count == 2
    assert again.similarity == joined.similarity


def test_burst_is_flagged_once_when_enough_sources_report_within_the_window() -> None:
    index = MemoryStoryIndex()
    outlets = ["Dawn", "BBC", "Reuters", "Al Jazeera", "NDTV", "DW"]
    changes = [assign(a, index, now_of(a), CONFIG) for a in (
        REWORDED.model_copy(update={"id": f"c-{i}", "feed_title": outlet,
                                    "published_at": T0 + timedelta(minutes=10 * i)})
        for i, outlet in enumerate(outlets))]
    assert [c.outcome for c in changes] == ["opened"] + ["joined"] * 5
    bursts = [c.became_burst for c in changes]
    assert bursts == [False, False, False, True, False, False]  # the 4th source, once
    story = changes[-1].state.story
    assert story.burst and story.burst_at == T0 + timedelta(minutes=30)
    assert changes[3].state.story.change == "burst"
    assert changes[4].state.story.change == "article"


def test_sources_spread_over_more_than_the_burst_window_make_no_burst() -> None:
    index = MemoryStoryIndex()
    for i, outlet in enumerate(["Dawn", "BBC", "Reuters", "Al Jazeera"]):
        a = REWORDED.model_copy(update={"id": f"s-{i}", "feed_title": outlet,
                                        "published_at": T0 + timedelta(minutes=45 * i)})
        change = assign(a, index, now_of(a), CONFIG)
    assert change.outcome == "joined" and not change.state.story.burst


def test_quiet_stories_expire_and_a_late_copy_opens_a_new_story() -> None:
    index = MemoryStoryIndex()
    first = assign(PESHAWAR, index, now_of(PESHAWAR), CONFIG)
    late_at = T0 + CONFIG.window + timedelta(hours=1)
    late = REWORDED.model_copy(update={"id": "late-1", "published_at": late_at})
    # outside the window the old story is no candidate, even before it is expired
    change = assign(late, index, late_at, CONFIG)
    assert change.outcome == "opened" and change.state.story.id != first.state.story.id
    assert expire_quiet(index, late_at, CONFIG) == 1
    assert index.story_of_article("dawn-1") is None
    assert index.story_of_article("late-1") is not None


def test_event_time_is_publication_capped_at_now() -> None:
    index = MemoryStoryIndex()
    future = PESHAWAR.model_copy(update={"published_at": T0 + timedelta(days=3)})
    story = assign(future, index, T0, CONFIG).state.story
    assert story.first_seen_at == T0 == story.last_seen_at
    undated = REWORDED.model_copy(update={"published_at": None, "id": "u-1"})
    joined = assign(undated, index, T0 + timedelta(minutes=5), CONFIG)
    assert joined.outcome == "joined"
    assert joined.state.story.last_seen_at == T0 + timedelta(minutes=5)


def test_an_article_dated_in_the_first_days_of_year_one_is_placed() -> None:
    # the window's start (its time minus 72 h) raised OverflowError, out of the alert role's
    # story stage and the offline `newswatch stories`; any producer may publish such a date
    index = MemoryStoryIndex()
    first = PESHAWAR.model_copy(update={"published_at": datetime(1, 1, 1, tzinfo=UTC)})
    assert assign(first, index, T0, CONFIG).outcome == "opened"
    again = REWORDED.model_copy(update={"published_at": datetime(1, 1, 1, 0, 20, tzinfo=UTC)})
    joined = assign(again, index, T0, CONFIG)
    assert joined.outcome == "joined" and joined.state.story.first_seen_at.year == 1


def test_state_stays_bounded_and_round_trips_as_json() -> None:
    config = replace(CONFIG, max_articles=5, profile_tokens=20, max_bands=80)
    index = MemoryStoryIndex()
    for i in range(30):
        a = REWORDED.model_copy(update={
            "id": f"b-{i}", "feed_title": f"Outlet {i}",
            "title": f"{REWORDED.title} update{i} word{i}",
            "published_at": T0 + timedelta(minutes=i)})
        change = assign(a, index, now_of(a), config)
        assert change.outcome == ("opened" if i == 0 else "joined")
    state = change.state
    story = state.story
    assert story.article_count == 30 and story.version == 30
    assert [a.id for a in story.articles] == ["b-0", "b-26", "b-27", "b-28", "b-29"]
    assert len(state.features["tokens"]) <= 20 + 20 // 4
    assert len(state.bands) <= 80
    assert StoryState.from_json(state.to_json()) == state


@pytest.mark.parametrize("source,expected", [
    ({"feed_title": "Dawn", "feed_id": "dawn"}, "Dawn"),
    ({"feed_id": "dawn"}, "dawn"),
    ({"url": "https://www.bbc.co.uk/news/1"}, "bbc.co.uk"),
])
def test_source_is_feed_title_then_feed_id_then_host(source: dict, expected: str) -> None:
    base = {"feed_title": None, "feed_id": None, "url": None}
    a = PESHAWAR.model_copy(update={**base, **source})
    story = assign(a, MemoryStoryIndex(), now_of(a), CONFIG).state.story
    assert story.sources == [expected]
