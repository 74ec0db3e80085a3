"""The shipped demo: demo feeds -> ingest parser -> tagger -> shipped rules.

Keeps the out-of-the-box experience honest: security news from the watch area raises some
alerts, unrelated news (business, technology, European and American politics, sport, culture)
raises none, and the share of alerting items stays in a range an operator would tolerate.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from newswatch.ingest.parse import parse_feed
from newswatch.processors.tagging import Tagger
from newswatch.sinks.alerts.engine import MemoryHistory, evaluate
from newswatch.sinks.alerts.rules import load_rules

from newswatch.contracts import RawArticle

ROOT = Path(__file__).resolve().parents[2]
FEEDS = ROOT / "ingest" / "demo" / "feeds"
RULES = ROOT / "sinks" / "alerts" / "rules.yaml"
UNRELATED_FEEDS = {"world-business-tech", "europe-americas-evening"}
NOW = datetime(2026, 11, 27, tzinfo=UTC)


def demo_articles() -> list[RawArticle]:
    articles = []
    for path in sorted(FEEDS.glob("*.xml")):
        parsed = parse_feed(path.read_bytes(), feed_id=path.stem,
                            feed_url=f"http://127.0.0.1/{path.name}", fetched_at=NOW)
        assert parsed.error is None and not parsed.warnings, (path.name, parsed.warnings)
        articles.extend(parsed.articles)
    return articles


def test_demo_feeds_parse_cleanly():
    articles = demo_articles()
    assert len(articles) >= 60
    assert len({a.id for a in articles}) == len(articles)
    per_feed = Counter(a.feed_id for a in articles)
    assert len(per_feed) >= 5
    for a in articles:
        assert a.url and a.url.startswith("https://demo.newswatch.example/")
        assert a.published_at and a.published_at_source == "feed"
        assert a.published_at.year == 2026 and a.published_at.month == 11
        assert 500 <= len(a.text) <= 2000, (a.title, len(a.text))
        assert "&mdash;" not in a.text and "&#" not in a.title and "<p>" not in a.text


@pytest.fixture(scope="module")
def alerts_by_article():
    tagger = Tagger()
    rules = load_rules(RULES)
    history = MemoryHistory()
    fired: dict[str, tuple[RawArticle, list[str]]] = {}
    for raw in demo_articles():
        tagged = tagger.tag(raw)
        decisions = evaluate(rules, tagged, NOW, history)
        history.apply(decisions)
        fired[raw.id] = (raw, sorted({d.rule.id for d in decisions}))
    return fired


def test_unrelated_news_never_alerts(alerts_by_article):
    noisy = [(raw.feed_id, raw.title, rules) for raw, rules in alerts_by_article.values()
             if raw.feed_id in UNRELATED_FEEDS and rules]
    assert noisy == []


def test_a_sensible_share_of_demo_items_alerts(alerts_by_article):
    alerting = sum(1 for _, rules in alerts_by_article.values() if rules)
    share = alerting / len(alerts_by_article)
    assert 0.15 <= share <= 0.40, f"{alerting}/{len(alerts_by_article)} items alert"


def test_core_security_stories_alert(alerts_by_article):
    by_title = {raw.title: rules for raw, rules in alerts_by_article.values()}

    def rules_for(prefix: str) -> list[str]:
        (rules,) = [r for title, r in by_title.items() if title.startswith(prefix)]
        return rules

    assert "pk-militant-attack" in rules_for("Suicide bomber strikes police convoy in Bannu")
    assert "ttp-mentions" in rules_for("Suicide bomber strikes police convoy in Bannu")
    assert "airstrike-south-asia-middle-east" in rules_for("Taliban say Pakistani airstrikes")
    assert "kidnapping-watch-area" in rules_for("Gunmen kidnap businessman's son in Jalalabad")
    assert "south-asia-natural-disaster" in rules_for("Earthquake flattens villages")
    assert "houthi-shipping" in rules_for("Houthis fire anti-ship missile")
    assert rules_for("Multan Test") == []
