"""A pydantic model's copy with some fields replaced, made directly.

``model.model_copy(update=...)`` makes a shallow copy of the fields, marks the updated ones
set and validates nothing; on the way it copies the extra and private attributes, through
``copy.copy`` calls, which costs as much again as the copy itself. The alert role copies an
alert for every version it makes (six or so per article) and a kept article once per
article, so it makes those copies here: the same object, for models with no extra or
private attributes (any other is copied by ``model_copy``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["updated_copy"]

_M = TypeVar("_M", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def updated_copy(model: _M, update: dict[str, Any]) -> _M:
    """What ``model.model_copy(update=update)`` returns."""
    if (model.__pydantic_extra__ is not None
            or getattr(model, "__pydantic_private__", None) is not None):
        return model.model_copy(update=update)
    made = _new(type(model))
    _set(made, "__dict__", {**model.__dict__, **update})
    _set(made, "__pydantic_fields_set__", model.__pydantic_fields_set__ | update.keys())
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made
