from benchmarks.evaluation.clusters import bcubed, pairwise

GOLD = {"a": "x", "b": "x", "c": "x", "d": "y", "e": "z"}


def test_perfect_clustering_scores_one() -> None:
    predicted = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 3}
    assert pairwise(GOLD, predicted).f1 == 1.0
    assert bcubed(GOLD, predicted).f1 == 1.0


def test_pairwise_counts_pairs() -> None:
    # a,b together (right), c alone (misses a-c, b-c), d joins e (a wrong pair)
    predicted = {"a": 1, "b": 1, "c": 2, "d": 3, "e": 3}
    scores = pairwise(GOLD, predicted)
    assert scores.precision == 0.5  # of 2 predicted pairs, a-b is right
    assert abs(scores.recall - 1 / 3) < 1e-9  # of 3 gold pairs, a-b found


def test_bcubed_all_singletons_has_full_precision() -> None:
    predicted = {k: k for k in GOLD}
    scores = bcubed(GOLD, predicted)
    assert scores.precision == 1.0
    assert abs(scores.recall - (3 * (1 / 3) + 1 + 1) / 5) < 1e-9
