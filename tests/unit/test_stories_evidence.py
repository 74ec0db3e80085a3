"""The story stage's tag channel and second chance: made-up reports that must join, must not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newswatch.sinks.stories.assign import assign, source_of
from newswatch.sinks.stories.config import StoryConfig
from newswatch.sinks.stories.evidence import evidence_of, name_weight, score, tag_overlap
from newswatch.sinks.stories.index import MemoryStoryIndex, StoryState

from newswatch.contracts import ActorTag, TaggedArticle
from newswatch.contracts.tagged import EventType
from tests.story_articles import story_article

T0 = datetime(2016, 6, 14, 8, 0, tzinfo=UTC)
CONFIG = StoryConfig()
ISIS = ActorTag(id="isis", name="Islamic State", type="armed_group", cameo="REB")
POLICE = ActorTag(id="FR-POL", name="French police", type="police", cameo="COP",
                  source="composed")


def article(id_: str, title: str, text: str, *, hours: float = 0, source: str = "Guardian",
            place: str | None = "Magnanville", persons: tuple[str, ...] = (),
            actors: tuple[ActorTag, ...] = (ISIS, POLICE),
            events: tuple[EventType, ...] = ("attack",)) -> TaggedArticle:
    return story_article(id_, title, text, published_at=T0 + timedelta(hours=hours),
                         source=source, country="FR", admin1="FR-IDF", place=place,
                         persons=persons, actors=actors, events=events)


FIRST = article(
    "guardian-1", "French police officer and partner murdered in 'odious terrorist attack'",
    "A police commander and his partner were killed at their home in Magnanville by a man "
    "who pledged allegiance to Isis, the president said.", persons=("Larossi Abballa",))
# another outlet, other words; the tagger found the same town and attacker further down, and
# the same group, police and kind of event
REWORDED = article(
    "hindu-1", "Officer knifed to death at home west of capital; jihadists claim it",
    "A senior officer and his companion died after a knife assault at their house on Monday "
    "evening.", hours=3, source="Hindu", persons=("Larossi Abballa",))


def state_of(first: TaggedArticle,
             config: StoryConfig = CONFIG) -> tuple[MemoryStoryIndex, StoryState]:
    index = MemoryStoryIndex()
    return index, assign(first, index, first.published_at or T0, config).state


def value(a: TaggedArticle, config: StoryConfig = CONFIG, first: TaggedArticle = FIRST) -> float:
    _, state = state_of(first, config)
    found = score(evidence_of(a, config, source=source_of(a)), state.story, state.features,
                  config)
    assert found is not None
    return found


def test_a_rare_name_weighs_more_than_a_common_one() -> None:
    assert name_weight("kairana") > name_weight("orlando") > name_weight("paris")
    assert 1.0 <= name_weight("paris") and name_weight("larossi abballa") <= 6.0


def test_a_reworded_report_from_another_outlet_joins_on_its_tags() -> None:
    without = replace(CONFIG, tag_share=0.0)
    assert value(REWORDED, without) < CONFIG.join_threshold <= value(REWORDED)


def test_the_same_tags_from_the_storys_own_outlet_earn_nothing() -> None:
    own = REWORDED.model_copy(update={"feed_title": "Guardian"})
    assert value(own) == value(own, replace(CONFIG, tag_share=0.0))


def test_the_tags_fade_with_time_and_are_gone_after_two_days() -> None:
    _, state = state_of(FIRST)
    overlap = [tag_overlap(evidence_of(REWORDED.model_copy(update={
        "published_at": T0 + timedelta(hours=h)}), CONFIG, source="Hindu"), state.story,
        state.features["names"], CONFIG) for h in (3, 30, 50)]
    assert overlap[0] > overlap[1] > overlap[2] == 0.0


def test_an_event_type_and_a_state_body_alone_are_no_anchor() -> None:
    # another attack the same day with the police involved, nothing else in common
    other = article("afp-1", "Police hurt in attack on station", "Two officers were hurt.",
                    hours=2, source="AFP", place=None, actors=(POLICE,))
    _, state = state_of(FIRST)
    evidence = evidence_of(other, CONFIG, source="AFP")
    assert tag_overlap(evidence, state.story, state.features["names"], CONFIG) == 0.0


def test_another_attack_claimed_by_the_same_group_elsewhere_does_not_join() -> None:
    nice = article("afp-2", "Truck attack in Nice kills 84; Islamic State claims it",
                   "Mohamed Lahouaiej-Bouhlel drove a lorry into a crowd in Nice.",
                   hours=5, source="AFP", place="Nice", persons=("Mohamed Lahouaiej-Bouhlel",))
    assert value(nice) < CONFIG.join_threshold


# LSH that never matches two different texts (one band of 16 rows): only the name keys find
NO_LSH = replace(CONFIG, bands=1, rows=16)


def test_second_chance_finds_the_story_by_a_rare_name_when_lsh_finds_nothing() -> None:
    index, first = state_of(FIRST, NO_LSH)
    assert "n:p:larossi abballa" in first.bands
    change = assign(REWORDED, index, T0 + timedelta(hours=3), NO_LSH)
    assert change.outcome == "joined" and change.state.story.id == first.story.id


def test_a_common_name_makes_no_index_key() -> None:
    evidence = evidence_of(article("x", "Paris", "Paris.", place="Paris"), CONFIG)
    assert evidence.name_keys == ()


def test_second_chance_still_needs_the_score() -> None:
    # names the same attacker months later, in a trial: found by the key, refused by the score
    trial = article("lemonde-1", "Accomplice of Abballa goes on trial in Paris",
                    "The trial of a man accused of helping Larossi Abballa opened in Paris.",
                    hours=40, source="Le Monde", place="Paris", persons=("Larossi Abballa",),
                    actors=(), events=("legal",))
    index, first = state_of(FIRST, NO_LSH)
    assert [s.story.id for s in index.candidates(["n:p:larossi abballa"], T0)] == [first.story.id]
    change = assign(trial, index, T0 + timedelta(hours=40), NO_LSH)
    assert change.outcome == "opened"
