"""Scoring per the tagging guidelines: micro precision/recall/F1 over documents, per field.

Gold for one document and one field has *required* items (must be found: a hit is a true
positive, a miss a false negative) and *optional* items (neither rewarded nor penalised).
Any other predicted item is a false positive.

Two kinds of field:
- code fields (countries, admin1, event types, macro regions): items are strings compared
  exactly (``score_codes``);
- entity fields (actors, persons, places): an item is a *set of surface forms*; a predicted
  entity matches a gold entity when they share a normalised surface (``score_entities``). Each
  gold entity can absorb one prediction (maximum bipartite matching), so reporting the same
  person twice ("Khawaja Asif" and "Asif" as two persons) costs a false positive, as the
  guidelines say every surface form of one person is one person. A prediction that shares a
  surface with an optional gold entity is neutral.

Everything here is pure (no I/O) so it can be unit-tested.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class GoldSet:
    """Gold for one code field of one document."""

    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()

    @classmethod
    def of(cls, required: Iterable[str] = (), optional: Iterable[str] = ()) -> GoldSet:
        req = frozenset(required)
        return cls(req, frozenset(optional) - req)


@dataclass(frozen=True)
class GoldEntities:
    """Gold for one entity field of one document: each entity is its normalised surfaces."""

    required: tuple[frozenset[str], ...] = ()
    optional: tuple[frozenset[str], ...] = ()
    required_names: tuple[str, ...] = ()


@dataclass
class Outcome:
    """Counts for one document/field (or a sum of them), with the items behind the errors."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    def __add__(self, other: Outcome) -> Outcome:
        return Outcome(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn,
                       self.missed + other.missed, self.spurious + other.spurious)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0 if not self.fn else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def micro(outcomes: Iterable[Outcome]) -> Outcome:
    """Micro average: sum the counts over documents (P/R/F1 follow from the sums)."""
    total = Outcome()
    for o in outcomes:
        total = total + o
    return total


def score_codes(gold: GoldSet, predicted: Iterable[str]) -> Outcome:
    """Score one document's predicted codes against its gold (duplicates count once)."""
    pred = set(predicted)
    hits = pred & gold.required
    missed = sorted(gold.required - pred)
    spurious = sorted(pred - gold.required - gold.optional)
    return Outcome(len(hits), len(spurious), len(missed), missed, spurious)


_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "mx"}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def normalise(surface: str, person: bool = False) -> str:
    """Fold case, accents, possessives and punctuation so surface forms compare fairly.

    Persons also lose a leading honorific ("Mr Asif" == "Asif"); everything loses a leading
    "the" ("the Foreign Office" == "Foreign Office").
    """
    s = unicodedata.normalize("NFKD", surface.translate(_APOSTROPHES))
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"[^\w]+", " ", s).strip()
    words = s.split()
    if words and words[0] == "the":
        words = words[1:]
    if person and len(words) > 1 and words[0] in _HONORIFICS:
        words = words[1:]
    return " ".join(words)


def surfaces(names: Iterable[str], person: bool = False) -> frozenset[str]:
    """The normalised, non-empty surface set of one entity."""
    return frozenset(n for n in (normalise(x, person) for x in names if x) if n)


def _max_matching(preds: Sequence[frozenset[str]], golds: Sequence[frozenset[str]]) -> dict[int, int]:
    """Maximum bipartite matching prediction -> gold on "shares a surface" (Kuhn's algorithm)."""
    edges = [[g for g, gs in enumerate(golds) if p & gs] for p in preds]
    gold_to_pred: dict[int, int] = {}

    def augment(p: int, seen: set[int]) -> bool:
        for g in edges[p]:
            if g in seen:
                continue
            seen.add(g)
            if g not in gold_to_pred or augment(gold_to_pred[g], seen):
                gold_to_pred[g] = p
                return True
        return False

    for p in range(len(preds)):
        augment(p, set())
    return {p: g for g, p in gold_to_pred.items()}


def score_entities(gold: GoldEntities, predicted: Sequence[frozenset[str]]) -> Outcome:
    """Score one document's predicted entities (each a set of normalised surfaces)."""
    preds = [p for p in predicted if p]
    matched = _max_matching(preds, gold.required)
    names = gold.required_names or tuple(max(g, key=len) if g else "" for g in gold.required)
    missed = [names[g] for g in range(len(gold.required)) if g not in matched.values()]
    spurious = [
        max(p, key=len) for i, p in enumerate(preds)
        if i not in matched and not any(p & o for o in gold.optional)
    ]
    return Outcome(len(matched), len(spurious), len(missed), missed, spurious)
