"""Evidence: the text span that produced a tag, so an operator can see *why*."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    """A half-open character range ``[start, end)`` of one field of the article.

    ``field`` names the article field the offsets index into (``title`` or ``text``),
    so ``article.<field>[start:end] == text`` always holds.
    """

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    field: Literal["title", "text"] = "text"
