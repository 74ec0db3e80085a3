"""The tagger benchmark's `newswatch tag` speed figure (issue 14): it runs the real CLI."""

from __future__ import annotations

import pytest

from benchmarks.evaluation import speed

pytestmark = pytest.mark.integration


def test_cli_speed_counts_every_document_through_newswatch_tag() -> None:
    docs = [f"Gunmen attacked a police post in Bannu, Pakistan, police said ({i})."
            for i in range(30)]
    row = speed.measure_cli(docs, cycles=3)
    assert "error" not in row, row
    assert row["system"] == speed.CLI and row["docs"] == 90
    assert row["docs_per_s"] > 0 and row["startup_s"] > 0


def test_cli_speed_reports_a_failing_cli_as_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_LOG_LEVEL", "bogus")  # the CLI refuses to start
    row = speed.measure_cli(["Kabul, Afghanistan."], cycles=1)
    assert row["system"] == speed.CLI and "error" in row
