"""The terminal's view of alerts (``newswatch up`` and ``newswatch alert``): one line per
article that raised or escalated alerts, naming every rule it matched, with the time, the
story's outlets, the country and the evidence. ``--json``: the alerts as JSON lines instead,
exactly as on ``news.alerts``. Silenced alerts and plain updates print nothing, as they page
nobody."""

from __future__ import annotations

from typing import TextIO

from newswatch.sinks.alerts.rules import severity_rank
from newswatch.sinks.alerts.sink import ArticleOutcome

from newswatch.contracts import Alert

__all__ = ["ConsolePrinter", "format_outcome"]

_EVIDENCE_CHARS = 80


def _evidence(alerts: list[Alert]) -> str:
    seen: list[str] = []
    for alert in alerts:
        for span in alert.evidence:
            text = " ".join(span.text.split())
            if text and text.lower() not in (s.lower() for s in seen):
                seen.append(text)
    joined = ", ".join(f"“{t}”" for t in seen[:4])
    return joined if len(joined) <= _EVIDENCE_CHARS else joined[:_EVIDENCE_CHARS - 1] + "…"


def format_outcome(outcome: ArticleOutcome) -> str | None:
    """The article's line, or None when nothing in it calls for attention."""
    decisions = outcome.to_notify
    alerts = [d.alert for d in decisions if d.alert is not None]
    if not alerts:
        return None
    top = max(alerts, key=lambda a: severity_rank(a.severity))
    events = sorted({d.notify for d in decisions if d.notify and d.notify != "new"})
    rules = " + ".join(dict.fromkeys(a.rule_name for a in alerts))
    country = top.primary_country or (",".join(top.countries[:3]) or "-")
    title = " ".join(outcome.article.title.split()) or "(no title)"
    story = outcome.story.state.story
    sources = f"{story.source_count} source{'s' if story.source_count != 1 else ''}"
    first = story.first_seen_at.strftime("%d %b %H:%M UTC")
    when = top.updated_at.strftime("%H:%M:%S")
    tag = f" ({', '.join(events)})" if events else ""
    evidence = _evidence(alerts)
    return (f"{when} [{top.severity.upper()}] {rules}{tag} | {country} | {title} | {sources}, "
            f"first seen {first} | {outcome.article.url or '-'}"
            + (f" | evidence: {evidence}" if evidence else ""))


class ConsolePrinter:
    def __init__(self, stream: TextIO, *, json_lines: bool = False) -> None:
        self.stream = stream
        self.json_lines = json_lines

    def __call__(self, outcome: ArticleOutcome) -> None:
        if self.json_lines:
            lines = [d.alert.model_dump_json() for d in outcome.to_notify if d.alert is not None]
        else:
            line = format_outcome(outcome)
            lines = [line] if line else []
        for line in lines:
            try:
                self.stream.write(line + "\n")
                self.stream.flush()
            except (OSError, ValueError):
                return  # a closed terminal must not stop the role
