"""Rule evaluation: matching, evidence, dedup keys, cooldown, idempotency, escalation. Pure."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from newswatch.sinks.alerts.engine import MemoryHistory, alert_id, evaluate
from newswatch.sinks.alerts.matching import match_rule
from newswatch.sinks.alerts.rules import load_rules, parse_rules
from newswatch.sinks.alerts.testing import tagged_article

SHIPPED_RULES = Path(__file__).resolve().parents[2] / "sinks" / "alerts" / "rules.yaml"
T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)

TTP = ("ttp", "Tehrik-i-Taliban Pakistan", "armed_group")


def rules(*specs):
    out = []
    for i, spec in enumerate(specs):
        spec = {"id": f"r{i}", "name": f"Rule {i}", "severity": "high", **spec}
        out.append(spec)
    return parse_rules({"rules": out})


def bannu_attack(n=1, **kw):
    title = f"Militants attack police post in Bannu ({n})"
    text = ("Gunmen attacked a police checkpoint in Bannu district of Khyber Pakhtunkhwa "
            "overnight. Police blamed the Tehrik-i-Taliban Pakistan (TTP).")
    defaults = {
        "id": f"art-{n}", "url": f"https://demo.example/{n}",
        "countries": [("PK", "Khyber Pakhtunkhwa")],
        "admin1": [("PK-KP", "Khyber Pakhtunkhwa")], "macro_regions": ["Southern Asia"],
        "actors": [TTP], "events": [("attack", "attacked")], "severity": 0.6}
    defaults.update(kw)
    return tagged_article(title, text, **defaults)


def football(**kw):
    return tagged_article(
        "Arsenal beat Milan in Champions League thriller",
        "A late goal settled the match in London on Tuesday night.",
        id="sport-1", countries=[("GB", "London")], macro_regions=["Northern Europe"],
        events=[("sports", "match")], **kw)


PK_ATTACK = {"match": {"all": {"countries": ["PK"], "event_types": ["attack", "bombing"]}}}


# --- matching -------------------------------------------------------------------------------

def test_all_conditions_must_hold():
    rs = rules(PK_ATTACK)
    assert match_rule(rs.rules[0], bannu_attack()) is not None
    assert match_rule(rs.rules[0], bannu_attack(events=[("protest", "protest")])) is None
    assert match_rule(rs.rules[0], bannu_attack(countries=[("AF", "Kabul")],
                                                primary="AF")) is None


def test_country_condition_accepts_primary_country_without_country_tag():
    rs = rules({"match": {"all": {"countries": ["PK"]}}})
    art = tagged_article("Quetta news", "Something in Quetta.", primary="PK")
    assert art.regions.countries == []
    assert match_rule(rs.rules[0], art) is not None


def test_primary_countries_condition_ignores_secondary_countries():
    rs = rules({"match": {"all": {"primary_countries": ["PK"]}}})
    art = tagged_article("Kabul talks", "Kabul and Islamabad met.",
                         countries=[("AF", "Kabul"), ("PK", "Islamabad")], primary="AF")
    assert match_rule(rs.rules[0], art) is None
    assert match_rule(rs.rules[0], bannu_attack()) is not None


def test_any_needs_one_condition_and_none_excludes():
    rs = rules({"match": {"any": {"actors": ["ttp"], "keywords": ["ISKP"]},
                          "none": {"event_types": ["sports"]}}})
    r = rs.rules[0]
    assert match_rule(r, bannu_attack()) is not None
    iskp = tagged_article("ISKP claims blast", "The ISKP said it carried out the attack.")
    assert match_rule(r, iskp) is not None
    assert match_rule(r, football()) is None
    sport_ttp = bannu_attack(events=[("sports", "attack")])
    assert match_rule(r, sport_ttp) is None


def test_actor_condition_matches_id_or_name_case_insensitively():
    for wanted in (["TTP"], ["tehrik-i-taliban pakistan"]):
        rs = rules({"match": {"all": {"actors": wanted}}})
        assert match_rule(rs.rules[0], bannu_attack()) is not None
    rs = rules({"match": {"all": {"actor_types": ["armed_group"]}}})
    assert match_rule(rs.rules[0], bannu_attack()) is not None
    assert match_rule(rs.rules[0], bannu_attack(actors=[])) is None


def test_keywords_match_whole_words_only_and_yield_spans():
    rs = rules({"match": {"all": {"keywords": ["TTP"]}}})
    m = match_rule(rs.rules[0], bannu_attack())
    assert m is not None
    (span,) = [s for s in m.evidence if s.text == "TTP"]
    art = bannu_attack()
    assert art.text[span.start:span.end] == "TTP" and span.field == "text"
    assert match_rule(rs.rules[0], tagged_article("HTTPS everywhere", "Use HTTPS.")) is None


def test_regex_conditions():
    rs = rules({"match": {"all": {"title_regex": r"(?i)police post", "text_regex": r"\bBannu\b"}}})
    m = match_rule(rs.rules[0], bannu_attack())
    assert m is not None
    assert {s.field for s in m.evidence} == {"title", "text"}
    rs = rules({"match": {"all": {"title_regex": r"^Gunmen"}}})
    assert match_rule(rs.rules[0], bannu_attack()) is None


def test_min_severity_macro_region_admin1_watchlist():
    rs = rules({"match": {"all": {"min_severity": 0.5, "macro_regions": ["southern asia"],
                                  "admin1": ["pk-kp"], "watchlists": ["vip"]}}})
    r = rs.rules[0]
    hit = bannu_attack(watchlist=[("vip", "Bannu")])
    assert match_rule(r, hit) is not None
    assert match_rule(r, bannu_attack()) is None  # no watchlist hit
    assert match_rule(r, bannu_attack(watchlist=[("vip", "Bannu")], severity=0.4)) is None


def test_low_confidence_tags_are_ignored_when_rule_asks():
    rs = rules({**PK_ATTACK, "min_confidence": 0.5})
    assert match_rule(rs.rules[0], bannu_attack(confidence=0.3)) is None
    assert match_rule(rs.rules[0], bannu_attack(confidence=0.7)) is not None


def test_disabled_rules_never_fire():
    rs = rules({**PK_ATTACK, "enabled": False})
    assert evaluate(rs, bannu_attack(), T0, MemoryHistory()) == []


# --- decisions ------------------------------------------------------------------------------

def test_new_alert_carries_article_fields_and_evidence():
    rs = rules(PK_ATTACK)
    art = bannu_attack(published_at=T0 - timedelta(hours=1))
    (d,) = evaluate(rs, art, T0, MemoryHistory())
    a = d.alert
    assert d.kind == "new"
    assert a.rule_id == "r0" and a.rule_name == "Rule 0" and a.severity == "high"
    assert a.article_id == art.id and a.title == art.title and a.url == art.url
    assert a.countries == ["PK"] and a.primary_country == "PK"
    assert a.actors == ["ttp"] and a.event_types == ["attack"]
    assert a.raised_at == T0 and a.published_at == art.published_at and a.occurrences == 1
    assert {s.text for s in a.evidence} == {"Khyber Pakhtunkhwa", "attacked"}
    for s in a.evidence:
        assert getattr(art, s.field)[s.start:s.end] == s.text
    assert "countries PK" in a.summary and "event_types attack" in a.summary
    assert a.dedup_key == f"r0|article={art.id}"
    assert a.id == alert_id("r0", a.dedup_key, art.id)


def test_alert_ids_are_stable_across_evaluations():
    rs = rules(PK_ATTACK)
    one = evaluate(rs, bannu_attack(), T0, MemoryHistory())[0].alert
    two = evaluate(rs, bannu_attack(), T0 + timedelta(days=2), MemoryHistory())[0].alert
    assert one.id == two.id
    other = evaluate(rs, bannu_attack(2), T0, MemoryHistory())[0].alert
    assert other.id != one.id


def test_unrelated_article_raises_nothing():
    rs = rules(PK_ATTACK, {"match": {"any": {"actors": ["ttp"]}}})
    assert evaluate(rs, football(), T0, MemoryHistory()) == []


def test_each_matching_rule_gives_its_own_alert():
    rs = rules(PK_ATTACK, {"match": {"any": {"actors": ["ttp"]}}, "severity": "low"})
    ds = evaluate(rs, bannu_attack(), T0, MemoryHistory())
    assert [(d.rule.id, d.alert.severity) for d in ds] == [("r0", "high"), ("r1", "low")]
    assert len({d.alert.dedup_key for d in ds}) == 2


def test_redelivered_article_is_a_duplicate_not_a_second_alert():
    rs = rules(PK_ATTACK)
    history = MemoryHistory()
    first = evaluate(rs, bannu_attack(), T0, history)
    history.apply(first)
    for later in (T0 + timedelta(seconds=1), T0 + timedelta(days=30)):
        (again,) = evaluate(rs, bannu_attack(), later, history)
        assert again.kind == "duplicate"
        assert again.alert == first[0].alert


COOLDOWN = {**PK_ATTACK, "dedup_by": ["primary_country", "event_types"], "cooldown": "30m"}


def test_cooldown_folds_matches_with_same_key_into_one_alert():
    rs = rules(COOLDOWN)
    history = MemoryHistory()
    (d1,) = evaluate(rs, bannu_attack(1), T0, history)
    history.apply([d1])
    (d2,) = evaluate(rs, bannu_attack(2), T0 + timedelta(minutes=10), history)
    assert d2.kind == "update"
    assert d2.alert.id == d1.alert.id and d2.alert.occurrences == 2
    assert d2.alert.raised_at == T0 and d2.previous == d1.alert
    history.apply([d2])
    (d3,) = evaluate(rs, bannu_attack(3), T0 + timedelta(minutes=29), history)
    assert d3.kind == "update" and d3.alert.occurrences == 3
    history.apply([d3])
    # Re-delivery of an article already folded in changes nothing.
    (dup,) = evaluate(rs, bannu_attack(2), T0 + timedelta(minutes=29), history)
    assert dup.kind == "duplicate" and dup.alert.occurrences == 3


def test_cooldown_window_is_fixed_from_raised_at():
    rs = rules(COOLDOWN)
    history = MemoryHistory()
    history.apply(evaluate(rs, bannu_attack(1), T0, history))
    history.apply(evaluate(rs, bannu_attack(2), T0 + timedelta(minutes=20), history))
    (d,) = evaluate(rs, bannu_attack(3), T0 + timedelta(minutes=30), history)
    assert d.kind == "new" and d.alert.raised_at == T0 + timedelta(minutes=30)
    assert d.alert.id != evaluate(rs, bannu_attack(1), T0, MemoryHistory())[0].alert.id


def test_cooldown_uses_publication_time_so_replays_match_live_runs():
    """Two stories published 2h apart, read in the same second (a backlog), stay two alerts
    under a 30m cooldown; two published 10 minutes apart fold, in either processing order."""
    rs = rules(COOLDOWN)
    now = T0 + timedelta(days=3)
    for order in ((1, 2), (2, 1)):
        history = MemoryHistory()
        published = {1: T0, 2: T0 + timedelta(hours=2)}
        kinds = []
        for n in order:
            ds = evaluate(rs, bannu_attack(n, published_at=published[n]), now, history)
            history.apply(ds)
            kinds.append(ds[0].kind)
        assert kinds == ["new", "new"]
        history = MemoryHistory()
        published = {1: T0, 2: T0 + timedelta(minutes=10)}
        kinds = []
        for n in order:
            ds = evaluate(rs, bannu_attack(n, published_at=published[n]), now, history)
            history.apply(ds)
            kinds.append(ds[0].kind)
        assert kinds == ["new", "update"]


def test_future_dated_articles_count_as_now():
    rs = rules(COOLDOWN)
    history = MemoryHistory()
    history.apply(evaluate(rs, bannu_attack(1, published_at=T0 + timedelta(days=9)), T0,
                           history))
    (d,) = evaluate(rs, bannu_attack(2), T0 + timedelta(minutes=5), history)
    assert d.kind == "update"


def test_different_dedup_values_are_separate_alerts():
    rs = rules(COOLDOWN)
    history = MemoryHistory()
    (a,) = evaluate(rs, bannu_attack(1), T0, history)
    history.apply([a])
    (b,) = evaluate(rs, bannu_attack(2, events=[("bombing", "attacked")]),
                    T0 + timedelta(minutes=1), history)
    assert b.kind == "new" and b.alert.dedup_key != a.alert.dedup_key
    assert a.alert.dedup_key == "r0|primary_country=PK|event_types=attack"
    assert b.alert.dedup_key == "r0|primary_country=PK|event_types=bombing"


def test_dedup_uses_only_values_the_rule_matched():
    rs = rules(COOLDOWN)
    art = bannu_attack(events=[("protest", "Police"), ("attack", "attacked")])
    (d,) = evaluate(rs, art, T0, MemoryHistory())
    assert d.alert.dedup_key == "r0|primary_country=PK|event_types=attack"
    rs2 = rules({**COOLDOWN, "match": {"all": {"countries": ["PK"]}}})
    (d2,) = evaluate(rs2, art, T0, MemoryHistory())
    assert d2.alert.dedup_key == "r0|primary_country=PK|event_types=attack,protest"


def test_zero_cooldown_raises_every_time():
    rs = rules({**COOLDOWN, "cooldown": 0})
    history = MemoryHistory()
    history.apply(evaluate(rs, bannu_attack(1), T0, history))
    (d,) = evaluate(rs, bannu_attack(2), T0, history)
    assert d.kind == "new"


def test_escalation_by_article_severity_and_occurrences():
    rs = rules({**COOLDOWN, "escalate": [
        {"to": "critical", "min_article_severity": 0.9},
        {"to": "critical", "min_occurrences": 3}]})
    history = MemoryHistory()
    (d1,) = evaluate(rs, bannu_attack(1), T0, history)
    assert d1.alert.severity == "high"
    history.apply([d1])
    (d2,) = evaluate(rs, bannu_attack(2), T0 + timedelta(minutes=1), history)
    assert d2.alert.severity == "high" and not d2.escalated
    history.apply([d2])
    (d3,) = evaluate(rs, bannu_attack(3), T0 + timedelta(minutes=2), history)
    assert d3.alert.severity == "critical" and d3.escalated
    history.apply([d3])
    (d4,) = evaluate(rs, bannu_attack(4, severity=0.1), T0 + timedelta(minutes=3), history)
    assert d4.alert.severity == "critical" and not d4.escalated  # never goes down
    (severe,) = evaluate(rs, bannu_attack(9, severity=0.95), T0, MemoryHistory())
    assert severe.alert.severity == "critical"


def test_now_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone"):
        evaluate(rules(PK_ATTACK), bannu_attack(), datetime(2026, 11, 3), MemoryHistory())


def test_shipped_rules_alert_on_pakistan_attack_and_not_on_sport():
    rs = load_rules(SHIPPED_RULES)
    fired = {d.rule.id for d in evaluate(rs, bannu_attack(), T0, MemoryHistory())}
    assert {"pk-militant-attack", "ttp-mentions"} <= fired
    assert evaluate(rs, football(), T0, MemoryHistory()) == []


SHIPPED_CASES = [
    (tagged_article("Houthis fire missile at bulk carrier in the Red Sea",
                    "UKMTO said the ship was attacked off Mokha.", countries=[("YE", "Mokha")],
                    macro_regions=["Western Asia"], events=[("attack", "attacked")]),
     {"red-sea-shipping"}),
    (tagged_article("Israeli airstrike in southern Lebanon", "An airstrike hit a car.",
                    countries=["LB"], macro_regions=["Western Asia"],
                    events=[("airstrike", "airstrike")]),
     {"airstrike-south-asia-middle-east"}),
    (tagged_article("Gunmen kidnap boy in Jalalabad", "Armed men kidnapped a boy.",
                    countries=["AF"], macro_regions=["Southern Asia"],
                    events=[("kidnapping", "kidnapped")]),
     {"kidnapping-watch-area"}),
    (tagged_article("Earthquake in Herat", "Hundreds of houses destroyed.", countries=["AF"],
                    macro_regions=["Southern Asia"], events=[("natural_disaster", "Earthquake")],
                    severity=0.85),
     {"south-asia-natural-disaster"}),
    (tagged_article("Floods in Germany", "Rivers burst their banks.", countries=["DE"],
                    macro_regions=["Western Europe"], events=[("natural_disaster", "Floods")]),
     set()),
    (tagged_article("Karachi traders strike", "Traders protest over tariffs.", countries=["PK"],
                    macro_regions=["Southern Asia"], events=[("protest", "protest")]),
     {"pakistan-unrest"}),
    (tagged_article("Ransomware attack on German hospitals", "A cyber attack hit clinics.",
                    countries=["DE"], macro_regions=["Western Europe"],
                    events=[("attack", "attack")]),
     set()),
    (tagged_article("BLA claims Turbat attack", "The Baloch Liberation Army attacked a camp.",
                    countries=["PK"], macro_regions=["Southern Asia"],
                    actors=[("bla", "Baloch Liberation Army", "armed_group")],
                    events=[("attack", "attacked")]),
     {"pk-militant-attack", "baloch-separatist-violence"}),
    (tagged_article("ISKP bombing in Kabul", "Islamic State Khorasan Province claimed it.",
                    countries=["AF"], macro_regions=["Southern Asia"],
                    events=[("bombing", "bombing")]),
     {"islamic-state-khorasan"}),
]


@pytest.mark.parametrize(("article", "expected"), SHIPPED_CASES,
                         ids=[a.title[:30] for a, _ in SHIPPED_CASES])
def test_shipped_rules_on_hand_tagged_articles(article, expected):
    rs = load_rules(SHIPPED_RULES)
    fired = {d.rule.id for d in evaluate(rs, article, T0, MemoryHistory())}
    assert fired == expected


def test_shipped_disaster_rule_escalates_severe_events():
    rs = load_rules(SHIPPED_RULES)
    article = SHIPPED_CASES[3][0]
    (d,) = evaluate(rs, article, T0, MemoryHistory())
    assert d.alert.severity == "high"
    mild = article.model_copy(update={"severity": 0.3, "id": "mild"})
    (d,) = evaluate(rs, mild, T0, MemoryHistory())
    assert d.alert.severity == "medium"
