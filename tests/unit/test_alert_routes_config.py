"""Routes: configuration (URLs only by reference), filters, grouping and the retry schedule."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from newswatch.sinks.alerts.routes.config import (
    RetryPolicy,
    RouteConfig,
    route_wants,
    select_routes,
)
from newswatch.sinks.alerts.routes.secrets import RouteError, redact, resolve_url, secret_fragments
from newswatch.sinks.alerts.routes.testing import make_alert
from newswatch.sinks.alerts.rules import RulesError, parse_rules
from pydantic import ValidationError

SECRET_URL = "json://127.0.0.1:9/hooks/T0/B0/s3cr3t-t0ken"


def route(**fields) -> RouteConfig:
    return RouteConfig.model_validate({"name": "ops", "url_env": "OPS_URL", **fields})


# ---- configuration ------------------------------------------------------------------------------

def test_a_literal_url_is_refused_with_the_reason():
    with pytest.raises(RulesError) as info:
        parse_rules({"routes": [{"name": "ops", "url": SECRET_URL}]}, "rules.yaml", environ={})
    message = str(info.value)
    assert message.startswith("rules.yaml: route #1 'ops': (route): ")
    assert "a literal 'url' is not allowed in a rules file" in message
    assert "url_env" in message and "url_file" in message
    assert "s3cr3t" not in message


def test_a_route_needs_exactly_one_url_source(tmp_path):
    with pytest.raises(ValidationError, match="exactly one of 'url_env'"):
        RouteConfig(name="ops")
    with pytest.raises(ValidationError, match="exactly one of 'url_env'"):
        RouteConfig(name="ops", url_env="A", url_file=tmp_path / "url")


def test_missing_or_empty_variable_names_the_variable_not_a_value():
    with pytest.raises(RulesError, match="route 'ops': environment variable OPS_URL is not set"):
        parse_rules({"routes": [{"name": "ops", "url_env": "OPS_URL"}]},
                    environ={"OTHER": SECRET_URL})
    with pytest.raises(RouteError, match=r"route 'ops': \$OPS_URL is empty"):
        resolve_url(route(), {"OPS_URL": "  \n"})


def test_a_value_apprise_cannot_use_is_refused_without_showing_it():
    bad = "slackk://T0/B0/s3cr3t-t0ken"
    with pytest.raises(RulesError) as info:
        parse_rules({"routes": [{"name": "ops", "url_env": "OPS_URL"}]},
                    environ={"OPS_URL": bad})
    message = str(info.value)
    assert "$OPS_URL does not hold a URL apprise supports (scheme 'slackk')" in message
    assert "s3cr3t" not in message and "T0/B0" not in message


def test_url_from_a_secrets_file(tmp_path):
    secret = tmp_path / "slack-url"
    secret.write_text(SECRET_URL + "\n", encoding="utf-8")
    r = RouteConfig(name="ops", url_file=secret)
    assert resolve_url(r, {}) == SECRET_URL
    (parsed,) = parse_rules({"routes": [{"name": "ops", "url_file": str(secret)}]},
                            environ={}).routes
    assert parsed.url_file == secret
    secret.unlink()
    with pytest.raises(RouteError, match=f"cannot read secrets file {secret}: No such file"):
        resolve_url(r, {})


def test_defaults_and_durations():
    r = route(min_interval="2s", batch_window="30s", retry={"initial": "1s", "max": "1m"})
    assert r.min_interval == timedelta(seconds=2) and r.batch_window == timedelta(seconds=30)
    assert r.retry.max_attempts == 8 and r.retry.max == timedelta(minutes=1)
    assert route().min_interval == timedelta(seconds=1), "Slack's one message per second"
    assert route().format == "text" and route().batch_limit == 10


@pytest.mark.parametrize(("fields", "needle"), [
    ({"countries": ["XX"]}, "unknown ISO 3166 code(s) ['XX']"),
    ({"countries": ["Pakistan"]}, "unknown ISO 3166 code(s) ['PAKISTAN']"),
    ({"countries": ["PK-ZZ"]}, "unknown ISO 3166 code(s) ['PK-ZZ']"),
    ({"event_types": ["bombs"]}, "event_types.0"),
    ({"min_severity": "urgent"}, "min_severity"),
    ({"format": "html"}, "format"),
    ({"name": "ops team"}, "name"),
    ({"retry": {"initial": "10m", "max": "1m"}}, "retry.max must be at least retry.initial"),
    ({"colour": "red"}, "colour"),
])
def test_bad_route_fields_are_errors(fields, needle):
    with pytest.raises(ValidationError, match=re.escape(needle)):
        route(**fields)


# ---- filters and grouping -----------------------------------------------------------------------

def test_every_filter_must_hold_and_a_list_means_any():
    alert = make_alert(severity="high", rule_id="pk-attack", primary_country="PK",
                       countries=["PK", "AF"], admin1=["PK-KP"], actors=["ttp"],
                       event_types=["bombing"])
    assert route_wants(route(), alert)
    assert route_wants(route(min_severity="high"), alert)
    assert not route_wants(route(min_severity="critical"), alert)
    assert route_wants(route(rules=["other", "pk-attack"]), alert)
    assert not route_wants(route(rules="other"), alert)
    assert route_wants(route(countries=["af"]), alert)  # any tagged country
    assert route_wants(route(countries=["PK-KP"]), alert)  # admin1
    assert not route_wants(route(countries=["IN", "PK-BA"]), alert)
    assert route_wants(route(actors=["ttp"]), alert)
    assert not route_wants(route(actors=["bla"]), alert)
    assert route_wants(route(event_types="bombing"), alert)
    assert not route_wants(route(event_types=["airstrike"]), alert)
    assert not route_wants(route(min_severity="high", countries=["PK"], actors=["bla"]), alert)


def test_primary_country_counts_even_when_not_in_countries():
    alert = make_alert(primary_country="IR", countries=[], admin1=[])
    assert route_wants(route(countries=["IR"]), alert)


def test_one_article_makes_one_group_per_route_naming_the_rules_it_wants():
    attack = make_alert(id="a1", rule_id="pk-attack", severity="high")
    ttp = make_alert(id="a2", rule_id="ttp-mentions", severity="low", actors=["ttp"])
    routes = [route(name="everything"), route(name="pager", min_severity="high"),
              route(name="ttp-desk", actors=["ttp"]), route(name="india", countries=["IN"])]
    chosen = select_routes(routes, [attack, ttp])
    assert {name: [a.id for a in alerts] for name, alerts in chosen.items()} == {
        "everything": ["a1", "a2"], "pager": ["a1"], "ttp-desk": ["a2"]}


# ---- retry schedule -----------------------------------------------------------------------------

def test_backoff_doubles_up_to_the_cap_then_gives_up():
    policy = RetryPolicy(max_attempts=6, initial="2s", max="10s")
    delays = [policy.delay(n) for n in range(1, 7)]
    assert delays[:5] == [timedelta(seconds=s) for s in (2, 4, 8, 10, 10)]
    assert delays[5] is None  # the sixth failure was the last attempt allowed
    assert RetryPolicy(max_attempts=1).delay(1) is None
    assert RetryPolicy(max_attempts=100, max="1h").delay(99) == timedelta(hours=1)


# ---- redaction ----------------------------------------------------------------------------------

def test_redaction_hides_every_part_of_the_url_but_scheme_port_and_option_names():
    url = ("json://bot:pa55word@hooks.example.org:8443/services/T0AAA/s3cr3t%2Ft0ken"
           "?+Authorization=Bearer%20abc123&:message=text")
    fragments = secret_fragments(url)
    text = ("POST https://hooks.example.org:8443/services/T0AAA/s3cr3t%2Ft0ken failed; "
            "s3cr3t/t0ken bot pa55word 'Bearer abc123': Internal Server Error error=500, "
            "message text")
    redacted = redact(text, fragments)
    for part in ("hooks.example.org", "T0AAA", "s3cr3t", "t0ken", "pa55word", "abc123"):
        assert part not in redacted
    assert ":8443" in redacted and "Internal Server Error error=500, message text" in redacted


# ---- the shipped examples -----------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[2]


def commented_routes(path: Path) -> list[dict]:
    """The ``# routes:`` example block of a rules file, uncommented."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("# routes:")
    block = []
    for line in lines[start:]:
        if not line.startswith("#"):
            break
        block.append(line[2:])
    return yaml.safe_load("\n".join(block))["routes"]


@pytest.mark.parametrize("path", [REPO / "sinks" / "alerts" / "rules.yaml",
                                  REPO / "deploy" / "k8s" / "config" / "rules.yaml"],
                         ids=["demo", "k8s"])
def test_commented_route_examples_are_valid_once_their_secrets_exist(path, tmp_path):
    routes = commented_routes(path)
    environ = {}
    for raw in routes:
        if "url_env" in raw:
            environ[raw["url_env"]] = "json://127.0.0.1:9/hook"
        else:  # point the example at a secrets file that exists here
            secret = tmp_path / Path(raw["url_file"]).name
            secret.write_text("ntfys://tok@ntfy.example.org/oncall\n", encoding="utf-8")
            raw["url_file"] = str(secret)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    parsed = parse_rules({**data, "routes": routes}, str(path), environ=environ).routes
    assert [r.name for r in parsed] == [raw["name"] for raw in routes] and len(parsed) >= 2


def test_a_url_urllib_cannot_split_is_still_hidden():
    fragments = secret_fragments("json://[fe80::1/hook/s3cr3t")
    assert "s3cr3t" not in redact("POST /hook/s3cr3t failed", fragments)
