"""The ``process`` role: raw articles in, tagged articles out, through the shared runner.

Stateless: scale it by running more processes in the same consumer group.
"""

from __future__ import annotations

import threading

from kafka.consumer.fetcher import ConsumerRecord
from newswatch.processors.tagging import Tagger
from prometheus_client import Counter

from newswatch.contracts import RawArticle
from newswatch.kafka.runner import BatchRunner, Output, Transform
from newswatch.settings import Settings

__all__ = ["ARTICLES_TAGGED", "run_process", "tag_transform"]

ARTICLES_TAGGED = Counter("newswatch_articles_tagged_total", "Articles tagged and published")


def tag_transform(tagger: Tagger, tagged_topic: str) -> Transform:
    """Decode a raw article, tag it, encode the tagged article keyed by the same id."""

    def transform(record: ConsumerRecord) -> list[Output]:
        if record.value is None:
            raise ValueError("empty record value (tombstone) on the raw topic")
        article = RawArticle.model_validate_json(record.value)
        tagged = tagger.tag(article)
        ARTICLES_TAGGED.inc()
        return [Output(tagged_topic, article.id.encode(), tagged.model_dump_json().encode())]

    return transform


def build_process_runner(settings: Settings, stop: threading.Event,
                         tagger: Tagger | None = None, *, from_beginning: bool = False
                         ) -> BatchRunner:
    """``from_beginning``: partitions without a committed offset in the group start at the
    earliest record (a replay), whatever the consumer default is. A record's time is bounded
    by what the tagger reads (``tag_max_chars``): a longer text is tagged on its first part and
    published whole, with a warning - nothing is lost."""
    tagger = tagger or Tagger(watchlist_path=settings.watchlist_file,
                              max_chars=settings.tag_max_chars)
    return BatchRunner.from_settings(
        settings, "process", settings.groups.process, settings.topics.raw,
        tag_transform(tagger, settings.topics.tagged), stop,
        before_batch=tagger.reload_watchlist_if_changed,
        consumer_overrides={"auto_offset_reset": "earliest"} if from_beginning else None,
    )


def run_process(settings: Settings, stop: threading.Event, *, from_beginning: bool = False
                ) -> int:
    return build_process_runner(settings, stop, from_beginning=from_beginning).run()
