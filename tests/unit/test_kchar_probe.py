"""The per-character probe's arithmetic (benchmarks/evaluation/kchar.py), on a fake clock."""

from __future__ import annotations

import itertools

import pytest

from benchmarks.evaluation.kchar import time_kchar


def _ticking_clock(step_s: float):
    """Every call is ``step_s`` later: each tagging then takes exactly ``step_s``."""
    counter = itertools.count()
    return lambda: next(counter) * step_s


def test_the_probe_reports_the_slowest_document_per_character_against_the_median():
    sentence = "Police in Lahore said two men were arrested on Monday. "
    docs = [sentence * 2, sentence * 4, sentence * 8]  # same time each: shortest costs most
    out = time_kchar(docs, passes=2, long=False, slowest=3, clock=_ticking_clock(0.001))

    per_kchar = [1.0 / (len(d) / 1000) for d in docs]  # 1 ms per document
    assert out["median_ms_per_kchar"] == pytest.approx(per_kchar[1], abs=1e-3)
    assert out["max_doc_ms_per_kchar"] == pytest.approx(per_kchar[0], abs=1e-3)
    assert out["max_doc_over_median"] == pytest.approx(2.0, abs=1e-3)
    assert [s["doc"] for s in out["slowest"]] == [0, 1, 2]
    assert out["slowest"][0]["chars"] == len(docs[0])
    assert "max_over_median" not in out  # only with the long article
