"""YAML for the files people edit (feeds, rules, watchlists, the tagger's data): PyYAML's safe
loader, except that a key given twice in one mapping is an error.

Why: plain ``yaml.safe_load`` keeps the last of two equal keys and drops the first without a
word, so a second ``never:`` list pasted below the first, or two feeds under one name,
silently loses what the first held. The error is a ``yaml.YAMLError`` (a ``ConstructorError``
with the line of the repeated key), so callers that already turn bad YAML into a readable
message report this case the same way.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["load"]


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
    """The document in ``text``; raises ``yaml.YAMLError`` on bad YAML or a repeated key."""
    return yaml.load(text, Loader=_StrictLoader)
