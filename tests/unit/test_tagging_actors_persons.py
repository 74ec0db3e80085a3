"""Actors (dictionary, composed, seats of government) and persons (roles, merging)."""

from tests.tagging_helpers import actor_ids, tag


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


def persons(t) -> dict[str, list[str]]:
    return {p.name: p.aliases for p in t.persons}


def test_a_court_of_a_named_country_is_its_courts_and_the_seat_does_not_speak():
    t = tag("Floats mocking the president have landed the satirist before a Moscow court.")
    assert "RU-COURTS" in actor_ids(t)
    assert "RU-GOV" not in actor_ids(t)  # Moscow is part of the court's phrase, not a speaker
    assert "QA-COURTS" in actor_ids(tag("A Qatari court convicted the woman."))
    assert not any(a.type == "court" for a in tag("The court adjourned.").actors)


def test_bare_terms_match_with_typographic_apostrophes():
    t = tag("Indonesia plans executions, a spokesman for the attorney-general’s office said.")
    assert "ID-PROS" in actor_ids(t)


def test_a_singular_official_tied_to_a_country_is_its_government():
    assert "US-GOV" in actor_ids(tag("A U.S. official said the test was nuclear."))


def test_a_plural_possessive_ends_a_name():
    t = tag("Prime Minister Andrej Babis' new government wants control of the broadcaster.")
    assert "Andrej Babis" in persons(t)


def test_a_full_name_before_a_verb_in_a_title_case_headline():
    t = tag("The Republican senator's comments contradict the president's position.",
            title="Russia 'Not Serious' About Peace Deal, Lindsey Graham Says")
    assert "Lindsey Graham" in persons(t)
    # without a known given name the words before the verb are not taken for a name
    assert persons(tag("The court ruled on Monday.", title="Supreme Court Justice Rules")) == {}


def test_transliterations_of_one_name_are_one_person():
    t = tag("Ukrainian President Volodymyr Zelenskiy said the pressure was undue.",
            title="Zelensky Says Trump Exerting Undue Pressure")
    assert persons(t) == {"Volodymyr Zelenskiy": ["Zelensky"]}


def test_a_body_named_after_a_role_is_no_person():
    t = tag("Chief Bruce Shisheesh of the Attawapiskat First Nation met the prime minister.")
    assert "Attawapiskat First Nation" not in persons(t)
    assert "Bruce Shisheesh" in persons(t)


def test_a_sentence_opening_adverb_is_no_name():
    t = tag("Newly elected lawmakers are expected to be sworn in on Tuesday.")
    assert persons(t) == {}


def test_a_city_name_after_a_given_name_does_not_block_the_person():
    t = tag("The witnesses denied threatening Ali Bello and his co-defendant, Ali Bello said.")
    assert "Ali Bello" in persons(t)


def test_a_body_after_a_list_of_countries_is_each_countrys():
    t = tag("Russian and Ukrainian officials met in Geneva.")
    assert {"RU-GOV", "UA-GOV"} <= actor_ids(t)
    t = tag("US, British and French troops left the base.")
    assert {"US-MIL", "GB-MIL", "FR-MIL"} <= actor_ids(t)
    # a country named as a party, not as an adjective of the body: only the body's country
    assert actor_ids(tag("Talks between Iran and Israeli officials resumed.")) == {"IL-GOV"}


def test_a_capitalised_government_after_a_headline_colon_is_the_countrys():
    t = tag("The new government wants control of the broadcaster.",
            title="Czech Republic: Government attacks public television")
    assert "CZ-GOV" in actor_ids(t)


def test_a_company_named_after_what_it_is():
    t = tag("Uruguay will examine the contract with Spanish shipbuilder Cardama for two vessels.")
    cardama = next(a for a in t.actors if a.name == "Cardama")
    assert cardama.type == "company" and cardama.source == "pattern"
    assert "Xtend" in {a.name for a in tag("The drone maker Xtend won a contract.").actors}
    # a role word after the noun starts a person, not a company
    t = tag("The company Chairman John Smith resigned.")
    assert not any(a.type == "company" for a in t.actors)


def test_a_seat_of_government_in_x_based_is_where_not_who():
    t = tag("The Ramallah-based Palestinian Authority called for international intervention.")
    assert "PS-GOV" not in actor_ids(t)
    backed = tag("Kyiv says Moscow-backed separatists shelled the town.")
    assert "RU-GOV" in actor_ids(backed)


def test_presidency_and_prime_ministers_office_are_state_bodies():
    t = tag("The French presidency said Macron would travel to India. Pakistan's Prime "
            "Minister's Office confirmed the visit.")
    assert {"FR-PRES", "PK-PMO"} <= actor_ids(t)
    term = tag("During his presidency, Trump cut taxes. Trump's presidency was turbulent.")
    assert not any(a.id.endswith("-PRES") for a in term.actors)


def test_a_body_in_a_country_is_that_countrys_but_troops_in_it_are_not():
    t = tag("Prosecutors in Sweden charged the man. Protesters threw objects at police in Paris.")
    assert {"SE-PROS", "FR-POL"} <= actor_ids(t)
    police = next(a for a in t.actors if a.id == "FR-POL")
    assert [e.text for e in police.evidence] == ["police"]
    troops = tag("Rebels attacked troops in Syria on Monday, the monitor said.")
    assert "SY-MIL" not in actor_ids(troops)


def test_military_units_courts_and_coalitions_named_by_nationality():
    t = tag("A Ukrainian artillery brigade fired near the front. An Argentine commercial court "
            "declared him bankrupt. The U.S.-led coalition struck Raqqa.")
    assert {"UA-MIL", "AR-COURTS", "us-led-coalition"} <= actor_ids(t)
    court = next(a for a in t.actors if a.id == "AR-COURTS")
    assert "Argentine commercial court" in {e.text for e in court.evidence}


def test_a_convention_is_no_person():
    t = tag("The ministers cited the Fourth Geneva Convention and Resolution 2334.")
    assert t.persons == []


def test_an_acronym_before_a_role_belongs_to_the_role():
    t = tag("\"Don't risk our NHS,\" TUC General Secretary Frances O'Grady said.")
    p = next(p for p in t.persons)
    assert p.name == "Frances O'Grady" and p.role.startswith("TUC General Secretary")
    assert "tuc" in actor_ids(t)


def test_a_surname_without_its_arabic_article_is_the_same_person():
    t = tag("The Islamic State (IS) leader Abu Bakr al-Baghdadi has been killed in Syria.",
            title="Baghdadi killed in U.S. air strike, say reports")
    assert [(p.name, p.aliases) for p in t.persons] == [("Abu Bakr al-Baghdadi", ["Baghdadi"])]


def test_a_capitals_own_offices_are_the_city_not_the_government():
    t = tag("The London Mayor banned the ads on London's subway network.",
            title="Ads banned by London Mayor")
    assert "GB-GOV" not in actor_ids(t)
    speaks = tag("Moscow's decision angered Kyiv, and London said it would respond.")
    assert {"RU-GOV", "UA-GOV", "GB-GOV"} <= actor_ids(speaks)


def test_regulators_and_state_media_of_a_named_country():
    t = tag("Nigeria's data watchdog has opened an investigation into Temu. Iranian state TV "
            "said the talks ended.")
    assert {"NG-REG", "IR-STMED"} <= actor_ids(t)
    graft = tag("Ukraine's anti-corruption bodies charged the former energy minister.")
    assert "UA-ACA" in actor_ids(graft)
    un = tag("The IAEA, the UN nuclear watchdog, said Iran had enriched uranium.")
    assert not any(a.id.endswith("-REG") for a in un.actors)


def test_the_presidential_palace_is_a_building():
    t = tag("Thousands gathered in front of the presidential palace in Khartoum on Saturday.")
    assert not any(a.id.endswith("-PRES") for a in t.actors)


def test_a_junta_is_its_countrys_government():
    t = tag("Myanmar's junta said it would hold elections. The junta also freed prisoners.")
    gov = next(a for a in t.actors if a.id == "MM-GOV")
    assert {"Myanmar's junta", "junta"} <= {e.text for e in gov.evidence}


def test_a_head_of_something_before_the_name_is_the_role():
    t = tag("U.S. Secretary of State Marco Rubio said so. Minister of Foreign Affairs Ishaq "
            "Dar met him.")
    roles = {p.name: p.role for p in t.persons}
    assert roles == {"Marco Rubio": "U.S. Secretary of State",
                     "Ishaq Dar": "Minister of Foreign Affairs"}
    crowd = tag("Members of Congress John Smith and others met.")
    assert [p.role for p in crowd.persons] == [None]


def test_an_unknown_acronym_before_a_role_belongs_to_the_role():
    t = tag("\"No,\" XYZW Chairman John Smith said.")
    assert [(p.name, p.role) for p in t.persons] == [("John Smith", "XYZW Chairman")]


def test_a_leaders_office_is_the_presidency_or_prime_ministers_office():
    t = tag("French President Emmanuel Macron arrived in Mumbai to meet Prime Minister "
            "Narendra Modi. Modi's office confirmed the visit, and Macron's office said so.")
    assert {"FR-PRES", "IN-PMO"} <= actor_ids(t)
    assert {p.name: p.country for p in t.persons} == {"Emmanuel Macron": "FR",
                                                      "Narendra Modi": "IN"}
    former = tag("Former President Donald Trump spoke in Ohio. Trump's office declined to comment.")
    assert not any(a.id.endswith(("-PRES", "-PMO")) for a in former.actors)


def test_central_banks_spy_agencies_election_bodies_ministries_and_rebels_of_a_country():
    t = tag("Russia's central bank raised rates. Australia's intelligence agency warned of "
            "threats. Bangladesh's election commission set the date. Syrian rebels seized the "
            "town, and Ukraine's energy ministry said the grid was hit.")
    assert {"RU-CB", "AU-INT", "BD-EC", "SY-REB", "UA-MOE"} <= actor_ids(t)
    located = tag("Rebels in Congo attacked a village on Monday.")
    assert not any(a.id.endswith("-REB") for a in located.actors)


def test_masked_names_that_are_actors_stay_actors_and_acronyms_are_not_places():
    t = tag("The Washington Post and the New York Times reported it. The Washington-based "
            "Council on American-Islamic Relations (CAIR) said so; CAIR said more.")
    assert {"wapo", "nyt"} <= actor_ids(t)
    assert "MK" not in {c.code for c in t.regions.countries}
    # the city in the paper's name is no place of the story ("Washington-based" is one)
    papers = tag("The Washington Post and the New York Times reported it on Monday.")
    assert {"wapo", "nyt"} <= actor_ids(papers) and papers.regions.admin1 == []


def test_a_bare_senate_and_treasury_are_the_storys_countrys():
    t = tag("The Senate met in Abuja to debate Nigeria's electoral law. The National Treasury "
            "said spending rose.")
    assert {"NG-LEG", "NG-MOF"} <= actor_ids(t)


def test_a_hyphenated_role_is_peeled_off_the_name():
    t = tag("UN Secretary-General Antonio Guterres said the measure was unlawful.")
    assert [(p.name, p.role) for p in t.persons] == [("Antonio Guterres",
                                                       "UN Secretary-General")]


def test_tel_aviv_speaks_for_israel_but_a_tel_aviv_bar_is_a_bar():
    t = tag("The UN chief called upon Tel Aviv to reverse its new policy.")
    assert "IL-GOV" in actor_ids(t)
    bar = tag("A gunman opened fire in a Tel Aviv bar, killing two.")
    assert "IL-GOV" not in actor_ids(bar)
    assert "IL-TA" in {a.code for a in bar.regions.admin1}
