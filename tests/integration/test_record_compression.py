"""The roles' producers compress record batches (zstd by default), and the records read back
whole.

What compression is for is visible on the embedded broker, which keeps every record in
memory: its resident memory grows by the bytes it was sent. Each codec gets a fresh broker,
the same 3,000 tagged-article-sized JSON records, and the broker's growth is compared with
the growth for uncompressed batches.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from benchmarks.soak import rss_bytes
from newswatch.kafka.broker import EmbeddedBroker
from newswatch.kafka.clients import make_consumer, make_producer
from newswatch.settings import Settings

pytestmark = pytest.mark.integration

RECORDS = 3000


def _rss_kb(broker: EmbeddedBroker) -> int:
    assert broker.pid is not None
    found = rss_bytes(broker.pid)
    assert found is not None, "no VmRSS of the broker"
    return found // 1024


def _value(i: int) -> bytes:
    """About 4 KB of JSON shaped like a tagged article: prose, repeated names, numbers."""
    words = ["police", "said", "attack", "province", f"district-{i % 37}", "officials",
             "Peshawar", "Khyber", "killed", str(i), "Monday", "according"]
    text = " ".join(words[(i + k) % len(words)] for k in range(600))
    return json.dumps({"id": f"a-{i:06d}", "title": f"Item {i}", "text": text,
                       "regions": {"countries": [{"code": "PK", "confidence": 0.95}]}}).encode()


def _growth_kb(codec: str, tmp_path: Path) -> tuple[int, list[bytes]]:
    """The broker's memory growth for RECORDS records sent with ``codec``, and what a
    consumer reads back."""
    with EmbeddedBroker() as broker:
        settings = Settings(bootstrap_servers=broker.bootstrap_servers, session_timeout_ms=6000,
                            heartbeat_interval_ms=500, compression_type=codec,
                            state_dir=tmp_path / codec)
        producer = make_producer(settings)
        producer.send("warm-up", b"x").get(timeout=20)  # topic metadata, buffers
        time.sleep(0.5)
        before = _rss_kb(broker)
        for start in range(0, RECORDS, 500):  # as the roles send: a flush per batch
            for i in range(start, start + 500):
                producer.send("records", key=f"a-{i:06d}".encode(), value=_value(i))
            producer.flush()
        producer.close()
        time.sleep(0.5)
        grown = _rss_kb(broker) - before
        consumer = make_consumer(settings, f"read-{codec}", ["records"])
        got: list[bytes] = []
        deadline = time.monotonic() + 30
        while len(got) < RECORDS and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                got += [r.value for r in records]
        consumer.close()
        return grown, got


def test_compressed_batches_read_back_whole_and_take_a_fraction_of_the_memory(
        tmp_path: Path) -> None:
    assert Settings(bootstrap_servers="x:1").compression_type == "zstd"  # the default
    plain, plain_read = _growth_kb("none", tmp_path)
    assert plain > RECORDS * 3  # about 4 KB a record kept: the measure can see records
    expected = sorted(_value(i) for i in range(RECORDS))
    assert sorted(plain_read) == expected
    for codec in ("zstd", "gzip"):
        grown, read = _growth_kb(codec, tmp_path)
        assert sorted(read) == expected, codec  # every record, byte for byte
        assert grown < plain * 0.5, (codec, grown, plain)
