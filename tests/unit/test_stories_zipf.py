"""The story stage's fast Zipf look-up agrees with wordfreq's own function."""

from __future__ import annotations

import random
import string

import pytest
from newswatch.sinks.stories.zipf import zipf_en
from wordfreq import get_frequency_dict, zipf_frequency


def test_every_plain_word_of_the_table_agrees() -> None:
    plain = [w for w in get_frequency_dict("en", "best")
             if w.isascii() and w.isalpha() and w.islower()]
    assert len(plain) > 100_000
    differ = [w for w in plain if zipf_en(w) != zipf_frequency(w, "en")]
    assert differ == []


def test_words_the_table_lacks_agree() -> None:
    rng = random.Random(5)
    made_up = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randrange(3, 14)))
               for _ in range(5_000)]
    assert any(zipf_en(w) == 0.0 for w in made_up)
    assert [zipf_en(w) for w in made_up] == [zipf_frequency(w, "en") for w in made_up]


@pytest.mark.parametrize("word", ["omar mateen", "Attack", "peña", "kyiv", "2016", "b52",
                                  "don't", "东京", "", "l:quetta"])
def test_other_inputs_go_through_wordfreq(word: str) -> None:
    assert zipf_en(word) == zipf_frequency(word, "en")
