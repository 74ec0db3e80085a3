"""How long the poll role has been without its broker, shared by its Kafka clients.

The poll role talks to the broker through two producers (articles, ``publisher.py``; shared
poll state, ``ownership.py``) and a group consumer (feed ownership). Each used to wait the whole
``broker_timeout_s`` on its own, one after the other, so a lost broker was noticed only after
two timeouts or more (about 127 s against 60 s). One clock for all of them: the first failure
starts it, any success stops it, and every wait is cut to what is left of the one timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from kafka.errors import KafkaError

__all__ = ["BrokerContact", "close_producer"]

log = logging.getLogger(__name__)


class BrokerContact:
    """``remaining()`` before a blocking Kafka call, ``reached()`` after one that succeeded,
    ``lost_since(t)`` after one that failed (``t``: when it started waiting)."""

    __slots__ = ("_lock", "_since", "timeout_s")

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._since: float | None = None  # monotonic time since when the broker is missing
        self._lock = threading.Lock()

    def reached(self) -> None:
        with self._lock:
            self._since = None

    def lost_since(self, since: float) -> None:
        with self._lock:
            if self._since is None or since < self._since:
                self._since = since

    def remaining(self) -> float:
        """Seconds a blocking call may still wait for the broker (0: it is lost)."""
        with self._lock:
            if self._since is None:
                return self.timeout_s
            return max(0.0, self.timeout_s - (time.monotonic() - self._since))

    def lost(self) -> bool:
        return self.remaining() <= 0.0


def close_producer(producer: Any, timeout_s: float, *, undelivered_known: bool) -> None:
    """Close a kafka-python producer. ``undelivered_known``: its pending records were already
    reported as not delivered (a failed flush, a lost broker), so waiting for them again would
    only delay the exit by another timeout: they are failed at once instead.

    kafka-python's ``close()`` flushes first and raises when that flush times out, leaving the
    producer open (its ``__del__`` then tries again and prints a traceback); failing the pending
    batches first lets it close cleanly."""
    if not undelivered_known:
        try:
            producer.close(timeout=timeout_s)
            return
        except KafkaError as exc:  # the flush inside close() timed out: the broker went away
            log.warning("Kafka producer could not deliver its pending records: %s", exc)
    _abort_pending(producer)
    try:
        producer.close(timeout=0)
    except KafkaError as exc:
        log.warning("Kafka producer closed with records undelivered: %s", exc)


def _abort_pending(producer: Any) -> None:
    accumulator = getattr(producer, "_accumulator", None)
    if accumulator is not None and hasattr(accumulator, "abort_batches"):
        accumulator.abort_batches(KafkaError("producer closed with the broker unreachable"))
