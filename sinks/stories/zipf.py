"""English word frequency on the Zipf scale, from wordfreq, fast for plain words.

``wordfreq.zipf_frequency`` tokenises its input with large Unicode-aware regular expressions
before it looks the word up: about 80 µs for a word it has not seen, and the story stage
asks for five forms of every new word of every article (``evidence.weight``). A plain
lower-case ASCII word is its own single token, so its value is read straight from wordfreq's
frequency table: the Zipf value is log10 of the frequency per billion words, to two decimals
(the table is quantised to hundredths). Every other input (names with spaces, digits,
accents, other scripts) goes through ``zipf_frequency`` itself.
``tests/unit/test_stories_zipf.py`` checks that both ways agree on every plain word of
the table.
"""

from __future__ import annotations

import functools
import math

from wordfreq import get_frequency_dict, zipf_frequency

__all__ = ["load", "zipf_en"]


@functools.cache
def _table() -> dict[str, float]:
    return get_frequency_dict("en", "best")


def load() -> None:
    """Read the table now (about 0.1 s), so that the first article does not wait for it."""
    _table()


def zipf_en(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en")``; 0.0 for a word the table lacks."""
    if word.isascii() and word.isalpha() and word.islower():
        freq = _table().get(word)
        return 0.0 if freq is None else round(math.log10(freq) + 9, 2)
    return zipf_frequency(word, "en")
