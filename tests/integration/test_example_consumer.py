"""examples/consumer.py, the desk consumer the README points downstream teams to, run as they
would run it against a real broker: it prints one line per tagged article and skips the
duplicate that at-least-once delivery may bring."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from newswatch.processors.tagging import Tagger

from newswatch.contracts import RawArticle
from newswatch.kafka.clients import ensure_topics, make_producer
from newswatch.settings import Settings

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "consumer.py"


def test_example_consumer_prints_what_a_desk_needs(make_settings: Callable[..., Settings]
                                                   ) -> None:
    settings = make_settings(partitions=1)
    ensure_topics(settings)
    tagger = Tagger()
    when = datetime(2026, 12, 7, 5, 30, tzinfo=UTC)
    articles = [tagger.tag(RawArticle(id=f"a{i}", title=title, text=text, published_at=when,
                                      url=f"https://news.test/{i}", content_hash=f"h{i}"))
                for i, (title, text) in enumerate([
                    ("Militants attack police checkpoint in Peshawar",
                     "Gunmen attacked a police checkpoint in Peshawar, Pakistan, on Sunday."),
                    ("Earthquake shakes western Nepal",
                     "An earthquake struck western Nepal overnight, officials said."),
                ])]
    producer = make_producer(settings)
    for article in (articles[0], articles[0], articles[1]):  # the second is a redelivery
        producer.send(settings.topics.tagged, key=article.id.encode(),
                      value=article.model_dump_json().encode())
    producer.flush()
    producer.close()

    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--bootstrap", settings.bootstrap_servers or "",
         "--topic", settings.topics.tagged, "--group", f"{settings.topic_prefix}desk",
         "--max", "2"], capture_output=True, text=True, timeout=90, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    for line, article in zip(lines, articles, strict=True):
        assert line.startswith("2026-12-07 05:30")
        assert article.title in line and article.url in line
        assert f"sev {article.severity:.2f}" in line
        for country in article.regions.countries:
            assert country.code in line
        for event in article.event_types:
            assert event.type in line
    assert articles[0].regions.countries, "the tagger should find Pakistan"
