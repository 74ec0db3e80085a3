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
