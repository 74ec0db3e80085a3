"""Issue 2's acceptance path on real parts: a feed served over local HTTP, polled into a real
broker, tagged, and turned into an alert record on the alerts topic."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from newswatch.contracts import Alert, RawArticle, Story, TaggedArticle
from newswatch.demo_server import serve_directory
from newswatch.kafka.clients import ensure_topics
from newswatch.settings import Settings
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.integration

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test desk</title><link>http://example.test/</link>
<description>test</description>
<item><title>Suicide bombing kills nine soldiers in North Waziristan</title>
<link>http://example.test/2026/11/waziristan-bombing?utm_source=rss</link>
<guid>waziristan-bombing</guid><pubDate>{published}</pubDate>
<description>A suicide bomber rammed an explosives-laden vehicle into a Pakistani army convoy in
North Waziristan on Thursday, killing nine soldiers, the military said. The banned
Tehreek-i-Taliban Pakistan (TTP) claimed the attack.</description></item>
<item><title>Local bakery wins national bread award</title>
<link>http://example.test/2026/11/bread</link><guid>bread</guid>
<pubDate>{published}</pubDate>
<description>A family bakery was named the best in the country at an annual competition
for sourdough loaves on Thursday.</description></item>
</channel></rss>
"""


def test_feed_over_http_reaches_the_alerts_topic(make_settings: Callable[..., Settings],
                                                 tmp_path: Path) -> None:
    from newswatch.ingest.poller import run_poll
    from newswatch.ingest.registry import FeedConfig, feeds_to_yaml
    from newswatch.processors.role import build_process_runner
    from newswatch.sinks.alerts.role import build_alert_runner

    (tmp_path / "www").mkdir()
    # published an hour ago: fresh news, within the rules' max_age
    published = format_datetime(datetime.now(UTC) - timedelta(hours=1))
    (tmp_path / "www" / "desk.xml").write_text(FEED.format(published=published),
                                               encoding="utf-8")
    settings = make_settings()
    ensure_topics(settings)
    stop = threading.Event()
    runners = [build_process_runner(settings, stop), build_alert_runner(settings, stop).runner]
    threads = [threading.Thread(target=r.run) for r in runners]
    for thread in threads:
        thread.start()
    try:
        with serve_directory(tmp_path / "www") as base:
            feeds = tmp_path / "feeds.yaml"
            feeds.write_text(feeds_to_yaml([FeedConfig(id="desk", url=base + "desk.xml")]))
            assert run_poll(settings, once=True, feeds_file=feeds, stop=threading.Event()) == 0
        raw = read_topic(settings, settings.topics.raw, expect=2)
        tagged = read_topic(settings, settings.topics.tagged, expect=2)
        alerts = read_topic(settings, settings.topics.alerts, expect=1, timeout_s=40)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    articles = {RawArticle.model_validate_json(r.value).title: r for r in raw}
    assert len(articles) == 2
    bombing = articles["Suicide bombing kills nine soldiers in North Waziristan"]
    assert bombing.key.decode() == RawArticle.model_validate_json(bombing.value).id
    tagged_bombing = next(TaggedArticle.model_validate_json(r.value) for r in tagged
                          if r.key == bombing.key)
    assert tagged_bombing.regions.primary_country == "PK"
    assert {"PK-KP"} <= {a.code for a in tagged_bombing.regions.admin1}
    assert {"bombing"} <= {e.type for e in tagged_bombing.event_types}

    assert alerts, "no alert reached the alerts topic"
    raised = [Alert.model_validate_json(r.value) for r in alerts]
    assert {a.article_id for a in raised} == {bombing.key.decode()}
    assert all(r.key.decode() == a.id for r, a in zip(alerts, raised, strict=True))
    # every consuming role reports its lag per partition, and has caught up
    from prometheus_client import REGISTRY

    for role, group, topic in (("process", settings.groups.process, settings.topics.raw),
                               ("alert", settings.groups.alert, settings.topics.tagged)):
        lags = [REGISTRY.get_sample_value("newswatch_consumer_lag", {
            "role": role, "group": group, "topic": topic, "partition": str(p)})
            for p in range(settings.partitions)]
        assert any(lag is not None for lag in lags), (role, lags)
        assert all(lag in (None, 0.0) for lag in lags), (role, lags)
    stories = read_topic(settings, settings.topics.stories, expect=2)
    assert {Story.model_validate_json(r.value).lead_article_id for r in stories} == {
        r.key.decode() for r in raw}
    assert any(a.severity in ("high", "critical") and "PK" in a.countries for a in raised)
