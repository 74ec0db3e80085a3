"""The story stage's parameters, with the values the evaluation chose (docs/architecture.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

__all__ = ["StoryConfig"]


@dataclass(frozen=True, slots=True)
class StoryConfig:
    # fingerprint: 32 bands of 2 rows make a pair of Jaccard 0.2 a candidate with p ~ 0.73 and
    # a pair of 0.35 with p ~ 0.98; the confirmation below, not LSH, decides
    bands: int = 64
    rows: int = 2
    lede_sentences: int = 2
    lede_chars: int = 400
    # candidates: stories last seen within this window of the article's event time; a story
    # quiet for longer expires
    window: timedelta = timedelta(hours=72)
    # confirmation: score = text containment + entity evidence; join when >= join_threshold
    join_threshold: float = 0.35
    title_share: float = 0.5  # weight of the title's words against the story's titles
    # a title's share is taken of at least this much word weight (about six content words):
    # "Two killed" sharing "killed" with "Couple killed in accident" is not 60% of a headline
    min_title_weight: float = 20.0
    entity_bonus: float = 0.1  # per shared specific name (person, place, actor), up to 3
    # tag channel, for an article from an outlet the story has not heard from yet: tag_share x
    # the weighted share of the article's tags (persons and places weighted by the rarity of
    # their names, actors, event types) that the story carries, each by how central it is to
    # the story, taken of at least min_tag_weight; in full within tag_hours of the story's span,
    # fading to nothing at twice that; nothing unless a tag of at least anchor_weight is shared
    tag_share: float = 0.2
    min_tag_weight: float = 10.0
    tag_hours: float = 24.0
    actor_weight: float = 3.0
    state_actor_weight: float = 1.0  # governments, police, armies, courts, legislatures
    event_type_weight: float = 1.0
    anchor_weight: float = 2.0
    # second chance: an article that joins no story found by its LSH keys looks stories up by
    # its rare names (name weight >= name_key_weight: "Pistorius", not "Paris"), same score
    name_key_weight: float = 4.0
    # both sides name places below the province (persons, numbers) and share none of them
    admin1_miss_penalty: float = 0.5
    place_miss_penalty: float = 0.3
    person_miss_penalty: float = 0.15
    number_miss_penalty: float = 0.15
    # bounds that keep a story's state (and memory) flat however long it grows
    profile_tokens: int = 200
    max_articles: int = 50
    max_bands: int = 256
    max_names: int = 50
    # burst: this many distinct sources within burst_window
    burst_sources: int = 4
    burst_window: timedelta = timedelta(minutes=60)
