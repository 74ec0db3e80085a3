"""The console's list filters from query parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from newswatch.sinks.console.views import BadQuery, query_from_params, safe_url
from starlette.datastructures import QueryParams

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def q(text: str):  # type: ignore[no-untyped-def]
    return query_from_params(QueryParams(text), NOW)


def test_defaults_are_open_alerts_newest_200() -> None:
    query = q("")
    assert query.states == ("new", "updated", "acknowledged") and query.limit == 200
    assert q("state=all").states == ()


def test_lists_repeat_or_comma_and_codes_are_upper_cased() -> None:
    query = q("severity=high,critical&rule=a&rule=b&country=pk&admin1=pk-kp&actor=ttp"
              "&event_type=attack&since=2h&limit=5000")
    assert query.severities == ("high", "critical") and query.rules == ("a", "b")
    assert query.countries == ("PK",) and query.admin1 == ("PK-KP",)
    assert query.actors == ("ttp",) and query.event_types == ("attack",)
    assert query.since == NOW - timedelta(hours=2) and query.limit == 1000


@pytest.mark.parametrize(("text", "message"), [
    ("state=open", "state 'open'"), ("severity=urgent", "severity 'urgent'"),
    ("since=yesterday", "since 'yesterday'"), ("limit=lots", "limit must be a number")])
def test_bad_filters_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BadQuery, match=message):
        q(text)


def test_only_http_links() -> None:
    assert safe_url("https://a.example/x") == "https://a.example/x"
    assert safe_url("javascript:alert(1)") is None and safe_url(None) is None
    assert safe_url("data:text/html,x") is None
