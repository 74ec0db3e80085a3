"""Scoring rules of the tagger benchmark: required/optional gold, micro averaging, matching."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.evaluation.scoring import (
    GoldEntities,
    GoldSet,
    Outcome,
    micro,
    normalise,
    score_codes,
    score_entities,
    surfaces,
)


def test_required_hit_miss_and_unexpected_item():
    gold = GoldSet.of(required={"PK", "AF"}, optional={"CN"})
    out = score_codes(gold, ["PK", "CN", "GB"])
    assert (out.tp, out.fp, out.fn) == (1, 1, 1)
    assert out.missed == ["AF"] and out.spurious == ["GB"]


def test_optional_items_are_neither_rewarded_nor_penalised():
    gold = GoldSet.of(required={"PK"}, optional={"CN"})
    with_optional = score_codes(gold, ["PK", "CN"])
    without_optional = score_codes(gold, ["PK"])
    assert (with_optional.tp, with_optional.fp, with_optional.fn) == (1, 0, 0)
    assert (without_optional.tp, without_optional.fp, without_optional.fn) == (1, 0, 0)


def test_an_item_both_required_and_optional_is_required():
    gold = GoldSet.of(required={"PK"}, optional={"PK"})
    assert score_codes(gold, []).fn == 1


def test_duplicate_predicted_codes_count_once():
    out = score_codes(GoldSet.of(required={"PK"}), ["PK", "PK", "IN", "IN"])
    assert (out.tp, out.fp) == (1, 1)


def test_micro_average_sums_counts_over_documents():
    docs = [
        score_codes(GoldSet.of({"A", "B"}), ["A", "B"]),           # tp 2
        score_codes(GoldSet.of({"C"}), ["D", "E"]),                # fp 2, fn 1
        score_codes(GoldSet.of({"F", "G", "H", "I"}), ["F"]),      # tp 1, fn 3
    ]
    total = micro(docs)
    assert (total.tp, total.fp, total.fn) == (3, 2, 4)
    assert total.precision == pytest.approx(3 / 5)
    assert total.recall == pytest.approx(3 / 7)
    assert total.f1 == pytest.approx(2 * (3 / 5) * (3 / 7) / (3 / 5 + 3 / 7))
    # macro averaging would weight the one-item document like the four-item one: not used
    macro_recall = (1 + 0 + 0.25) / 3
    assert total.recall != pytest.approx(macro_recall)


def test_empty_gold_and_empty_prediction_is_perfect_but_empty_prediction_is_not():
    nothing = score_codes(GoldSet.of(), [])
    assert (nothing.precision, nothing.recall, nothing.f1) == (1.0, 1.0, 1.0)
    silent = score_codes(GoldSet.of({"PK"}), [])
    assert (silent.precision, silent.recall, silent.f1) == (0.0, 0.0, 0.0)


def test_normalise_folds_case_accents_possessives_articles_and_honorifics():
    assert normalise("the Foreign Office") == normalise("Foreign Office")
    assert normalise("Jean-Noël Barrot") == "jean noel barrot"
    assert normalise("Hamas’s") == normalise("Hamas")
    assert normalise("Mr Asif", person=True) == "asif"
    assert normalise("Mr Asif") == "mr asif"   # honorifics only drop for persons


def test_entities_match_on_any_shared_surface():
    gold = GoldEntities(
        required=(surfaces(["Tehreek-i-Taliban Pakistan", "TTP"]),
                  surfaces(["Shanghai Cooperation Organisation", "SCO"])),
        optional=(surfaces(["Radio Pakistan"]),),
    )
    pred = [surfaces(["TTP"]), surfaces(["Radio Pakistan"]), surfaces(["Hamas"])]
    out = score_entities(gold, pred)
    assert (out.tp, out.fp, out.fn) == (1, 1, 1)
    assert out.spurious == ["hamas"]


def test_same_person_reported_twice_costs_a_false_positive():
    gold = GoldEntities(required=(surfaces(["Khawaja Asif", "Asif"], person=True),))
    pred = [surfaces(["Khawaja Asif"], person=True), surfaces(["Mr Asif"], person=True)]
    out = score_entities(gold, pred)
    assert (out.tp, out.fp, out.fn) == (1, 1, 0)


def test_matching_is_maximal_not_greedy():
    # the first prediction could take either gold entity; a greedy pass that gives it the
    # first gold would leave the second prediction unmatched
    gold = GoldEntities(required=(surfaces(["Pakistan Army", "army"]), surfaces(["ISPR", "army"])))
    pred = [surfaces(["army"]), surfaces(["Pakistan Army"])]
    out = score_entities(gold, pred)
    assert (out.tp, out.fp, out.fn) == (2, 0, 0)


def test_missed_entities_are_reported_by_name():
    gold = GoldEntities(required=(surfaces(["Hamas"]),), required_names=("Hamas",))
    assert score_entities(gold, []).missed == ["Hamas"]


def test_outcome_addition_keeps_error_lists():
    a = Outcome(1, 0, 1, missed=["x"])
    b = Outcome(0, 1, 0, spurious=["y"])
    total = a + b
    assert (total.tp, total.fp, total.fn, total.missed, total.spurious) == (1, 1, 1, ["x"], ["y"])


# ---------------------------------------------------------------- pure helpers of the benchmark

def test_person_spans_group_by_head_or_tail_words():
    from benchmarks.evaluation.systems import group_person_spans

    groups = group_person_spans(["Asif", "Khawaja Asif", "Mr Asif", "Waqar Ahmad", "Khawaja"])
    as_sets = sorted(sorted(g) for g in groups)
    assert as_sets == [["Asif", "Khawaja", "Khawaja Asif", "Mr Asif"], ["Waqar Ahmad"]]


def test_speed_docs_are_cut_at_sentences_near_the_target_size():
    from benchmarks.evaluation.speed import speed_docs

    sentence = "The minister met the envoy in the capital on Monday. "
    docs = speed_docs([sentence * 100], n=5, size=400)
    assert len(docs) == 5
    assert all(300 <= len(d.encode()) <= 400 for d in docs)
    assert all(d.endswith("Monday.") for d in docs)


def test_speed_keeps_each_systems_fastest_round_and_lists_them_all():
    from benchmarks.evaluation.speed import best_rounds

    def run(rate):
        return {"system": "x", "docs_per_s": rate, "docs": 10}

    rows = best_rounds({
        "a": [run(900.0), run(1200.0), run(1100.0)],
        "b": [{"system": "b", "error": "timed out"}, run(50.0)],
        "c": [{"system": "c", "error": "no module"}, {"system": "c", "error": "still none"}],
    })
    assert [r.get("docs_per_s") for r in rows] == [1200.0, 50.0, None]
    assert rows[0]["rounds_docs_per_s"] == [900.0, 1200.0, 1100.0]
    assert rows[1]["rounds_docs_per_s"] == [50.0]
    assert rows[2]["error"] == "still none"


def test_feed_html_becomes_clean_text_with_paragraphs():
    from benchmarks.evaluation.heldout import clean_text, text_hash

    html = "<p>KHARTOUM: A drone&nbsp;attack <b>killed</b> 28.</p><p>Second &amp; last.</p>"
    assert clean_text(html) == "KHARTOUM: A drone attack killed 28.\n\nSecond & last."
    escaped = "&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;"   # entity-escaped HTML in feeds
    assert clean_text(escaped) == "One\n\nTwo"
    assert text_hash("t", "b") != text_hash("t", "b ")


def test_stage_costs_split_the_tagger_into_scan_rules_and_output():
    from newswatch.processors.tagging import Tagger

    from benchmarks.evaluation.report import stage_line
    from benchmarks.evaluation.speed import stage_costs

    docs = ["A suicide bomber struck a market in Quetta, police chief Ali Raza said.",
            "Floods displaced thousands in Sylhet, Bangladesh."]
    st = stage_costs(Tagger(), docs)
    assert set(st) == {"scan", "rules", "output"}
    assert st["scan"] > 0 and st["output"] > 0 and st["rules"] > 0
    line = stage_line({"system": "newswatch", "stage_us": {"scan": 30.0, "rules": 300.0,
                                                           "output": 25.5}})
    assert "scan 30.0, rules 300.0, output 25.5" in line and "55.5 us, 16% of the time" in line
