"""The soak harness, short: broker, poller, processor and alert role as separate processes
against 20 changing local feeds, the processor and the alert role SIGKILLed and restarted.
Nothing may be lost and no alert may be stored twice for one rule and story."""

from __future__ import annotations

import pytest

from benchmarks.soak import run

pytestmark = pytest.mark.integration


@pytest.mark.timeout(120)
def test_soak_loses_nothing_and_duplicates_no_alert() -> None:
    figures = run(["--minutes", "0.5", "--feeds", "20", "--every-s", "4", "--interval-s", "5",
                   "--drain-timeout-s", "60"])
    assert figures["articles_in"] >= 40  # every feed fetched, and new items seen after that
    assert figures["lost"] == 0
    assert figures["duplicates"] == 0
    assert figures["tagged"] + figures["dlq"] >= figures["articles_in"]
    assert figures["alerts"] > 0
