"""Actors (dictionary, composed, seats of government) and persons (roles, merging)."""

from functools import lru_cache

from newswatch.contracts import RawArticle
from processors.tagging import Tagger


@lru_cache(maxsize=1)
def _tagger() -> Tagger:
    return Tagger()


def tag(text: str, title: str = ""):
    return _tagger().tag(RawArticle(id="t", title=title, text=text))


def actor_ids(t) -> set[str]:
    return {a.id for a in t.actors}


def test_ttp_and_afghan_taliban_are_different_actors():
    t = tag("The Tehrik-e-Taliban Pakistan (TTP) claimed the attack, while the Afghan Taliban "
            "denied sheltering the group.")
    ttp = next(a for a in t.actors if a.id == "ttp")
    assert ttp.type == "armed_group" and ttp.country == "PK" and ttp.cameo == "REB"
    gov = next(a for a in t.actors if a.id == "AF-GOV")
    assert gov.type == "government" and gov.country == "AF"


def test_composed_actor_from_demonym():
    t = tag("Pakistani troops and Afghan authorities exchanged fire near the crossing.")
    assert {"PK-MIL", "AF-GOV"} <= actor_ids(t)
    assert next(a for a in t.actors if a.id == "PK-MIL").source in ("composed", "dictionary")


def test_composed_actor_from_of_phrase_covers_the_phrase():
    t = tag("We ask the government of Pakistan to talk, he said.")
    gov = next(a for a in t.actors if a.id == "PK-GOV")
    assert "government of Pakistan" in {e.text for e in gov.evidence}


def test_bare_body_takes_the_primary_country():
    t = tag("Pakistan's cabinet met in Pakistan on Monday. Pakistan will respond, the interior "
            "ministry said, and the Foreign Office (FO) agreed.")
    assert {"PK-MOI", "PK-MOFA"} <= actor_ids(t)


def test_generic_noun_without_country_is_no_actor():
    t = tag("Police said officials were investigating.")
    assert t.actors == []


def test_seat_of_government_as_speaker():
    t = tag("Washington warned Moscow against escalation.")
    assert {"US-GOV", "RU-GOV"} <= actor_ids(t)


def test_igo_acronyms_are_case_exact():
    t = tag("NATO and the EU met; who knows what the WHO will say.")
    ids = actor_ids(t)
    assert {"nato", "eu", "who"} <= ids
    who = next(a for a in t.actors if a.id == "who")
    assert [e.text for e in who.evidence] == ["WHO"]


def test_person_with_role_before_name_and_alias_merge():
    t = tag("Defence Minister Khawaja Asif said the border would close. Mr Asif added that "
            "talks were off. Asif later left.", title="")
    person = next(p for p in t.persons if p.name == "Khawaja Asif")
    assert person.role and "minister" in person.role.lower()
    assert "Asif" in person.aliases
    assert len([p for p in t.persons if "Asif" in p.name]) == 1


def test_person_with_appositive_role_and_country_from_role():
    t = tag("Muhammad Nabi Omari, deputy interior minister of the interim Taliban government "
            "in Afghanistan, spoke in Khost. Pakistan disagreed, Pakistan said.")
    person = next(p for p in t.persons if p.name == "Muhammad Nabi Omari")
    assert person.role == "deputy interior minister"
    assert person.country == "AF"


def test_person_after_role_clause_and_comma():
    t = tag("Secretary of the National Security Division, Waqar Ahmad, led the Pakistan "
            "delegation.")
    person = next(p for p in t.persons if p.name == "Waqar Ahmad")
    assert person.country == "PK"
    assert person.role.lower().startswith("secretary")


def test_person_from_speech_verb_only():
    t = tag("Maria Fernandes said the shelter was full.")
    assert [p.name for p in t.persons] == ["Maria Fernandes"]


def test_capitalised_phrase_without_cue_is_no_person():
    t = tag("Golden Gate Bridge traffic was slow.")
    assert t.persons == []


def test_actors_outside_south_asia_and_the_middle_east():
    t = tag("The Bundestag approved the aid package as the Verkhovna Rada met in Kyiv. The "
            "Kenya Defence Forces and the Home Office issued statements, Xinhua and Le Monde "
            "reported, while the Justice Department and the Knesset stayed silent.")
    assert {"DE-LEG", "UA-LEG", "KE-MIL", "GB-HOME-OFFICE", "xinhua", "le-monde", "US-DOJ",
            "IL-LEG"} <= actor_ids(t)
    rada = next(a for a in t.actors if a.id == "UA-LEG")
    assert rada.type == "government" and rada.country == "UA"


def test_acronyms_that_are_ordinary_military_words_are_not_parties():
    # "APC" is an armoured personnel carrier here, not Nigeria's ruling party
    t = tag("An APC was hit by a roadside bomb outside the base.")
    assert "apc" not in actor_ids(t)


def test_role_acronym_defined_in_the_story_is_spelled_out():
    t = tag("The Foreign Office (FO) rejected the claim. FO spokesperson Mumtaz Zahra Baloch "
            "said talks were off.")
    person = next(p for p in t.persons if p.name == "Mumtaz Zahra Baloch")
    assert person.role == "Foreign Office spokesperson"
    undefined = tag("FO spokesperson Mumtaz Zahra Baloch said talks were off.")
    assert next(p for p in undefined.persons).role == "FO spokesperson"
