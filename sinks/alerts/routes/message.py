"""The message a route sends: a title and a body naming every alert of every notification in it.

One notification is the alerts one article triggered (several rules, one page); when several
notifications of a route queue up they are combined into one message, so a busy hour reads as
one digest instead of a flood. Three body formats: ``text`` (plain), ``markdown`` (apprise
converts it to what the service shows, e.g. Teams, Discord, Slack via ``slack://``) and
``slack`` (Slack mrkdwn, sent as is: for Slack-compatible incoming webhooks reached through
``json://``, where the title is folded into the body because only ``text`` is kept).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import get_args

from newswatch.sinks.alerts.outbox import Notification, NotifyEvent
from newswatch.sinks.alerts.routes.config import MessageFormat

from newswatch.contracts import Alert, AlertSeverity

__all__ = ["Message", "format_message"]

_SEVERITIES: tuple[str, ...] = get_args(AlertSeverity)
_EVENT_WORDS: dict[str, str] = {"new": "New", "escalated": "Escalated", "burst": "Burst",
                                "reopened": "Reopened"}


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str
    severity: AlertSeverity  # the highest among the alerts named
    format: MessageFormat


def _highest(alerts: Sequence[Alert]) -> AlertSeverity:
    return max((a.severity for a in alerts), key=_SEVERITIES.index)


# An "@" before a word in a message is a mention to some services: apprise's Discord plugin
# reads "@everyone", "@here" and "@<digits>" in a markdown body and allows those pings, and
# Mattermost notifies a channel on "@channel". Titles and links come from feeds, so a feed
# item titled "... @everyone" paged a whole server. A zero-width space after the "@" (in
# text) or %40 (in a link) leaves what people read unchanged and mentions nobody.
_MENTION = re.compile(r"@(?=\w)")


def _one_line(text: str) -> str:
    """A feed's title as one line, mentioning nobody."""
    return _MENTION.sub("@\u200b", " ".join(text.split())) or "(no title)"


def _link(url: str) -> str:
    return url.replace("@", "%40")


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn treats these three as control characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _markdown_escape(text: str) -> str:
    # "<" and ">" too: markdown passes raw HTML through, and apprise renders a markdown body
    # as HTML for e-mail, so a feed title holding "<a href=...>" or "<img ...>" became markup
    for char in "\\`*_[]<>":
        text = text.replace(char, "\\" + char)
    return text


def _place(alert: Alert) -> str:
    country = alert.primary_country or ",".join(alert.countries[:3])
    admin = ",".join(alert.admin1[:3])
    if country and admin:
        return f"{country} ({admin})"
    return country or admin or "no country"


def _facts(alert: Alert) -> str:
    sources = f"{alert.source_count} source{'s' if alert.source_count != 1 else ''}"
    first = alert.first_seen_at.astimezone(UTC).strftime("%d %b %H:%M UTC")
    return f"{sources}, first seen {first} · {alert.state} · {_place(alert)}"


def _alert_lines(alert: Alert, fmt: MessageFormat) -> list[str]:
    severity, rule, title = alert.severity.upper(), alert.rule_name, _one_line(alert.title)
    if fmt == "slack":
        story = (f"<{_link(alert.url)}|{_slack_escape(title)}>" if alert.url
                 else _slack_escape(title))
        return [f"• *{severity}* {_slack_escape(rule)} (`{alert.rule_id}`)",
                f"   {story}", f"   {_facts(alert)}"]
    if fmt == "markdown":
        story = (f"[{_markdown_escape(title)}]({_link(alert.url)})" if alert.url
                 else _markdown_escape(title))
        return [f"- **{severity}** {_markdown_escape(rule)} (`{alert.rule_id}`)",
                f"  {story}", f"  {_facts(alert)}"]
    lines = [f"- {severity} {rule} ({alert.rule_id})", f"  {title}", f"  {_facts(alert)}"]
    if alert.url:
        lines.append(f"  {_link(alert.url)}")
    return lines


def _heading(event: NotifyEvent, alerts: Sequence[Alert]) -> str:
    rules = len(alerts)
    word = _EVENT_WORDS[event]
    return f"{word} · {_highest(alerts).upper()} · {rules} rule{'s' if rules != 1 else ''}"


def _title(notifications: Sequence[Notification]) -> str:
    alerts = [a for n in notifications for a in n.alerts]
    highest = _highest(alerts).upper()
    if len(notifications) == 1:
        (n,) = notifications
        lead = n.alerts[0]
        more = f" (+{len(n.alerts) - 1} more rule{'s' if len(n.alerts) > 2 else ''})" \
            if len(n.alerts) > 1 else ""
        return (f"[{highest}] {_EVENT_WORDS[n.event]}: {lead.rule_name}{more} — "
                f"{_one_line(lead.title)}")
    events = Counter(n.event for n in notifications)
    counts = ", ".join(f"{count} {event}" for event, count in events.items())
    return f"[{highest}] {len(notifications)} alert notifications ({counts})"


def format_message(notifications: Sequence[Notification], fmt: MessageFormat) -> Message:
    """One message for one route naming every alert of ``notifications`` (at least one)."""
    if not notifications:
        raise ValueError("a message needs at least one notification")
    title = _title(notifications)
    blocks = []
    for n in notifications:
        heading = _heading(n.event, n.alerts)
        if fmt == "slack":
            heading = f"*{heading}*"
        elif fmt == "markdown":
            heading = f"**{heading}**"
        lines = [heading]
        for alert in n.alerts:
            lines.extend(_alert_lines(alert, fmt))
        blocks.append("\n".join(lines))
    body = "\n\n".join(blocks)
    if fmt == "slack":
        body = f"*{_slack_escape(title)}*\n\n{body}"
    severity = _highest([a for n in notifications for a in n.alerts])
    return Message(title=title, body=body, severity=severity, format=fmt)
