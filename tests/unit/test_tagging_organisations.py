"""Named organisations found by their shape, and the actor rules that came with them
(each test carries the sentence that motivated the rule)."""


from newswatch.processors.tagging.context import FieldText
from newswatch.processors.tagging.organisations import find_organisations

from tests.tagging_helpers import tag


def orgs(text: str, title: str = "") -> list[str]:
    fields = {"title": FieldText("title", title), "text": FieldText("text", text)}
    return [o.name for o in find_organisations(fields)]


def evidence(t) -> list[set[str]]:
    return [{e.text for e in a.evidence} for a in t.actors]


def test_head_word_at_end_or_start_of_a_capitalised_run():
    assert orgs("The Mineworkers Union of Namibia (MUN) has called for urgent reforms.") == [
        "Mineworkers Union of Namibia"]
    assert orgs("Members of the Senate Committee on Capital Market on Tuesday questioned "
                "the Investments and Securities Tribunal (IST).") == [
        "Senate Committee on Capital Market", "Investments and Securities Tribunal"]
    assert orgs("Dr Richard Hatchett, CEO of the Coalition for Epidemic Preparedness "
                "Innovations (CEPI), said.") == ["Coalition for Epidemic Preparedness Innovations"]


def test_acronym_defined_in_the_text_is_the_same_actor():
    t = tag("The National Disaster Management Authority (NDMA) said floods hit Sindh. "
            "NDMA teams were deployed.")
    org = next(a for a in t.actors if a.name == "National Disaster Management Authority")
    assert {e.text for e in org.evidence} == {"National Disaster Management Authority", "NDMA"}
    assert org.type == "government" and org.source == "pattern"


def test_not_organisations():
    assert orgs("He fled to the West Bank. The Soviet Union collapsed.") == []
    assert orgs("Europe is examining whether it breached the Digital Services Act.") == []
    assert orgs("the Ministry of Health and Ministry of Education said") == [
        "Ministry of Health", "Ministry of Education"]
    assert orgs("a deal between the Tata Group and Airbus") == ["Tata Group"]
    assert orgs("the Ramallah-based Palestinian Authority said") == ["Palestinian Authority"]


def test_title_case_headline_needs_the_body_to_repeat_the_name():
    title = "Nigeria: Electoral Act - Electronic Transmission Debate Forces Senate Into Session"
    assert orgs("Lawmakers met.", title) == []


def test_organisation_names_are_not_persons():
    t = tag("The report was published by the AI Asia Pacific Institute, which said more.")
    assert not t.persons
    assert any(a.name == "AI Asia Pacific Institute" for a in t.actors)


def test_dictionary_name_inside_a_longer_name():
    t = tag("The Free Democratic Party said it would leave the coalition.")
    assert "us-democrats" not in {a.id for a in t.actors}  # not the US Democratic Party
    t = tag("Xi met members of the Chinese People’s Liberation Army last year.")
    assert [a.id for a in t.actors] == ["CN-MIL"]


def test_composed_actor_evidence_is_the_whole_phrase():
    t = tag("Costa Rican authorities are investigating the killing of a U.S. citizen.")
    assert {"Costa Rican authorities"} in evidence(t)
    t = tag("Peru's Congress has voted to remove interim President José Jerí from office.")
    assert {"Peru's Congress"} in evidence(t)
    t = tag("Bill White, the U.S. ambassador to Belgium, met on Tuesday with Belgian officials.")
    assert {"Belgian officials"} in evidence(t)


def test_the_countrys_body_and_a_leaders_government():
    t = tag("Indonesia is preparing 8,000 troops, the country’s army spokesperson said.")
    assert "ID-MIL" in {a.id for a in t.actors}
    t = tag("Britain said in 2004 when Tony Blair’s government was cuddling up to Libya.")
    assert {"Tony Blair’s government"} in evidence(t)
    t = tag("Monday’s government meeting in Kenya was cancelled.")
    assert t.actors == []


def test_capitalised_government_inside_a_longer_name_is_no_actor():
    t = tag("A boat overturned in Yauri Local Government Area of Kebbi State in Nigeria.")
    assert "NG-GOV" not in {a.id for a in t.actors}


def test_seat_in_a_dateline_or_a_name_is_no_speaker():
    t = tag("ISLAMABAD: Pakistan’s trade deficit with the Middle East narrowed.")
    assert "PK-GOV" not in {a.id for a in t.actors}
    t = tag("Vinicius earned Real Madrid a 1-0 win at Benfica.")
    assert "ES-GOV" not in {a.id for a in t.actors}


def test_fcdo_alias_is_one_name():
    t = tag("Foreign Minister Ishaq Dar met the Austrian chancellor in Vienna.")
    assert "GB-MOFA" not in {a.id for a in t.actors}


def test_attributive_prefix_and_role_words_are_not_part_of_the_name():
    t = tag("Its military joins the UN-mandated International Stabilisation Force in Gaza.")
    assert {"International Stabilisation Force"} in evidence(t)
    t = tag("India said Prime Minister Narendra Modi’s government would act.")
    assert {"Narendra Modi’s government"} in evidence(t)


def test_cartels_are_armed_groups_and_parliaments_state_bodies():
    t = tag("Mexican troops clashed with the Gulf Cartel in Tamaulipas.")
    cartel = next(a for a in t.actors if a.name == "Gulf Cartel")
    assert cartel.type == "armed_group"
    assert "Somaliland Parliament" in orgs("The Somaliland Parliament voted on Monday.")


def test_a_name_the_text_abbreviates_is_an_organisation():
    t = tag("Nearly 70 groups, including the Platform for International Cooperation on "
            "Undocumented Migrants (PICUM), slammed the plan. The survey was run by the NGO "
            "Right to Protection (R2P). R2P said it would continue.")
    assert {"Platform for International Cooperation on Undocumented Migrants",
            "Right to Protection"} <= {a.name for a in t.actors}
    r2p = next(a for a in t.actors if a.name == "Right to Protection")
    assert [e.text for e in r2p.evidence].count("R2P") == 2
    # measures, places, laws and people abbreviated the same way are no organisations
    assert orgs("Gross Domestic Product (GDP) grew. People crossed Entry-Exit Checkpoints "
                "(EECPs). Andres Manuel Lopez Obrador (AMLO) spoke.") == []
