"""Route messages: one page per article naming every rule, digests of several, three formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from newswatch.sinks.alerts.outbox import Notification
from newswatch.sinks.alerts.routes.message import format_message
from newswatch.sinks.alerts.routes.testing import make_alert

NOW = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def notification(event="new", *alerts, id=1) -> Notification:
    return Notification(id=id, route="ops", group_key=f"g{id}", event=event,
                        alerts=tuple(alerts or [make_alert()]), created_at=NOW)


ATTACK = make_alert(id="a1", severity="high", source_count=12, state="updated",
                    title="Blast hits\n market in Peshawar")
TTP = make_alert(id="a2", rule_id="ttp-mentions", rule_name="Mentions of TTP", severity="low",
                 url=None, actors=["ttp"])


def test_one_article_two_rules_is_one_message_naming_both():
    m = format_message([notification("new", ATTACK, TTP)], "text")
    assert m.title == ("[HIGH] New: Militant attack in Pakistan (+1 more rule) — "
                       "Blast hits market in Peshawar")
    assert m.severity == "high"
    lines = m.body.splitlines()
    assert lines[0] == "New · HIGH · 2 rules"
    assert "- HIGH Militant attack in Pakistan (pk-attack)" in lines
    assert "- LOW Mentions of TTP (ttp-mentions)" in lines
    assert "  12 sources, first seen 03 Nov 09:14 UTC · updated · PK (PK-KP)" in lines
    assert "  1 source, first seen 03 Nov 09:14 UTC · new · PK (PK-KP)" in lines
    assert "  https://news.example/peshawar-blast" in lines
    assert m.body.count("https://") == 1  # the TTP alert has no link


def test_first_seen_is_shown_in_utc_whatever_the_alerts_offset():
    karachi = timezone(timedelta(hours=5))
    alert = make_alert(first_seen_at=datetime(2026, 11, 3, 14, 14, tzinfo=karachi))
    assert "first seen 03 Nov 09:14 UTC" in format_message([notification("new", alert)],
                                                           "text").body


@pytest.mark.parametrize(("event", "word"), [("new", "New"), ("escalated", "Escalated"),
                                             ("burst", "Burst"), ("reopened", "Reopened")])
def test_the_event_word_leads_title_and_group(event, word):
    m = format_message([notification(event, ATTACK)], "text")
    assert m.title.startswith(f"[HIGH] {word}: ")
    assert m.body.startswith(f"{word} · HIGH · 1 rule\n")


def test_queued_notifications_become_one_digest():
    critical = make_alert(id="a3", severity="critical", primary_country="AF",
                          countries=["AF"], admin1=[])
    m = format_message([notification("new", ATTACK, TTP, id=1),
                        notification("escalated", critical, id=2)], "text")
    assert m.title == "[CRITICAL] 2 alert notifications (1 new, 1 escalated)"
    assert m.severity == "critical"
    first, second = m.body.split("\n\n")
    assert first.startswith("New · HIGH · 2 rules") and "ttp-mentions" in first
    assert second.startswith("Escalated · CRITICAL · 1 rule") and "· AF" in second


def test_markdown_links_and_escapes():
    alert = make_alert(title="Strike on *depot* [updated]")
    body = format_message([notification("new", alert)], "markdown").body
    assert "**New · HIGH · 1 rule**" in body
    assert "- **HIGH** Militant attack in Pakistan (`pk-attack`)" in body
    assert (r"[Strike on \*depot\* \[updated\]](https://news.example/peshawar-blast)"
            in body)


def test_slack_format_folds_the_title_into_escaped_mrkdwn():
    alert = make_alert(title="Airstrike <near> Kabul & more")
    m = format_message([notification("new", alert)], "slack")
    assert m.body.splitlines()[0] == ("*[HIGH] New: Militant attack in Pakistan — "
                                      "Airstrike &lt;near&gt; Kabul &amp; more*")
    assert "<https://news.example/peshawar-blast|Airstrike &lt;near&gt; Kabul &amp; more>" \
        in m.body
    assert "<near>" not in m.body


def test_country_falls_back_to_countries_then_says_none():
    no_primary = make_alert(primary_country=None, countries=["PK", "AF"], admin1=[])
    nowhere = make_alert(primary_country=None, countries=[], admin1=[])
    assert "· PK,AF" in format_message([notification("new", no_primary)], "text").body
    assert "· no country" in format_message([notification("new", nowhere)], "text").body


def test_an_empty_batch_is_a_programming_error():
    with pytest.raises(ValueError, match="at least one notification"):
        format_message([], "text")


@pytest.mark.parametrize("fmt", ["text", "markdown", "slack"])
def test_a_feed_title_or_link_mentions_nobody(fmt):
    # apprise's Discord plugin allows the pings it reads in a markdown body ("@everyone",
    # "@here", "@<digits>"), and Mattermost notifies on "@channel": a feed item titled so
    # paged everyone the route reaches
    import re

    alert = make_alert(title="Protest called @everyone @here, says @12345 on @channel",
                       url="https://social.example/@everyone/status/1")
    m = format_message([notification("new", alert)], fmt)
    for text in (m.title, m.body):
        assert not re.search(r"@\w", text), text
    assert "Protest called @\u200beveryone @\u200bhere" in m.body  # read as before
    assert "https://social.example/%40everyone/status/1" in m.body


def test_markup_in_a_feed_title_stays_text_in_an_html_rendering_of_markdown():
    # apprise renders a markdown body as HTML for e-mail; raw HTML passed through it
    from apprise import NotifyFormat
    from apprise.conversion import convert_between

    alert = make_alert(title="Read <a href='https://evil.example'>this</a> <img src=x>")
    body = format_message([notification("new", alert)], "markdown").body
    html = convert_between(NotifyFormat.MARKDOWN, NotifyFormat.HTML, body)
    assert "<img" not in html and "evil.example'>" not in html
    assert "&lt;img src=x&gt;" in html  # shown as the text it was
