"""Word shapes that say a capitalised word is no person's name.

Shared by the run rules (``persons``) and the single-word rules (``single_names``), so both
read one list: a common-noun or verb ending ("Demonstrations", "Impeached"), an agent noun
("Protester", "Workers") and a preposition that puts a place after it ("in Asia").
"""

from __future__ import annotations

from newswatch.processors.tagging.word_lists import WORDS

__all__ = ["AGENT_NOUN", "LOCATIVE", "NOT_NAME_END"]

NOT_NAME_END = WORDS.word_tuple("not_name_endings")
AGENT_NOUN = WORDS.word_tuple("agent_noun_endings")
# words before a place, not a person ("conflict in Asia threatens", "residents of Anna Nagar")
LOCATIVE = WORDS.word_set("place_prepositions")
