"""A record that cannot be processed becomes a dead letter that keeps everything needed to
replay or inspect it: the error, the source topic/partition/offset, the key and the value."""

from __future__ import annotations

import base64

from kafka.consumer.fetcher import ConsumerRecord

from newswatch.contracts import DeadLetter
from newswatch.kafka.runner import dead_letter


def _record(value: bytes | None, key: bytes | None = b"k1") -> ConsumerRecord:
    return ConsumerRecord(topic="news.articles.raw", partition=2, leader_epoch=-1, offset=41,
                          timestamp=0, timestamp_type=0, key=key, value=value, headers=[],
                          checksum=None, serialized_key_size=2, serialized_value_size=3,
                          serialized_header_size=0)


def test_text_value_is_kept_as_text() -> None:
    out = dead_letter(_record(b"{not json"), ValueError("Expecting value"), "process", "news.dlq")
    letter = DeadLetter.model_validate_json(out.value)
    assert out.topic == "news.dlq" and out.key == b"k1"
    assert (letter.source_topic, letter.partition, letter.offset) == ("news.articles.raw", 2, 41)
    assert letter.error_type == "ValueError" and letter.error == "Expecting value"
    assert letter.value == "{not json" and letter.value_encoding == "utf-8"
    assert letter.key == "k1" and letter.role == "process"


def test_binary_value_is_kept_as_base64() -> None:
    raw = b"\xff\xfe\x00binary"
    letter = DeadLetter.model_validate_json(
        dead_letter(_record(raw, key=None), RuntimeError("x"), "alert", "dlq").value)
    assert letter.value_encoding == "base64"
    assert base64.b64decode(letter.value) == raw
    assert letter.key is None


def test_tombstone_is_dead_lettered_with_empty_value() -> None:
    letter = DeadLetter.model_validate_json(
        dead_letter(_record(None), ValueError("tombstone"), "process", "dlq").value)
    assert letter.value == ""
