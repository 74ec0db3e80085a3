"""Publishing raw articles: the poller's only Kafka output.

The contract the poller relies on: ``publish`` returns only once every article is acknowledged
by the broker (acks=all, idempotent producer), and raises otherwise. The poller records an
article as seen only after that, so a failed publish is retried on the next poll: at least
once, never less.

A failed publish means the broker stayed away for ``broker_timeout_s`` (one clock for the whole
role, ``broker_contact.py``): the role then exits, and closing the producer does not wait that
long again for records already reported as not delivered.
"""

from __future__ import annotations

import time
from typing import NamedTuple, Protocol

from kafka import KafkaProducer
from kafka.errors import KafkaError
from kafka.partitioner.default import murmur2
from newswatch.ingest.broker_contact import BrokerContact, close_producer

from newswatch.contracts import RawArticle
from newswatch.kafka.clients import make_producer
from newswatch.settings import Settings

__all__ = ["Encoded", "KafkaPublisher", "PublishError", "Publisher", "key_hash"]


def key_hash(key: str) -> int:
    """The hash Kafka's default partitioner uses for ``key`` (murmur2, made positive).

    Pure Python and ~30 us a key, so the poller computes it in its parser processes and the
    publisher only takes it modulo the partition count: the partitions the Java client and
    kafka-python would choose, without the cost in the process that talks to Kafka.
    """
    return murmur2(key.encode("utf-8")) & 0x7FFFFFFF


class Encoded(NamedTuple):
    """An article already serialised: key (article id), JSON value, optional ``key_hash``."""

    key: str
    value: bytes
    key_hash: int | None = None


class PublishError(RuntimeError):
    """Some articles were not acknowledged by the broker; none of the batch counts as seen."""


class Publisher(Protocol):
    def publish(self, articles: list[RawArticle]) -> None:
        """Deliver every article or raise."""


class KafkaPublisher:
    """Each article as UTF-8 JSON, keyed by its id, to the raw topic."""

    def __init__(self, settings: Settings, producer: KafkaProducer | None = None,
                 contact: BrokerContact | None = None) -> None:
        self.topic = settings.topics.raw
        self._timeout_s = settings.broker_timeout_s
        # shared with the role's other Kafka clients: one timeout for all of them
        self.contact = contact or BrokerContact(settings.broker_timeout_s)
        self._producer = producer or make_producer(settings)
        self._own_producer = producer is None
        self._failed = False  # a publish failed: the buffered records are known undelivered

    def publish(self, articles: list[RawArticle]) -> None:
        self.publish_encoded([Encoded(a.id, a.model_dump_json().encode("utf-8"))
                              for a in articles])

    def publish_encoded(self, records: list[Encoded]) -> None:
        """Like ``publish``, for articles already serialised (``model_dump_json`` bytes)."""
        if not records:
            return
        started = time.monotonic()
        deadline = started + self.contact.remaining()  # one timeout for the whole batch
        try:
            partitions = sorted(self._producer.partitions_for(self.topic))
            futures = [self._producer.send(
                self.topic, key=r.key.encode("utf-8"), value=r.value,
                partition=None if r.key_hash is None else partitions[r.key_hash % len(partitions)])
                for r in records]
            self._producer.flush(timeout=max(0.0, deadline - time.monotonic()))
        except KafkaError as exc:
            self._failed = True
            self.contact.lost_since(started)
            raise PublishError(f"publishing {len(records)} articles failed: {exc}") from exc
        failed = [f for f in futures if not f.succeeded()]
        if not failed:
            self.contact.reached()
        else:
            self._failed = True
            self.contact.lost_since(started)
            first = failed[0].exception if failed[0].is_done else "not acknowledged in time"
            raise PublishError(f"{len(failed)} of {len(records)} articles were not delivered "
                               f"to {self.topic}: {first}")

    def close(self) -> None:
        if self._own_producer:
            close_producer(self._producer, self._timeout_s,
                           undelivered_known=self._failed or self.contact.lost())
