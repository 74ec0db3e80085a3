"""How much of an article's text the pipeline reads, and where to cut it.

Why: a feed may carry megabytes in one description (a 2.76 MB one was seen); no reader needs
that much of an article, and every stage after ingest pays for each character. Ingest cuts
the text it publishes; the tagger reads at most as much of a record from any other producer
(the record keeps all of it).
"""

from __future__ import annotations

__all__ = ["MAX_TEXT_CHARS", "cut_point"]

# a long feature runs to about 30,000 characters
MAX_TEXT_CHARS = 100_000
_WORD_SLACK = 1_000  # how far back from the limit a cut looks for whitespace


def cut_point(text: str, limit: int) -> int:
    """Where to cut ``text`` to at most ``limit`` characters: the last whitespace of its final
    1,000 when there is one (no half word), else the limit; ``len(text)`` when it fits."""
    if len(text) <= limit:
        return len(text)
    lo = max(0, limit - _WORD_SLACK)
    for i in range(limit, lo, -1):  # text[limit] may itself be the space that ends a word
        if text[i].isspace():
            return i
    return limit
