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


class _StuckProducer:
    """kafka-python's producer as it behaves once its broker is gone: ``close()`` flushes and
    raises when the flush times out, unless the pending batches were failed first."""

    def __init__(self) -> None:
        self.closed = False
        self.aborted: list[Exception] = []
        self._accumulator = self

    def abort_batches(self, error: Exception) -> None:
        self.aborted.append(error)

    def close(self, timeout: float) -> None:
        if not self.aborted:
            from kafka.errors import KafkaTimeoutError
            raise KafkaTimeoutError("Timeout waiting for future")
        self.closed = True


def test_a_close_whose_flush_times_out_still_closes_the_producer(caplog) -> None:
    # CI, 2026-12-07: the ownership producer's close raised out of close_producer, printing two
    # tracebacks (ours and the producer's __del__) when the broker vanished mid-poll
    from newswatch.ingest.broker_contact import close_producer

    producer = _StuckProducer()
    close_producer(producer, 0.1, undelivered_known=False)
    assert producer.closed and len(producer.aborted) == 1
    assert "could not deliver" in caplog.text


def test_records_known_undelivered_are_failed_before_closing() -> None:
    from newswatch.ingest.broker_contact import close_producer

    producer = _StuckProducer()
    close_producer(producer, 10, undelivered_known=True)
    assert producer.closed and len(producer.aborted) == 1
