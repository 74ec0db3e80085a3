"""The data files' vocabularies against the contract's: event types (``events.yaml``) and
actor types (``actors.yaml``, ``bodies.yaml``) must be values ``TaggedArticle`` accepts.

Why: a type the contract's ``Literal`` rejects (an event type added to ``events.yaml``
alone, a typo in an actor's type) would make the processor publish records its own contract
refuses, which the alert role then dead-letters one by one. Loading the gazetteer checks
every value and names the file and line of the first wrong one.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import yaml

from newswatch import yaml_files
from newswatch.contracts.tagged import ActorType, EventType

__all__ = ["ACTOR_TYPES", "EVENT_TYPES", "VocabularyError", "check", "line_of"]

EVENT_TYPES = frozenset(get_args(EventType))
ACTOR_TYPES = frozenset(get_args(ActorType))


class VocabularyError(ValueError):
    """A data file uses a value the contract rejects; the message names file and line."""


def check(path: Path, text: str, value: object, allowed: frozenset[str], what: str,
          where: tuple[str | int, ...]) -> None:
    """Raise ``VocabularyError`` unless ``value`` is in ``allowed``. ``where``: the keys
    and indexes leading to the value in the YAML document, to find its line (only looked
    up when the value is wrong)."""
    if value in allowed:
        return
    raise VocabularyError(
        f"{path.name}:{line_of(text, where)}: {what} {value!r} is not in the contract "
        f"(newswatch/contracts/tagged.py): one of {', '.join(sorted(allowed))}")


def line_of(text: str, where: tuple[str | int, ...]) -> int | str:
    """The 1-based line of the node at ``where`` in the YAML ``text``, or '?'."""
    node = yaml_files.compose(text)
    for step in where:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(step)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step] if step < len(node.value) else None
        else:
            node = None
        if node is None:
            return "?"
    return node.start_mark.line + 1 if node is not None else "?"  # (an empty document)
