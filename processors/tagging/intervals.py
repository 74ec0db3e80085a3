"""Interval questions about spans of one text, answered by bisection.

Why: the rules ask, for each hit, whether it lies inside or overlaps some other span (a
person's name, an actor's evidence, a cancelling phrase). Asked by scanning every span, that
made a long article's tagging quadratic in its length; sorted starts and the furthest end
reached so far answer each question in O(log n).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
_FEW = 8  # up to this many items a scan is cheaper than sorting them (same answers)

__all__ = ["Near", "SpanIndex", "index_by_field"]


class SpanIndex:
    """A fixed set of half-open spans [start, end), sorted on the first question (most
    articles ask none, or only about a few spans)."""

    __slots__ = ("_ends", "_reach", "_spans", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._spans = spans
        self._starts: list[int] | None = None
        self._ends: list[int] = []
        self._reach: list[int] = []  # the furthest end of the spans up to each one

    def _sorted(self) -> list[int]:
        # the questions read ``_starts`` first and call this only while it is None: a method
        # call per question cost more than the bisection (a place-dense story asks one per hit)
        ordered = sorted(self._spans)
        self._starts = starts = [s for s, _e in ordered]
        self._ends = [e for _s, e in ordered]
        furthest = -1
        for e in self._ends:
            furthest = max(furthest, e)
            self._reach.append(furthest)
        return starts

    def covers(self, start: int, end: int) -> bool:
        """Some span has s <= start and end <= e."""
        starts = self._starts
        i = bisect_right(self._sorted() if starts is None else starts, start)
        return i > 0 and self._reach[i - 1] >= end

    def covers_other(self, start: int, end: int) -> bool:
        """Some span other than [start, end) itself has s <= start and end <= e."""
        starts = self._starts
        if starts is None:
            starts = self._sorted()
        lo = bisect_left(starts, start)
        if lo > 0 and self._reach[lo - 1] >= end:
            return True  # one starting before
        hi = bisect_right(starts, start)
        return hi > lo and self._ends[hi - 1] > end  # one starting here, ending later

    def holds(self, pos: int) -> bool:
        """Some span has s <= pos < e."""
        starts = self._starts
        i = bisect_right(self._sorted() if starts is None else starts, pos)
        return i > 0 and self._reach[i - 1] > pos

    def overlaps(self, start: int, end: int) -> bool:
        """Some span has s < end and start < e."""
        starts = self._starts
        i = bisect_left(self._sorted() if starts is None else starts, end)
        return i > 0 and self._reach[i - 1] > start


def index_by_field(spans: Iterable[tuple[str, int, int]]) -> dict[str, SpanIndex]:
    """(field, start, end) triples -> one index per field."""
    by_field: dict[str, list[tuple[int, int]]] = {}
    for f, s, e in spans:
        by_field.setdefault(f, []).append((s, e))
    return {f: SpanIndex(spans) for f, spans in by_field.items()}


class Near(Generic[T]):
    """A list's items by where their spans start and end: the items starting (or ending)
    in [lo, hi], in list order (the rules' tie-breaks depend on it). For rules that read
    the few characters between two names ("Pakistan's army", "army of Pakistan"). Sorted
    on the first question: most articles ask none."""

    __slots__ = ("_by_end", "_by_start", "_ends", "_span", "_spans", "_starts", "items")

    def __init__(self, items: Sequence[T], span: Callable[[T], tuple[int, int]]) -> None:
        self.items = items
        self._span = span
        self._spans: list[tuple[int, int]] | None = None  # each item's span, on first use
        self._by_start: list[int] | None = None
        self._starts: list[int] = []
        self._by_end: list[int] = []
        self._ends: list[int] = []

    def _spans_of(self) -> list[tuple[int, int]]:
        """The items' spans, worked out once: a rule asks a field's few places many times
        (a call of ``span`` per item and question cost more than the questions)."""
        spans = self._spans
        if spans is None:
            spans = self._spans = [self._span(x) for x in self.items]
        return spans

    def _sort(self) -> list[int]:
        spans = self._spans_of()
        by_start = self._by_start = sorted(range(len(spans)), key=lambda i: spans[i][0])
        self._starts = [spans[i][0] for i in by_start]
        self._by_end = sorted(range(len(spans)), key=lambda i: spans[i][1])
        self._ends = [spans[i][1] for i in self._by_end]
        return by_start

    def starting_in(self, lo: int, hi: int) -> list[T]:
        if len(self.items) <= _FEW:
            return [x for x, span in zip(self.items, self._spans_of()) if lo <= span[0] <= hi]
        by_start = self._by_start
        if by_start is None:
            by_start = self._sort()
        found = by_start[bisect_left(self._starts, lo):bisect_right(self._starts, hi)]
        return [self.items[i] for i in sorted(found)]

    def ending_in(self, lo: int, hi: int) -> list[T]:
        if len(self.items) <= _FEW:
            return [x for x, span in zip(self.items, self._spans_of()) if lo <= span[1] <= hi]
        if self._by_start is None:
            self._sort()
        found = self._by_end[bisect_left(self._ends, lo):bisect_right(self._ends, hi)]
        return [self.items[i] for i in sorted(found)]
