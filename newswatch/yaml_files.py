"""YAML for the files people edit (feeds, rules, watchlists, settings, the tagger's data):
PyYAML's safe loader, except that a key given twice in one mapping is an error, and so is a
document nested too deeply to read.

Why: plain ``yaml.safe_load`` keeps the last of two equal keys and drops the first without a
word, so a second ``never:`` list pasted below the first, or two feeds under one name,
silently loses what the first held. And PyYAML reads nesting by recursion: a file of a few
thousand ``[`` (a bad paste, or a hostile edit of a hot-reloaded file) raised
``RecursionError``, which no caller expected, so ``rules check`` printed a traceback and a
reload could take the role down. Both errors are ``yaml.YAMLError`` (a ``ConstructorError``
with the line of the repeated key; ``TooDeep``), so callers that already turn bad YAML into a
readable message report these cases the same way.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["TooDeep", "compose", "load"]


class TooDeep(yaml.YAMLError):
    """The document nests collections deeper than PyYAML's recursion can read."""

    problem = "collections nested too deeply to read"
    problem_mark = None

    def __str__(self) -> str:
        return self.problem


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a repeated key in a mapping."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.get(key)
        except TypeError:  # an unhashable key: the base constructor reports it
            break
        if first is not None:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                f"found key {key!r} a second time (first at line {first.start_mark.line + 1})",
                key_node.start_mark)
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load(text: str | bytes) -> Any:
    """The document in ``text``; raises ``yaml.YAMLError`` on bad YAML, a repeated key or
    nesting too deep to read."""
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except RecursionError:
        raise TooDeep() from None


def compose(text: str | bytes) -> yaml.Node | None:
    """The node tree of ``text`` (for the line numbers of its parts); the same errors as
    ``load`` but for repeated keys, which only ``load`` finds."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise TooDeep() from None
