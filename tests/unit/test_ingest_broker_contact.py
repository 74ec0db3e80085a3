"""One broker clock for the poll role's Kafka clients (issue 15, defect 10)."""

from __future__ import annotations

import time

from newswatch.ingest.broker_contact import BrokerContact


def test_the_first_failure_starts_the_clock_and_a_success_stops_it() -> None:
    contact = BrokerContact(timeout_s=10)
    assert contact.remaining() == 10 and not contact.lost()
    contact.lost_since(time.monotonic() - 4)  # e.g. the state producer waited 4 s in vain
    assert 5.5 < contact.remaining() <= 6  # the next wait gets what is left, not 10 s again
    contact.lost_since(time.monotonic())  # a later failure does not restart the clock
    assert contact.remaining() <= 6
    contact.lost_since(time.monotonic() - 11)
    assert contact.lost() and contact.remaining() == 0
    contact.reached()
    assert contact.remaining() == 10 and not contact.lost()
