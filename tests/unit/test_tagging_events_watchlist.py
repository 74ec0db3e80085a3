"""Event types, severity, watchlists (format, hits, hot reload) and the tagger's contract."""

import os
import threading
from pathlib import Path

import pytest
from newswatch.processors.tagging import Tagger, WatchlistError
from newswatch.processors.tagging.watchlist import Watchlist

from newswatch.contracts import RawArticle
from tests.tagging_helpers import shared_tagger, tag

EXAMPLE = Path(__file__).resolve().parents[2] / "processors" / "tagging" / "data" / \
    "watchlist.example.yaml"


def types(t) -> set[str]:
    return {e.type for e in t.event_types}


def test_violent_event_types_with_evidence():
    t = tag("Jets carried out airstrikes on Tuesday after a suicide bombing at a checkpoint.")
    assert {"airstrike", "bombing"} <= types(t)
    bombing = next(e for e in t.event_types if e.type == "bombing")
    assert "suicide bombing" in {s.text for s in bombing.evidence}


def test_background_type_needs_two_cues_or_the_title():
    once = tag("Gunmen attacked a convoy. The war has caused massive displacement.")
    assert "humanitarian" not in types(once)
    twice = tag("Aid agencies said displacement grew and refugees lacked shelter.")
    assert "humanitarian" in types(twice)


def test_month_march_is_not_a_protest():
    assert "protest" not in types(tag("The ceasefire was agreed in March."))


def test_severity_grows_with_casualties():
    small = tag("Gunmen attacked a police post; two people were injured.").severity
    big = tag("Gunmen attacked a market, and at least 40 people were killed.").severity
    assert 0 < small < big <= 1
    assert tag("The minister discussed the budget.").severity < 0.3


def test_watchlist_example_hits(tmp_path):
    path = tmp_path / "wl.yaml"
    path.write_text(EXAMPLE.read_text())
    tagger = Tagger(watchlist_path=path)
    t = tag("The CPEC Authority said the border closure at Chaman hurt trade. cpec is lower.",
            tagger=tagger)
    assert {h.term for h in t.watchlist_hits} == {"border closure", "CPEC"}
    cpec = next(h for h in t.watchlist_hits if h.term == "CPEC")
    assert [e.text for e in cpec.evidence] == ["CPEC"]
    actor = next(a for a in t.actors if a.id == "cpec-authority")
    assert actor.source == "watchlist"
    assert "PK-BA" in {a.code for a in t.regions.admin1}
    assert "+wl." in t.tagger_version


def test_watchlist_hot_reload_and_bad_file_keeps_previous(tmp_path):
    path = tmp_path / "wl.yaml"
    path.write_text("name: desk\nkeywords: [polio]\n")
    tagger = Tagger(watchlist_path=path)
    assert tagger.reload_watchlist_if_changed() is False
    assert {h.term for h in tag("A polio drive began.", tagger=tagger).watchlist_hits} == {"polio"}
    path.write_text("name: desk\nkeywords: [measles]\n")
    os.utime(path, ns=(1, 2_000_000_000_000_000_000))
    assert tagger.reload_watchlist_if_changed() is True
    hits = tag("A polio and measles drive began.", tagger=tagger).watchlist_hits
    assert {h.term for h in hits} == {"measles"}
    path.write_text("actors: [{id: x, type: spaceship, name: X}]\n")
    os.utime(path, ns=(1, 3_000_000_000_000_000_000))
    assert tagger.reload_watchlist_if_changed() is False
    hits = tag("A measles drive began.", tagger=tagger).watchlist_hits
    assert {h.term for h in hits} == {"measles"}


def test_malformed_watchlist_raises(tmp_path):
    path = tmp_path / "wl.yaml"
    path.write_text("keywords: [unclosed\n")
    with pytest.raises(WatchlistError):
        Watchlist.load(path)
    path.write_text("keywords: [measles]\nkeywords: [cholera]\n")
    with pytest.raises(WatchlistError, match="a second time"):
        Watchlist.load(path)
    path.write_text("keywords: " + "[" * 3000 + "\n")  # RecursionError out of PyYAML before
    with pytest.raises(WatchlistError, match="nested too deeply"):
        Watchlist.load(path)


SAMPLES = [
    ("PAKISTAN, AFGHANISTAN TRADE FIRE", "Pakistani troops clashed with Afghan forces in Kurram."),
    ("Blast in Quetta", ("A suicide bomber struck Quetta's market; 12 people were killed, "
     "police chief Ali Raza said. Mr Raza told Dawn News the Balochistan Liberation Army...")),
    ("", "Israeli airstrikes hit Rafah as Hamas and Israeli negotiators met in Doha, Qatar."),
    ("Flood", ("Floods in Sylhet, Bangladesh displaced thousands, UNICEF said — “Côte d’Ivoire” "
     "and Türkiye sent aid; İstanbul pledged more.")),
]


@pytest.mark.parametrize(("title", "text"), SAMPLES)
def test_every_span_indexes_its_field(title, text):
    t = tag(text, title=title)
    r = t.regions
    spans = [s for group in (r.countries, r.admin1, r.places, t.actors, t.persons,
                             t.event_types, t.watchlist_hits) for tag_ in group
             for s in tag_.evidence]
    assert spans
    for span in spans:
        assert getattr(t, span.field)[span.start:span.end] == span.text
    assert {s.field for s in spans} <= {"title", "text"}


def test_title_is_tagged_too():
    t = tag("Officials met on Monday.", title="Blast in Peshawar")
    assert "PK" in {c.code for c in t.regions.countries}
    assert any(e.field == "title" for c in t.regions.countries for e in c.evidence)


def test_copies_raw_fields_and_is_deterministic():
    raw = RawArticle(id="abc", title="Blast in Kabul", text="A blast in Kabul killed 3.",
                     url="https://example.org/a", feed_id="f1", language="en",
                     categories=["world"])
    tagger = shared_tagger()
    a, b = tagger.tag(raw), tagger.tag(raw)
    assert a.model_dump() == b.model_dump()
    for name in RawArticle.model_fields:
        if name != "schema_version":
            assert getattr(a, name) == getattr(raw, name)
    assert a.tagger_version == tagger.version and a.tagger_version
    for tag_ in [*a.regions.countries, *a.actors, *a.event_types]:
        assert 0 <= tag_.confidence <= 1


def test_threads_share_oneshared_tagger():
    tagger = shared_tagger()
    raw = RawArticle(id="x", text="Israeli troops entered Jenin as protesters gathered.")
    expected = tagger.tag(raw).model_dump()
    results = []
    threads = [threading.Thread(target=lambda: results.append(tagger.tag(raw).model_dump()))
               for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [expected] * 4


def test_casualties_count_only_in_sentences_with_an_event_cue():
    # the toll of a long conflict, told in a background sentence, is not this story's
    background = tag("Negotiators met again on Monday. The decades-long insurgency has claimed "
                     "thousands of lives. A roadside bomb wounded two soldiers near the border.")
    assert background.severity < 0.9
    toll = tag("Negotiators met again on Monday. A roadside bomb killed 30 soldiers and "
               "wounded two others near the border.")
    assert toll.severity > background.severity


def test_workers_strike_is_a_protest_and_a_military_strike_is_not():
    assert "protest" in types(tag("Kenya's main airport resumes operations after 2-day strike."))
    assert "protest" in types(tag("Lufthansa pilots went on strike, grounding flights."))
    assert "protest" not in types(tag("A drone strike hit a convoy."))


def test_legal_diplomatic_fire_and_killing_cues():
    assert "legal" in types(tag("", title="Former energy minister charged with money laundering"))
    assert "diplomatic" in types(tag("", title="Erdogan on first trip to the Horn of Africa"))
    assert "fire" in types(tag("", title="Five young people killed in building fire"))
    assert "attack" in types(tag("Police investigate the killing of a US citizen."))


def test_a_landslide_victory_is_no_disaster():
    t = tag("The party won a landslide victory in the election.")
    assert "natural_disaster" not in types(t)
    assert "natural_disaster" in types(tag("A landslide buried a village after heavy rain."))


def test_a_firefighter_is_no_firefight():
    t = tag("A firefighter was badly burned.", title="5 People Injured In New York Church Explosion")
    assert "armed_clash" not in types(t)
    assert {"fire", "accident"} <= types(tag("Firefighters came.", title="Gas explosion injures five"))


def test_a_landslide_election_is_an_election_not_a_disaster():
    t = tag("The prime minister won a landslide election last week.",
            title="Takaichi will be reappointed as Japan's prime minister")
    assert "natural_disaster" not in types(t)
    assert "election" in types(t)


def test_a_cue_inside_a_name_is_no_event():
    # an obituary's "Linda Battle" is a friend, not a clash; "Battle Creek" a town, resolved
    # as a place or not; the storm keeps its name's cue
    t = tag("He is survived by a loving friend, Linda Battle of Toco, and his son.")
    assert "Linda Battle" in {p.name for p in t.persons}
    assert "armed_clash" not in types(t)
    assert t.severity == 0.0
    town = tag("Pack 198 and Troop 198 from Battle Creek will be collecting food.")
    assert "Battle Creek" in {p.name for p in town.regions.places}
    assert "armed_clash" not in types(town)
    assert "armed_clash" in types(tag("The battle for the town raged all night."))
    assert "natural_disaster" in types(tag("Cyclone Larry will have widespread effects on "
                                           "the farms, growers said."))


def test_court_pleas_charges_and_investigations_are_legal():
    assert "legal" in types(tag("", title="Ammon Bundy, others plead not guilty in refuge case"))
    assert "legal" in types(tag("", title="Nigeria investigates Temu for data breaches"))
    assert "legal" not in types(tag("", title="A conspiracy theory spread online"))


def test_figurative_attacks_are_no_attacks():
    t = tag("The satirist called the charges an assault on freedom of expression.")
    assert "attack" not in types(t)
    assert "health" in types(tag("", title="Minister suffers heart attack"))


def test_a_background_cue_in_the_lede_counts_once():
    # the first sentence says what the story is about (a fresh feed item's lede)
    lede = tag("Russia's economy is hanging between stagnation and decline. Shoppers "
               "are feeling the pinch.", title="Is the war hitting Russians in the pocket?")
    assert "economic" in types(lede)
    later = tag("Gunmen attacked a convoy on Monday. The economy was already weak.")
    assert "economic" not in types(later)


def test_a_mountain_summit_is_no_diplomacy():
    t = tag("He is accused of leaving her exhausted close to the summit during a blizzard.")
    assert "diplomatic" not in types(t)


def test_stabbings_sieges_takeovers_malaria_and_magistrates():
    t = tag("A lawmaker was fatally stabbed in a terrorist incident.")
    assert "attack" in types(t)
    assert "armed_clash" in types(tag("Residents lived through the siege of the city."))
    assert "health" in types(tag("Malaria claims one as cases rise in the district."))
    assert "economic" in types(tag("Warner Bros rejects latest Paramount takeover bid."))
    assert "legal" in types(tag("France assembles a team of magistrates to examine the files."))
