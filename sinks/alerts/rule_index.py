"""Which rules can an article match at all? An index over the rules' tag conditions.

With a hundred rules, looking at every one for every article was most of the rule stage's
time, though an article matches a handful. Each rule is filed under the values of one tag
condition it cannot match without: its ``all`` block's tag condition with the fewest values,
or, when its ``any`` block holds tag conditions only, every value they list. An article's own
tag values then name its candidate rules, in the rules file's order. A rule with neither is a
candidate for every article. ``ArticleFacts.may_match`` and ``match_rule`` still decide.

Pure, and built once per rule set (``RuleIndex.of`` keeps the last one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newswatch.sinks.alerts.matching import ArticleFacts
from newswatch.sinks.alerts.rules import Rule, RuleSet

__all__ = ["RuleIndex"]

Key = tuple[str, str]


def _keys(rule: Rule) -> list[Key] | None:
    """The keys a rule is filed under; None: a candidate for every article."""
    need = rule.match.all
    if need.tag_values:
        name, wanted = min(need.tag_values, key=lambda gate: len(getattr(need, gate[0])))
        return [(name, v) for v in sorted(wanted)]
    one_of = rule.match.any
    if one_of.tags_only:
        return [(name, v) for name, wanted in one_of.tag_values for v in sorted(wanted)]
    return None


def article_keys(facts: ArticleFacts) -> list[Key]:
    keys: list[Key] = []
    for name, have in (("countries", facts.countries), ("primary_countries", facts.primary),
                       ("admin1", facts.admin1), ("macro_regions", facts.macro_regions),
                       ("actors", facts.actors), ("actor_types", facts.actor_types),
                       ("event_types", facts.event_types)):
        keys += [(name, v) for v in have]
    return keys


class RuleIndex:
    """``candidates(facts)``: the rules, in order, that the article's tags do not rule out."""

    __slots__ = ("_always", "_by_key", "rules")
    _last: tuple[Any, RuleIndex] | None = None

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._always: list[int] = []
        self._by_key: dict[Key, list[int]] = {}
        for position, rule in enumerate(self.rules):
            keys = _keys(rule)
            if keys is None:
                self._always.append(position)
            for key in dict.fromkeys(keys or ()):
                self._by_key.setdefault(key, []).append(position)

    @classmethod
    def of(cls, ruleset: RuleSet) -> RuleIndex:
        """The index of the rule set's enabled rules, rebuilt only when ``ruleset`` (replaced
        whole on every reload) is not the one of the last call."""
        last = cls._last
        if last is not None and last[0] is ruleset:
            return last[1]
        index = cls(ruleset.enabled)
        cls._last = (ruleset, index)
        return index

    def candidates(self, facts: ArticleFacts) -> list[Rule]:
        positions = set(self._always)
        by_key = self._by_key
        for key in article_keys(facts):
            found = by_key.get(key)
            if found is not None:
                positions.update(found)
        return [self.rules[p] for p in sorted(positions)]
