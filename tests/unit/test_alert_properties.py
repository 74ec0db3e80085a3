"""Property-based tests (hypothesis) of the alert side's pure core: YAML reading, rules
validation and ``rules check``, silence matchers, the story stage and rule evaluation.

Whatever the input, each raises nothing but its documented errors, and evaluation keeps its
invariants: the decisions name exactly the enabled rules that match (the rule index and the
quick pre-checks, which skip most rules, never skip a matching one), silences found through
the silence index are the ones that plainly cover the alert, versions go up by one, severity
never goes down, and a re-delivered article changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from newswatch.sinks.alerts.engine import MemoryLookup, alert_id, evaluate, event_time
from newswatch.sinks.alerts.matching import match_rule
from newswatch.sinks.alerts.rules import Rule, RulesError, RuleSet, parse_rules, severity_rank
from newswatch.sinks.alerts.rules_check import problems
from newswatch.sinks.alerts.silences import (
    MATCHER_FIELDS,
    Matcher,
    SilenceIndex,
    covering,
    new_silence,
    parse_matcher,
)
from newswatch.sinks.alerts.testing import tagged_article
from newswatch.sinks.stories.assign import assign
from newswatch.sinks.stories.config import StoryConfig
from newswatch.sinks.stories.index import MemoryStoryIndex

from newswatch import yaml_files
from newswatch.contracts import TaggedArticle

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PROPERTY = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ---- YAML and rules files --------------------------------------------------------------------

# the characters YAML gives meaning to, words a rules file uses, and line breaks: text of
# this alphabet reaches far more of the parser than arbitrary Unicode does
_YAML_TOKENS = st.sampled_from([
    "rules:", "routes:", "notifications:", "- ", "id: ", "name: ", "severity: ", "match: ",
    "all: ", "any: ", "none: ", "countries: ", "event_types: ", "actors: ", "escalate: ",
    "to: ", "min_articles: ", "max_age: ", "title_regex: ", "high", "PK", "Sudan", "XX",
    "attack", "ttp", "72h", "-1h", "0", "1.5", "null", "~", "true", "[", "]", "{", "}", ",",
    ":", "? ", "&a ", "*a", "!!python/object:os.system ", "'", '"', "#", "|", ">", "\t",
    "\n", "\n  ", "\n    ", " ", "((", "\\", "\x00", "é",
])
yaml_text = st.one_of(st.text(max_size=200),
                      st.lists(_YAML_TOKENS, max_size=60).map("".join))


@PROPERTY
@given(yaml_text)
@example("[" * 3000)  # found by this suite: RecursionError out of PyYAML
@example("rules: " + "{a: " * 3000)
@example("a: 1\na: 2\n")
def test_yaml_files_raise_only_yaml_errors(text: str) -> None:
    try:
        yaml_files.load(text)
    except yaml.YAMLError as exc:
        assert str(exc)  # a message to show
    try:
        yaml_files.compose(text)
    except yaml.YAMLError as exc:
        assert str(exc)


@PROPERTY
@given(yaml_text)
@example("rules: " + "[" * 3000)  # found by this suite: `rules check` printed a traceback
@example("rules:\n  - {id: a, name: A, severity: high, match: {all: {countries: [Sudan]}}}\n")
def test_rules_check_reports_every_text_as_lines_and_never_raises(text: str) -> None:
    found = problems(Path("rules.yaml"), text=text)
    assert isinstance(found, list)
    for line in found:
        assert isinstance(line, str) and line.startswith("rules.yaml")
        assert "Traceback" not in line
    if not found:  # a file with no problem is one the role can load
        parse_rules(yaml_files.load(text), "rules.yaml", environ={})


# any JSON-like value: what a YAML document can hold
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                  max_size=4),
    max_leaves=20)


def _rule_like(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.sampled_from(["id", "name", "severity", "match", "enabled", "min_confidence",
                            "max_age", "quiet_period", "escalate", "description", "extra"])
    return st.dictionaries(keys, values, max_size=8)


rules_data = st.one_of(
    json_like,
    st.builds(lambda rules: {"rules": rules}, st.lists(_rule_like(json_like), max_size=3)),
    st.builds(lambda rules, routes: {"rules": rules, "routes": routes},
              st.lists(_rule_like(json_like), max_size=2), json_like),
)


@PROPERTY
@given(rules_data)
def test_parse_rules_raises_only_rules_error(data: Any) -> None:
    try:
        ruleset = parse_rules(data, "rules.yaml", environ={})
    except RulesError as exc:
        assert str(exc).startswith("rules.yaml")
        return
    assert isinstance(ruleset, RuleSet)
    assert len({r.id for r in ruleset.rules}) == len(ruleset.rules)


@PROPERTY
@given(st.one_of(st.text(max_size=40),
                 st.builds(lambda f, op, v: f + op + v,
                           st.sampled_from([*MATCHER_FIELDS, "Country", "event-type", "x", ""]),
                           st.sampled_from(["=", "!=", "==", "=!", ""]), st.text(max_size=12))))
def test_parse_matcher_raises_only_value_error(text: str) -> None:
    try:
        matcher = parse_matcher(text)
    except ValueError as exc:  # pydantic's ValidationError is one too
        assert str(exc)
        return
    assert isinstance(matcher, Matcher) and matcher.value.strip() == matcher.value
    assert parse_matcher(str(matcher)) == matcher  # the form it prints reads back


# ---- evaluation --------------------------------------------------------------------------

COUNTRIES = ["PK", "AF", "IN", "IR", "SY", "UA"]
EVENTS = ["attack", "bombing", "airstrike", "protest", "kidnapping", "election"]
ACTORS = [("ttp", "Tehrik-i-Taliban Pakistan", "armed_group"),
          ("PK-GOV", "Government of Pakistan", "government"),
          ("hamas", "Hamas", "armed_group"),
          ("un", "United Nations", "igo")]
WORDS = ["gunmen", "attack", "checkpoint", "Quetta", "police", "killed", "protest", "rally",
         "Kabul", "strike", "drone", "election", "vote", "minister", "three", "seven"]
SEVERITIES = ["info", "low", "medium", "high", "critical"]


def _subset(values: list[Any], min_size: int = 0) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.sampled_from(values), min_size=min_size, max_size=3, unique=True)


_CONDITIONS: dict[str, st.SearchStrategy[Any]] = {
    "countries": _subset(COUNTRIES, 1),
    "primary_countries": _subset(COUNTRIES, 1),
    "event_types": _subset(EVENTS, 1),
    "actors": _subset([a[0] for a in ACTORS] + ["Hamas"], 1),
    "actor_types": _subset(["armed_group", "government", "igo"], 1),
    "macro_regions": _subset(["Southern Asia", "Western Asia", "Eastern Europe"], 1),
    "keywords": _subset(WORDS, 1),
    "min_severity": st.sampled_from([0.0, 0.3, 0.5]),  # few values: boundaries get hit
    "title_regex": st.sampled_from([r"\d+ killed", r"(?i)quetta", r"^Gunmen"]),
}
# one or two conditions a block, as desks write them: with many, a rule would hardly ever
# match, and the index's choice of key for a rule would hardly ever matter
conditions = st.lists(st.sampled_from(sorted(_CONDITIONS)), min_size=1, max_size=2,
                      unique=True).flatmap(
    lambda names: st.fixed_dictionaries({n: _CONDITIONS[n] for n in names}))


def _rule(i: int, parts: dict[str, Any]) -> Rule | None:
    try:
        return Rule.model_validate({"id": f"r{i}", "name": f"rule {i}", **parts})
    except ValueError:
        return None  # e.g. neither `all` nor `any`: parse_rules refuses such a rule


rule_parts = st.fixed_dictionaries({
    "severity": st.sampled_from(SEVERITIES),
    "match": st.fixed_dictionaries({}, optional={"all": conditions, "any": conditions,
                                                 "none": conditions}),
}, optional={
    "enabled": st.booleans(),
    "min_confidence": st.sampled_from([0.0, 0.3, 0.6]),
    "max_age": st.sampled_from(["1h", "72h", "30d"]),
    "escalate": st.lists(st.fixed_dictionaries(
        {"to": st.sampled_from(SEVERITIES), "min_articles": st.integers(2, 4)},
        optional={"min_article_severity": st.floats(0, 1), "min_sources": st.integers(2, 4)}),
        max_size=2),
})
# the rules are built in the test, not in a strategy: validating a title_regex compiles it
# with the regex package, whose full cache evicts entries with the random module (which
# hypothesis warns of inside strategies)
rule_lists = st.lists(rule_parts, min_size=1, max_size=8)


@st.composite
def articles(draw: st.DrawFn, n: int) -> TaggedArticle:
    title = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8)))
    text = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=25)))
    countries = draw(_subset(COUNTRIES))
    # hours from NOW (some in the future), or any time at all (a producer other than the
    # poller may publish year 1 or 9999)
    dated = draw(st.one_of(st.none(), st.floats(-24 * 40, 2), st.datetimes(
        min_value=datetime(1, 1, 1), timezones=st.just(UTC))))
    return tagged_article(
        title, text, id=f"a{n}", url=f"https://news.example/{n}",
        countries=[(c, w) for c, w in zip(countries, draw(st.lists(
            st.sampled_from(WORDS), min_size=len(countries), max_size=len(countries))),
            strict=True)],
        events=[(e, draw(st.sampled_from(WORDS))) for e in draw(_subset(EVENTS))],
        actors=draw(_subset(ACTORS)),
        macro_regions=draw(_subset(["Southern Asia", "Western Asia"])),
        severity=draw(st.sampled_from([0.0, 0.3, 0.4, 0.6, 1.0])), confidence=draw(st.sampled_from([0.2, 0.5, 0.9, 1.0])),
        published_at=(dated if dated is None or isinstance(dated, datetime)
                      else NOW + timedelta(hours=dated)),
        feed_id=draw(st.sampled_from(["outlet-a", "outlet-b", "outlet-c"])))


silence_lists = st.lists(st.builds(
    lambda field, value, negate, hours: new_silence(
        [Matcher(field=field, value=value, negate=negate)], created_by="ops",
        now=NOW - timedelta(hours=1), duration=timedelta(hours=hours)),
    st.sampled_from(["rule", "country", "actor", "event_type", "severity"]),
    st.sampled_from(["r0", "r1", "PK", "AF", "ttp", "attack", "high", "low"]),
    st.booleans(), st.sampled_from([0.5, 2, 48])), max_size=4)


@PROPERTY
@given(rule_lists, st.lists(st.integers(0, 10_000), min_size=1, max_size=6, unique=True),
       silence_lists, st.data())
def test_evaluation_decides_for_exactly_the_matching_rules_and_keeps_its_invariants(
        parts: list[dict[str, Any]], numbers: list[int], silences: list[Any],
        data: st.DataObject) -> None:
    ruleset = RuleSet(tuple(r for i, p in enumerate(parts) if (r := _rule(i, p))))
    batch = [data.draw(articles(n)) for n in numbers]
    index, lookup, config = MemoryStoryIndex(), MemoryLookup(), StoryConfig()
    in_force = SilenceIndex(silences)
    stale: set[tuple[str, str]] = set()  # (article, rule) found too old the first time
    for tagged in batch:
        change = assign(tagged, index, NOW, config)
        story = change.state.story
        decisions = evaluate(ruleset, tagged, story, NOW, lookup, in_force)
        matching = {r.id for r in ruleset.enabled if match_rule(r, tagged) is not None}
        assert [d.rule.id for d in decisions] == [
            r.id for r in ruleset.enabled if r.id in matching]  # the file's order, no rule lost
        for d in decisions:
            event(f"decision: {d.kind}{' (silenced)' if d.alert and d.alert.silenced_by else ''}")
            assert d.kind in ("new", "update", "stale")  # no article is seen twice here
            if d.kind == "stale":
                assert d.alert is None and d.previous is None
                assert NOW - event_time(tagged, NOW) > d.rule.max_age
                stale.add((tagged.id, d.rule.id))
                continue
            alert = d.alert
            assert alert is not None
            assert alert.id == alert_id(d.rule.id, story.id) and alert.story_id == story.id
            assert alert.silenced_by == sorted(set(covering(silences, alert, NOW)))
            if alert.silenced_by:
                assert d.notify is None
            if d.kind == "new":
                assert d.previous is None and alert.version == 1 and alert.article_count == 1
                assert d.notify == (None if alert.silenced_by else "new")
            else:
                assert d.previous is not None and alert.id == d.previous.id
                assert alert.version == d.previous.version + 1
                assert alert.article_count == d.previous.article_count + 1
                assert severity_rank(alert.severity) >= severity_rank(d.previous.severity)
                assert alert.first_seen_at <= alert.last_seen_at
        lookup.apply(decisions)
    # at-least-once delivery: every article again changes no story, and no alert but one
    # that a later article opened on its story (a too old article folds into an open alert)
    for tagged in batch:
        again = assign(tagged, index, NOW, config)
        assert again.outcome == "already"
        decisions = evaluate(ruleset, tagged, again.state.story, NOW, lookup, in_force)
        for d in decisions:
            if (tagged.id, d.rule.id) in stale:
                assert d.kind in ("stale", "update")
            else:
                assert d.kind == "duplicate"
                assert d.alert is not None and lookup.alerts[d.alert.id] == d.alert
