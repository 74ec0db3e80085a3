"""Scores of a clustering against a gold partition: pairwise and B-cubed precision/recall/F1.

Pairwise counts item pairs placed together (precision: of the predicted pairs, how many gold
has; recall: of gold's pairs, how many were predicted). B-cubed averages over items the share
of an item's predicted cluster that is in its gold cluster (precision) and the reverse
(recall); singletons count, so it rewards leaving unrelated items apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {"p": round(self.precision, 4), "r": round(self.recall, 4), "f1": round(self.f1, 4)}


def _pairs(counts: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def pairwise(gold: Mapping[str, str], predicted: Mapping[str, str]) -> PRF:
    """``gold`` and ``predicted`` map item -> cluster label, over the same items."""
    both = Counter((gold[i], predicted[i]) for i in gold)
    together = _pairs(both)
    predicted_pairs = _pairs(Counter(predicted[i] for i in gold))
    gold_pairs = _pairs(Counter(gold.values()))
    return PRF(together / predicted_pairs if predicted_pairs else 1.0,
               together / gold_pairs if gold_pairs else 1.0)


def bcubed(gold: Mapping[str, str], predicted: Mapping[str, str]) -> PRF:
    both = Counter((gold[i], predicted[i]) for i in gold)
    gold_size = Counter(gold.values())
    pred_size = Counter(predicted[i] for i in gold)
    p = sum(both[(gold[i], predicted[i])] / pred_size[predicted[i]] for i in gold)
    r = sum(both[(gold[i], predicted[i])] / gold_size[gold[i]] for i in gold)
    return PRF(p / len(gold), r / len(gold)) if gold else PRF(1.0, 1.0)
