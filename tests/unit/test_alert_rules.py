"""Rule files: parsing, defaults, and errors that name the rule and field."""

from datetime import timedelta
from pathlib import Path

import pytest
from newswatch.sinks.alerts.rules import RulesError, load_rules, parse_rules

SHIPPED_RULES = Path(__file__).resolve().parents[2] / "sinks" / "alerts" / "rules.yaml"


def rule(**overrides):
    base = {"id": "r1", "name": "Rule one", "severity": "high",
            "match": {"all": {"event_types": ["attack"]}}}
    base.update(overrides)
    return base


def test_minimal_rule_gets_defaults():
    rs = parse_rules({"rules": [rule()]})
    (r,) = rs.rules
    assert r.enabled and r.max_age == timedelta(hours=72)
    assert r.quiet_period == timedelta(hours=24)
    assert r.match.all.event_types == ["attack"] and r.match.any.set_names == ()
    assert rs.routes == ()


def test_scalars_become_lists_and_codes_upper_case():
    r = parse_rules({"rules": [rule(match={"all": {"countries": "pk", "event_types": "bombing"},
                                           "any": {"keywords": "TTP"}},
                                    max_age="6h", quiet_period="90m")]}).rules[0]
    assert r.match.all.countries == ["PK"]
    assert r.match.all.event_types == ["bombing"]
    assert r.match.any.keywords == ["TTP"]
    assert r.max_age == timedelta(hours=6)
    assert r.quiet_period == timedelta(minutes=90)


def test_disabled_rules_are_kept_but_not_enabled():
    rs = parse_rules({"rules": [rule(), rule(id="r2", enabled=False)]})
    assert [r.id for r in rs.rules] == ["r1", "r2"]
    assert [r.id for r in rs.enabled] == ["r1"]


@pytest.mark.parametrize(("bad", "needle"), [
    (rule(severity="urgent"), "'r1': field 'severity'"),
    (rule(match={"all": {"event_type": ["attack"]}}), "field 'match.all.event_type'"),
    (rule(match={"all": {"event_types": ["attak"]}}), "field 'match.all.event_types.0'"),
    (rule(match={"all": {"text_regex": "(unclosed"}}), "invalid regular expression"),
    (rule(max_age="soon"), "field 'max_age'"),
    (rule(quiet_period=0), "field 'quiet_period'"),
    (rule(dedup_by=["article"]), "field 'dedup_by'"),
    (rule(match={"none": {"event_types": ["sports"]}}), "at least one condition"),
    (rule(match={}), "at least one condition"),
    (rule(id="has space"), "field 'id'"),
    (rule(escalate=[{"to": "critical"}]), "min_article_severity, min_articles or min_sources"),
    (rule(match={"all": {"min_severity": 1.5}}), "field 'match.all.min_severity'"),
    (rule(surprise=1), "field 'surprise'"),
])
def test_bad_rule_error_names_rule_and_field(bad, needle):
    with pytest.raises(RulesError) as info:
        parse_rules({"rules": [rule(id="ok"), bad]}, "my-rules.yaml")
    message = str(info.value)
    assert message.startswith("my-rules.yaml: rule #2")
    assert needle in message


def test_duplicate_rule_ids_are_an_error():
    with pytest.raises(RulesError, match="rule #2 'r1': field 'id': duplicate"):
        parse_rules({"rules": [rule(), rule()]})


def test_bad_top_level_is_an_error():
    with pytest.raises(RulesError, match="unknown top-level"):
        parse_rules({"rule": []})
    with pytest.raises(RulesError, match="'rules' must be a list"):
        parse_rules({"rules": {"id": "x"}})
    with pytest.raises(RulesError, match="expected a mapping"):
        parse_rules(["x"])


def test_routes_section_is_validated_and_its_urls_checked():
    env = {"OPS_HOOK_URL": "json://127.0.0.1:9/hook"}
    rs = parse_rules({"rules": [rule()], "routes": [
        {"name": "ops", "url_env": "OPS_HOOK_URL", "min_severity": "high"}]}, environ=env)
    (route,) = rs.routes
    assert route.name == "ops" and route.min_severity == "high"
    with pytest.raises(RulesError, match=r"route #1 'ops': field 'min_severity'"):
        parse_rules({"routes": [{"name": "ops", "url_env": "OPS_HOOK_URL",
                                 "min_severity": "urgent"}]}, environ=env)
    with pytest.raises(RulesError, match="environment variable OPS_HOOK_URL is not set"):
        parse_rules({"routes": [{"name": "ops", "url_env": "OPS_HOOK_URL"}]}, environ={})
    with pytest.raises(RulesError, match=r"route #2 'ops': field 'name': duplicate"):
        parse_rules({"routes": [{"name": "ops", "url_env": "OPS_HOOK_URL"}] * 2}, environ=env)
    with pytest.raises(RulesError, match=r"field 'rules': no rule with id\(s\) \['r2'\]"):
        parse_rules({"rules": [rule()], "routes": [
            {"name": "ops", "url_env": "OPS_HOOK_URL", "rules": ["r1", "r2"]}]}, environ=env)


def test_the_old_notifications_section_points_to_routes():
    with pytest.raises(RulesError, match="'notifications:' was replaced by 'routes:'"):
        parse_rules({"rules": [rule()], "notifications": [{"type": "console"}]})


def test_load_rules_reports_yaml_errors_with_path(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid YAML") as info:
        load_rules(path)
    assert str(path) in str(info.value)
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "missing.yaml")


def test_shipped_demo_rules_are_valid():
    rs = load_rules(SHIPPED_RULES)
    ids = [r.id for r in rs.enabled]
    assert "pk-militant-attack" in ids and "ttp-mentions" in ids
    assert len(ids) >= 6
    assert all(r.match.all.set_names or r.match.any.set_names for r in rs.rules)


def test_load_rules_refuses_a_key_given_twice(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules: []\nroutes: []\nrules: []\n", encoding="utf-8")
    with pytest.raises(RulesError, match="'rules' a second time"):
        load_rules(path)
