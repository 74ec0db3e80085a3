"""The ``alert`` role: tagged articles in, alerts out (topic, store, notifications), through
the shared runner. The alert store is local state: run one alert process per store."""

from __future__ import annotations

import threading

from kafka.consumer.fetcher import ConsumerRecord
from newswatch.sinks.alerts.notify import ConsoleNotifier
from newswatch.sinks.alerts.sink import AlertSink
from newswatch.sinks.alerts.store import AlertStoreError
from newswatch.sinks.metrics.content import observe

from newswatch.contracts import TaggedArticle
from newswatch.kafka.runner import BatchRunner, Output, RetryLater, Transform
from newswatch.settings import Settings

__all__ = ["alert_transform", "build_alert_runner", "run_alert"]


def alert_transform(sink: AlertSink, alerts_topic: str) -> Transform:
    def transform(record: ConsumerRecord) -> list[Output]:
        if record.value is None:
            raise ValueError("empty record value (tombstone) on the tagged topic")
        tagged = TaggedArticle.model_validate_json(record.value)
        try:
            alerts = sink.handle(tagged)
        except AlertStoreError as exc:
            raise RetryLater(f"alert store unavailable: {exc}") from exc
        observe(tagged)
        return [Output(alerts_topic, alert.dedup_key.encode(), alert.model_dump_json().encode())
                for alert in alerts]

    return transform


def build_alert_runner(settings: Settings, stop: threading.Event, *,
                       json_lines: bool = False, sink: AlertSink | None = None) -> BatchRunner:
    if sink is None:
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        sink = AlertSink(settings.rules_file, settings.state_dir / "alerts.sqlite3",
                         notifiers=[ConsoleNotifier(fmt="json" if json_lines else "text")])
    return BatchRunner.from_settings(
        settings, "alert", settings.groups.alert, settings.topics.tagged,
        alert_transform(sink, settings.topics.alerts), stop,
    )


def run_alert(settings: Settings, stop: threading.Event, *, json_lines: bool = False) -> int:
    return build_alert_runner(settings, stop, json_lines=json_lines).run()
