"""The one Kafka runner used by every consuming role.

Per batch, in this order (the order *is* the delivery guarantee):

1. consume a batch (auto-commit is off);
2. transform each record; a record whose transform raises becomes a dead letter on the DLQ topic
   with the error and its source topic/partition/offset, and the batch goes on;
3. produce every output, then flush the producer and check every send succeeded;
4. only then commit the batch's offsets.

So a crash anywhere before step 4 redelivers the batch: at least once, never less.
SIGINT/SIGTERM (the ``stop`` event) finish the current batch and exit cleanly. A broker that
stays unreachable longer than ``broker_timeout_s`` makes :meth:`BatchRunner.run` return a
non-zero exit code, so a supervisor restarts the role instead of it idling forever.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from newswatch.contracts import DeadLetter
from newswatch.kafka.clients import make_consumer, make_producer
from newswatch.metrics import (
    BATCH_SECONDS,
    COMMIT_FAILURES,
    CONSUMER_LAG,
    DLQ_RECORDS,
    RECORDS_PROCESSED,
)
from newswatch.readiness import READINESS, group_not_joined
from newswatch.settings import Settings

__all__ = [
    "EXIT_BROKER_LOST",
    "EXIT_DELIVERY_FAILED",
    "EXIT_DEPENDENCY_DOWN",
    "EXIT_OK",
    "BatchRunner",
    "Output",
    "RetryLater",
    "Tick",
    "Transform",
    "dead_letter",
]

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_BROKER_LOST = 3
EXIT_DELIVERY_FAILED = 4
EXIT_DEPENDENCY_DOWN = 5
# /ready turns 503 after this long without broker contact (the role exits after broker_timeout_s)
READY_CONTACT_S = 15.0


class RetryLater(Exception):
    """Raised by a transform when the record is fine but something it needs is not (a full
    disk, a locked database). The batch is not committed and is retried after a pause; if the
    outage outlasts ``broker_timeout_s`` the role exits non-zero. Never dead-lettered."""


@dataclass(frozen=True, slots=True)
class Output:
    """One record to produce."""

    topic: str
    key: bytes | None
    value: bytes


Transform = Callable[[ConsumerRecord], Iterable[Output]]
# Called between batches: records to produce that no consumed record caused (timers, actions
# made elsewhere), and a callback run once they are all acknowledged by the broker.
Tick = Callable[[], tuple[list[Output], Callable[[], None]]]


def dead_letter(record: ConsumerRecord, error: BaseException, role: str, dlq_topic: str) -> Output:
    """The DLQ output for a record that could not be processed: nothing is silently dropped."""
    raw: bytes = record.value or b""
    try:
        value, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        value, encoding = base64.b64encode(raw).decode("ascii"), "base64"
    key = record.key.decode("utf-8", "replace") if record.key is not None else None
    letter = DeadLetter(
        role=role, error_type=type(error).__name__, error=str(error)[:4000],
        source_topic=record.topic, partition=record.partition, offset=record.offset,
        key=key, value=value, value_encoding=encoding, failed_at=datetime.now(UTC),
    )
    return Output(dlq_topic, record.key, letter.model_dump_json().encode())


class BatchRunner:
    """consume -> transform -> produce -> flush -> commit, until stopped."""

    def __init__(
        self,
        role: str,
        consumer: KafkaConsumer,
        producer: KafkaProducer,
        transform: Transform,
        dlq_topic: str,
        stop: threading.Event,
        *,
        poll_timeout_ms: int = 500,
        broker_timeout_s: float = 60.0,
        before_batch: Callable[[], object] | None = None,
        tick: Tick | None = None,
        batch_scope: Callable[[], AbstractContextManager[object]] | None = None,
    ) -> None:
        self.role = role
        self._consumer = consumer
        self._producer = producer
        self._transform = transform
        self._dlq_topic = dlq_topic
        self._stop = stop
        self._poll_timeout_ms = poll_timeout_ms
        self._broker_timeout_s = broker_timeout_s
        self._before_batch = before_batch
        self._tick = tick
        self._batch_scope = batch_scope or nullcontext
        self._scoped = batch_scope is not None
        self._last_contact = time.monotonic()
        self._outage_since: float | None = None
        self.processed = 0
        self.dead_lettered = 0

    @classmethod
    def from_settings(cls, settings: Settings, role: str, group_id: str, source_topic: str,
                      transform: Transform, stop: threading.Event, *,
                      before_batch: Callable[[], object] | None = None,
                      tick: Tick | None = None,
                      batch_scope: Callable[[], AbstractContextManager[object]] | None = None,
                      consumer_overrides: dict[str, object] | None = None) -> BatchRunner:
        """A runner consuming ``source_topic`` in ``group_id``, dead-lettering to the DLQ topic,
        with the clients, timeouts and batch settings of ``settings``."""
        consumer = make_consumer(settings, group_id, [source_topic], **(consumer_overrides or {}))
        return cls(
            role, consumer, make_producer(settings),
            transform, settings.topics.dlq, stop, poll_timeout_ms=settings.batch_timeout_ms,
            broker_timeout_s=settings.broker_timeout_s, before_batch=before_batch, tick=tick,
            batch_scope=batch_scope,
        )

    def run(self) -> int:
        """Run until ``stop`` is set (returns 0) or the broker is lost (returns non-zero)."""
        READINESS.register(self.role, self.not_ready)
        try:
            while not self._stop.is_set():
                if self._tick is not None and not self._run_tick():
                    return EXIT_DEPENDENCY_DOWN
                batch = self._consumer.poll(timeout_ms=self._poll_timeout_ms)
                self._observe_lag()
                if batch:
                    self._last_contact = time.monotonic()
                    if not self._process_or_rewind(batch):
                        return EXIT_DEPENDENCY_DOWN
                elif self._broker_lost():
                    log.error("%s: broker unreachable for more than %.0fs; exiting",
                              self.role, self._broker_timeout_s)
                    return EXIT_BROKER_LOST
            return EXIT_OK
        except _DeliveryFailed as exc:
            log.error("%s: outputs not delivered (%s); offsets not committed, exiting", self.role, exc)
            return EXIT_DELIVERY_FAILED
        finally:
            READINESS.unregister(self.role)
            self._close()

    def _observe_lag(self) -> None:
        """Consumer lag per assigned partition, from what the last fetch told the client (no
        request of its own): the high-water mark minus the consumer's position."""
        group = self._consumer.config.get("group_id") or "-"
        for tp in self._consumer.assignment():
            highwater = self._consumer.highwater(tp)
            if highwater is None:
                continue
            try:
                position = self._consumer.position(tp, timeout_ms=0)
            except (KafkaError, TypeError):
                continue
            if position is not None:
                CONSUMER_LAG.labels(self.role, group, tp.topic, str(tp.partition)).set(
                    max(0, highwater - position))

    def _run_tick(self) -> bool:
        """Produce the tick's records and confirm them once delivered. False: give up."""
        assert self._tick is not None
        try:
            outputs, delivered = self._tick()
        except RetryLater as exc:
            now = time.monotonic()
            self._outage_since = self._outage_since or now
            if now - self._outage_since > self._broker_timeout_s:
                log.error("%s: %s for more than %.0fs; exiting", self.role, exc,
                          self._broker_timeout_s)
                return False
            log.warning("%s: timer work will be retried: %s", self.role, exc)
            return True
        if outputs:
            futures = [self._producer.send(o.topic, key=o.key, value=o.value) for o in outputs]
            self._flush(futures)
        delivered()
        return True
    def not_ready(self) -> str | None:
        """For ``/ready``: None once the consumer is in its group and the broker answers."""
        reason = group_not_joined(self._consumer)
        if reason is not None:
            return reason
        quiet = time.monotonic() - self._last_contact
        if quiet > min(self._broker_timeout_s, READY_CONTACT_S):
            return f"no broker contact for {quiet:.0f} s"
        return None

    def _process_or_rewind(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> bool:
        """Process the batch; on RetryLater rewind to its start and pause. False: give up."""
        try:
            self._process(batch)
        except RetryLater as exc:
            now = time.monotonic()
            self._outage_since = self._outage_since or now
            for partition, records in batch.items():
                self._consumer.seek(partition, records[0].offset)
            if now - self._outage_since > self._broker_timeout_s:
                log.error("%s: %s for more than %.0fs; exiting", self.role, exc,
                          self._broker_timeout_s)
                return False
            log.warning("%s: batch will be retried: %s", self.role, exc)
            self._stop.wait(min(5.0, 0.2 * 2 ** min(int(now - self._outage_since), 5)))
            return True
        self._outage_since = None
        return True

    def _process(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        started = time.perf_counter()
        if self._before_batch is not None:
            self._before_batch()
        futures = []
        offsets: dict[TopicPartition, OffsetAndMetadata] = {}
        count = dead = 0
        # The scope spans the batch's transforms (the alert role commits its store once per
        # batch there); leaving it with RetryLater, from a transform or from the scope's own
        # commit, retries the batch like any other RetryLater. With a scope, outputs are sent
        # only once it has committed: a record never announces what the store then lost
        # (a full disk at the commit); without one, each record's outputs go at once.
        held: list[Output] | None = [] if self._scoped else None
        with self._batch_scope():
            for partition, records in batch.items():
                for record in records:
                    try:
                        outputs = list(self._transform(record))
                    except RetryLater:
                        self._flush(futures)  # what was produced stays produced; no commit
                        raise
                    except Exception as exc:  # noqa: BLE001 - a poison record must not stop the role
                        log.warning("%s: record %s[%d]@%d failed: %s: %s", self.role,
                                    record.topic, record.partition, record.offset,
                                    type(exc).__name__, exc)
                        outputs = [dead_letter(record, exc, self.role, self._dlq_topic)]
                        dead += 1
                    if held is not None:
                        held += outputs
                    else:
                        futures += [self._send(out) for out in outputs]
                    count += 1
                offsets[partition] = OffsetAndMetadata(records[-1].offset + 1, None, -1)
        futures += [self._send(out) for out in held or ()]
        self._flush(futures)
        self._commit(offsets)
        self.processed += count
        self.dead_lettered += dead
        RECORDS_PROCESSED.labels(self.role).inc(count)
        if dead:
            DLQ_RECORDS.labels(self.role).inc(dead)
        BATCH_SECONDS.labels(self.role).observe(time.perf_counter() - started)

    def _send(self, out: Output) -> Any:
        return self._producer.send(out.topic, key=out.key, value=out.value)

    def _flush(self, futures: list) -> None:
        try:
            self._producer.flush(timeout=self._broker_timeout_s)
            for future in futures:
                future.get(timeout=0)
        except KafkaError as exc:
            raise _DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc

    def _commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        try:
            self._consumer.commit(offsets)
        except (CommitFailedError, KafkaError) as exc:
            # Outputs are flushed already; the batch will be redelivered and re-processed
            # (at least once). Consumers of our outputs deduplicate by key.
            COMMIT_FAILURES.labels(self.role).inc()
            log.warning("%s: commit failed (%s); batch will be redelivered", self.role, exc)

    def _broker_lost(self) -> bool:
        client = self._consumer._client  # kafka-python exposes no public liveness check
        if any(client.connected(b.node_id) for b in client.cluster.brokers()):
            self._last_contact = time.monotonic()
            return False
        return time.monotonic() - self._last_contact > self._broker_timeout_s

    def _close(self) -> None:
        try:
            self._producer.flush(timeout=5)
        except KafkaError:
            log.warning("%s: producer flush on close failed", self.role)
        for close in (self._consumer.close, lambda: self._producer.close(timeout=5)):
            try:
                close()
            except Exception:  # closing must not mask the exit code
                log.debug("%s: error while closing a client", self.role, exc_info=True)


class _DeliveryFailed(Exception):
    """A produced output was not acknowledged; the batch must not be committed."""
