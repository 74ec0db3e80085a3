"""The publisher's precomputed key hash picks the partition Kafka's default partitioner would."""

from __future__ import annotations

import hashlib

from kafka.cluster import ClusterMetadata
from kafka.partitioner.default import DefaultPartitioner
from newswatch.ingest.publisher import key_hash


class _Cluster(ClusterMetadata):
    def __init__(self, partitions: int) -> None:
        super().__init__()
        self._partitions = set(range(partitions))

    def topics(self, exclude_internal_topics: bool = True) -> set[str]:
        return {"raw"}

    def partitions_for_topic(self, topic: str) -> set[int]:
        return self._partitions

    def available_partitions_for_topic(self, topic: str) -> set[int]:
        return self._partitions


def test_key_hash_matches_the_default_partitioner() -> None:
    partitioner = DefaultPartitioner()
    for partitions in (1, 3, 12):
        cluster = _Cluster(partitions)
        for n in range(300):
            key = hashlib.sha1(str(n).encode()).hexdigest()[:32]
            expected = partitioner.partition("raw", key, key.encode(), None, None, cluster)
            assert key_hash(key) % partitions == expected
            assert key_hash(key) >= 0
