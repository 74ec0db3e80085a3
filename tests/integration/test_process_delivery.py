"""The process role on a real broker: poison records go to the DLQ and the rest is still
tagged; a processor stopped (gracefully or killed) mid-stream and restarted loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest
from newswatch.processors.role import build_process_runner

from newswatch.contracts import DeadLetter, RawArticle, TaggedArticle
from newswatch.kafka.clients import ensure_topics, make_producer
from newswatch.settings import Settings
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.integration

STORY = ("Pakistani security forces killed {n} militants of the Tehreek-i-Taliban Pakistan in "
         "an operation in North Waziristan, the military said on Tuesday.")


def _produce_raw(settings: Settings, values: list[tuple[bytes, bytes]]) -> None:
    producer = make_producer(settings)
    for key, value in values:
        producer.send(settings.topics.raw, key=key, value=value)
    producer.flush(timeout=30)
    producer.close()


def _article(n: int) -> tuple[bytes, bytes]:
    article = RawArticle(id=f"a{n:05d}", title=f"Operation {n}", text=STORY.format(n=n))
    return article.id.encode(), article.model_dump_json().encode()


def _run_in_thread(settings: Settings) -> tuple[threading.Event, threading.Thread, dict]:
    stop = threading.Event()
    result: dict = {}
    runner = build_process_runner(settings, stop)
    thread = threading.Thread(target=lambda: result.setdefault("code", runner.run()))
    thread.start()
    return stop, thread, result


def test_poison_record_goes_to_dlq_and_later_records_are_still_tagged(
        make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(partitions=1)
    ensure_topics(settings)
    poison = [(b"bad-json", b"{not json"), (b"bad-schema", json.dumps({"title": "no id"}).encode()),
              (b"bad-utf8", b"\xff\xfe\x00garbage")]
    good = [_article(n) for n in range(5)]
    _produce_raw(settings, [good[0], poison[0], good[1], poison[1], good[2], poison[2], *good[3:]])

    stop, thread, result = _run_in_thread(settings)
    try:
        tagged = read_topic(settings, settings.topics.tagged, expect=5, timeout_s=40)
        dead = read_topic(settings, settings.topics.dlq, expect=3, timeout_s=10)
    finally:
        stop.set()
        thread.join(30)
    assert result.get("code") == 0
    assert sorted(r.key for r in tagged) == sorted(k for k, _ in good)
    assert all(TaggedArticle.model_validate_json(r.value).regions.countries for r in tagged)
    letters = {r.key: DeadLetter.model_validate_json(r.value) for r in dead}
    assert set(letters) == {k for k, _ in poison}
    for letter in letters.values():
        assert letter.source_topic == settings.topics.raw
        assert letter.partition == 0 and letter.role == "process"
        assert letter.error
    assert letters[b"bad-json"].offset == 1 and letters[b"bad-json"].value == "{not json"
    assert letters[b"bad-utf8"].value_encoding == "base64"


def test_graceful_stop_mid_stream_then_restart_tags_everything(
        make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(batch_size=10)
    ensure_topics(settings)
    raw = [_article(n) for n in range(300)]
    _produce_raw(settings, raw)

    stop, thread, result = _run_in_thread(settings)
    deadline = time.monotonic() + 40
    while not read_topic(settings, settings.topics.tagged, expect=1, timeout_s=2):
        assert time.monotonic() < deadline, "first processor produced nothing"
    stop.set()
    thread.join(30)
    assert result["code"] == 0
    first_run = len(read_topic(settings, settings.topics.tagged, expect=300, timeout_s=3))
    assert 0 < first_run < 300, "the processor was not stopped mid-stream"

    stop, thread, result = _run_in_thread(settings)
    try:
        tagged = read_topic(settings, settings.topics.tagged, expect=300 + 10, timeout_s=40)
    finally:
        stop.set()
        thread.join(30)
    assert {r.key for r in tagged} == {k for k, _ in raw}
    # a graceful stop commits its last batch: at most one batch per partition is repeated
    assert len(tagged) - 300 <= settings.batch_size * settings.partitions


def _process_subprocess(settings: Settings) -> subprocess.Popen[bytes]:
    env = {**os.environ,
           "NEWSWATCH_BOOTSTRAP_SERVERS": settings.bootstrap_servers or "",
           "NEWSWATCH_TOPIC_PREFIX": settings.topic_prefix,
           "NEWSWATCH_GROUPS__PROCESS": settings.groups.process,
           "NEWSWATCH_SESSION_TIMEOUT_MS": str(settings.session_timeout_ms),
           "NEWSWATCH_BATCH_SIZE": str(settings.batch_size),
           "NEWSWATCH_METRICS_PORT": "0"}
    return subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "process"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_killed_processor_restarted_loses_nothing(make_settings: Callable[..., Settings]) -> None:
    total = 3000
    settings = make_settings(batch_size=5)  # small batches: many commits, killed between two
    ensure_topics(settings)
    raw = [_article(n) for n in range(total)]
    _produce_raw(settings, raw)

    first = _process_subprocess(settings)
    deadline = time.monotonic() + 60
    while len(read_topic(settings, settings.topics.tagged, expect=20, timeout_s=2)) < 20:
        assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
        assert time.monotonic() < deadline, "first processor produced nothing"
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    partial = len(read_topic(settings, settings.topics.tagged, expect=total, timeout_s=3))
    assert partial < total, "the processor finished before it was killed"

    second = _process_subprocess(settings)
    try:
        tagged = read_topic(settings, settings.topics.tagged, expect=total, timeout_s=90)
        seen = {r.key for r in tagged}
        deadline = time.monotonic() + 60
        while len(seen) < total and time.monotonic() < deadline:
            seen = {r.key for r in read_topic(settings, settings.topics.tagged,
                                              expect=len(tagged) + 50, timeout_s=5)}
    finally:
        second.send_signal(signal.SIGTERM)
        code = second.wait(30)
    assert seen == {k for k, _ in raw}
    assert code == 0, second.stderr.read().decode() if second.stderr else ""


def test_sigterm_finishes_the_batch_and_exits_zero(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    ensure_topics(settings)
    _produce_raw(settings, [_article(n) for n in range(50)])
    proc = _process_subprocess(settings)
    read_topic(settings, settings.topics.tagged, expect=50, timeout_s=60)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0


def test_a_two_megabyte_article_is_tagged_on_its_first_part_and_published_whole(
        make_settings: Callable[..., Settings]) -> None:
    """Issue 15, defect 1: one long item must not hold its partition for minutes. The
    tagger reads the first ``tag_max_chars`` characters; the record keeps all of its text
    and says what was read; the article after it is tagged as usual."""
    settings = make_settings(partitions=1)
    ensure_topics(settings)
    filler = ("The committee discussed the harvest, the weather and the roads at length. "
              * 28_000)  # 2.1 MB after the story
    long = RawArticle(id="long", title="Long", text=STORY.format(n=7) + " " + filler)
    _produce_raw(settings, [(b"long", long.model_dump_json().encode()), _article(1)])
    started = time.monotonic()
    stop, thread, result = _run_in_thread(settings)
    try:
        tagged = read_topic(settings, settings.topics.tagged, expect=2, timeout_s=60)
    finally:
        stop.set()
        thread.join(30)
    elapsed = time.monotonic() - started
    assert result.get("code") == 0
    by_key = {r.key: TaggedArticle.model_validate_json(r.value) for r in tagged}
    out = by_key[b"long"]
    assert out.text == long.text  # published whole
    assert [c.code for c in out.regions.countries] == ["PK"]
    assert len(out.parse_warnings) == 1
    assert out.parse_warnings[0].startswith("tagged the first ")
    assert out.parse_warnings[0].endswith(
        f" of {len(long.text):,} characters of the text (tag_max_chars 100,000)")
    assert by_key[b"a00001"].parse_warnings == []
    assert elapsed < 45, f"took {elapsed:.1f} s"
