"""Small helpers for tests that read and write topics on a real broker."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from newswatch.contracts import TaggedArticle
from newswatch.kafka.clients import make_consumer, make_producer
from newswatch.settings import Settings


def read_topic(settings: Settings, topic: str, *, expect: int, timeout_s: float = 30.0
               ) -> list[ConsumerRecord]:
    """Read a topic from the beginning (manual assignment, no group) until ``expect`` records
    arrived or the timeout passed; returns what was read."""
    consumer: KafkaConsumer = make_consumer(settings, group_id=f"reader-{uuid.uuid4().hex[:8]}")
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        deadline = time.monotonic() + timeout_s
        while not partitions and time.monotonic() < deadline:
            time.sleep(0.2)
            partitions = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        consumer.seek_to_beginning()
        records: list[ConsumerRecord] = []
        while len(records) < expect and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=300).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def read_to_end(settings: Settings, topic: str) -> list[ConsumerRecord]:
    """Every record on ``topic`` now: from the beginning up to the current end offsets."""
    consumer: KafkaConsumer = make_consumer(settings, group_id=None)  # type: ignore[arg-type]
    try:
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        end = consumer.end_offsets(tps)
        records: list[ConsumerRecord] = []
        while any(consumer.position(tp) < end[tp] for tp in tps):
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def produce_tagged(settings: Settings, articles: Iterable[TaggedArticle]) -> None:
    """Publish tagged articles on the tagged topic, keyed by id, and wait until they are
    acknowledged."""
    producer = make_producer(settings)
    try:
        for article in articles:
            producer.send(settings.topics.tagged, key=article.id.encode(),
                          value=article.model_dump_json().encode())
        producer.flush()
    finally:
        producer.close()


def wait_until(test: Callable[[], bool], timeout_s: float = 40.0, every_s: float = 0.2) -> bool:
    """Poll ``test`` until it holds or ``timeout_s`` passed; its last answer."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if test():
            return True
        time.sleep(every_s)
    return test()
