"""Console notifications: the line an operator reads, and the JSON-lines mode."""

import io
from datetime import UTC, datetime

from newswatch.sinks.alerts.notify import ConsoleNotifier, format_line

from newswatch.contracts import Alert

T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


def an_alert(**kw) -> Alert:
    values = {"id": "a1", "rule_id": "pk-attack", "rule_name": "Militant attack in Pakistan",
              "severity": "high", "story_id": "s1", "article_id": "art-1",
              "latest_article_id": "art-1",
              "title": "Blast hits\n market in Peshawar", "url": "https://x.example/1",
              "primary_country": "PK", "countries": ["PK", "AF"], "raised_at": T0,
              "first_seen_at": T0, "last_seen_at": T0, "updated_at": T0}
    values.update(kw)
    return Alert(**values)


def test_line_has_severity_rule_country_title_url():
    assert format_line(an_alert()) == (
        "[HIGH] Militant attack in Pakistan | PK | Blast hits market in Peshawar"
        " | https://x.example/1")


def test_line_marks_escalation_and_occurrences_and_missing_fields():
    line = format_line(an_alert(severity="critical", article_count=3, url=None,
                                primary_country=None), "escalated")
    assert line.startswith("[CRITICAL] ")
    assert "| PK,AF |" in line
    assert line.endswith("| - (escalated, 3 articles)")


def test_console_text_and_json_modes():
    out = io.StringIO()
    ConsoleNotifier(out).notify(an_alert(), "new")
    ConsoleNotifier(out, fmt="json").notify(an_alert(), "escalated")
    text_line, json_line = out.getvalue().splitlines()
    assert text_line.startswith("[HIGH] Militant attack")
    assert Alert.model_validate_json(json_line) == an_alert()
