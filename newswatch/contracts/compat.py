"""Does a new JSON Schema of a topic's model break the consumers of the old one?

Consumers read what newswatch writes, so the question is whether every record valid under the
*new* schema is still one an old reader understands. Breaking, for readers:

- a property removed (pydantic writes every field, so readers count on each being there);
- a property that was required and no longer is;
- a value that may now be of a kind the old schema did not allow (``string`` -> ``string |
  null``, ``integer`` -> ``number``, a new enum or const value, an enum widened to any string);
- a new property where the old object allowed none (``additionalProperties: false``).

Not breaking: new properties, narrower types, fewer enum values, changed titles and
descriptions. A breaking change needs a new ``schema_version`` (a new schema file beside the
old one); ``newswatch schemas`` refuses to overwrite a published version with one.
"""

from __future__ import annotations

from typing import Any

__all__ = ["breaking_changes"]

Schema = dict[str, Any]


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """What in ``new`` breaks readers of ``old``, one line each (``path: what``)."""
    found: list[str] = []
    _compare(old, old.get("$defs", {}), new, new.get("$defs", {}), "$", found, set())
    return found


def _resolve(node: Schema, defs: Schema) -> Schema:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _alternatives(node: Schema, defs: Schema) -> list[Schema]:
    """The schema as a list of single-kind alternatives (anyOf/oneOf and type lists flattened)."""
    node = _resolve(node, defs)
    for combinator in ("anyOf", "oneOf"):
        if combinator in node:
            return [alt for sub in node[combinator] for alt in _alternatives(sub, defs)]
    if isinstance(node.get("type"), list):
        return [{**node, "type": kind} for kind in node["type"]]
    return [node]


def _kind(node: Schema) -> str:
    if "const" in node or "enum" in node:
        values = node.get("enum", [node.get("const")])
        return node.get("type") or _json_type(values[0])
    return node.get("type", "any")


def _json_type(value: object) -> str:
    for kind, types in (("null", type(None)), ("boolean", bool), ("integer", int),
                        ("number", float), ("string", str), ("array", list)):
        if isinstance(value, types):
            return kind
    return "object"


def _values(node: Schema) -> set[Any] | None:
    """The values an enum/const allows; None for 'any value of its kind'."""
    if "enum" in node:
        return {_hashable(v) for v in node["enum"]}
    if "const" in node:
        return {_hashable(node["const"])}
    return None


def _hashable(value: object) -> object:
    return repr(value) if isinstance(value, dict | list) else value


def _covers(old_kind: str, new_kind: str) -> bool:
    return old_kind in (new_kind, "any") or (old_kind == "number" and new_kind == "integer")


def _compare(old: Schema, old_defs: Schema, new: Schema, new_defs: Schema, path: str,
             found: list[str], seen: set[tuple[int, int]]) -> None:
    if (id(old), id(new)) in seen:  # recursive models
        return
    seen.add((id(old), id(new)))
    old_alts = _alternatives(old, old_defs)
    for alt in _alternatives(new, new_defs):
        kind = _kind(alt)
        matches = [o for o in old_alts if _covers(_kind(o), kind)]
        if not matches:
            found.append(f"{path}: may now be {kind}, which readers of the old schema never saw")
            continue
        new_values = _values(alt)
        if any(_values(o) is None for o in matches):
            best = next(o for o in matches if _values(o) is None)
        else:
            allowed = set().union(*(_values(o) or set() for o in matches))
            if new_values is None:
                found.append(f"{path}: was one of {sorted(map(str, allowed))}, now any {kind}")
                continue
            extra = new_values - allowed
            if extra:
                found.append(f"{path}: new values {sorted(map(str, extra))}")
            continue
        if kind == "object":
            _compare_objects(_resolve(best, old_defs), old_defs, alt, new_defs, path, found, seen)
        elif kind == "array" and "items" in alt:
            old_items = _resolve(best, old_defs).get("items", {})
            _compare(old_items, old_defs, alt["items"], new_defs, f"{path}[]", found, seen)


def _compare_objects(old: Schema, old_defs: Schema, new: Schema, new_defs: Schema, path: str,
                     found: list[str], seen: set[tuple[int, int]]) -> None:
    old_props: Schema = old.get("properties", {})
    new_props: Schema = new.get("properties", {})
    for name in old_props.keys() - new_props.keys():
        found.append(f"{path}.{name}: removed")
    for name in set(old.get("required", [])) - set(new.get("required", [])):
        if name in new_props:
            found.append(f"{path}.{name}: no longer required (may be absent)")
    if old.get("additionalProperties") is False:
        for name in new_props.keys() - old_props.keys():
            found.append(f"{path}.{name}: added where the old schema allowed no other property")
    for name in old_props.keys() & new_props.keys():
        _compare(old_props[name], old_defs, new_props[name], new_defs, f"{path}.{name}", found,
                 seen)
    old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
    if isinstance(old_extra, dict) and isinstance(new_extra, dict):
        _compare(old_extra, old_defs, new_extra, new_defs, f"{path}.*", found, seen)
