"""Word shapes that say a capitalised word is no person's name.

Shared by the run rules (``persons``) and the single-word rules (``single_names``), so both
read one list: a common-noun or verb ending ("Demonstrations", "Impeached"), an agent noun
("Protester", "Workers") and a preposition that puts a place after it ("in Asia").
"""

from __future__ import annotations

__all__ = ["AGENT_NOUN", "LOCATIVE", "NOT_NAME_END"]

NOT_NAME_END = ("ing", "ted", "hed", "ped", "ked", "ied", "sed", "zed", "ion", "ions", "ity",
                "ities", "ness", "ment", "ments", "ism", "ship", "ance", "ence", "ancy", "ency",
                "acy")
AGENT_NOUN = ("er", "or", "ist", "ant", "ent", "ian", "ers", "ors", "ists", "ants", "ents")
# words before a place, not a person ("conflict in Asia threatens", "residents of Anna Nagar")
LOCATIVE = frozenset({"in", "at", "near", "into", "across", "outside", "inside", "towards"})
