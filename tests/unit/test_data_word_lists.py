"""The rules' word lists live in data/word_lists.yaml (issue 14) and are checked when they
load: a wrong entry stops the load with the file's name, the entry's line and its list."""

from __future__ import annotations

from pathlib import Path

import pytest
from newswatch.processors.tagging.vocabulary import VocabularyError
from newswatch.processors.tagging.word_lists import PATH, WORDS, WordListError, load


def test_the_shipped_lists_load_and_each_list_holds_words():
    lists = load()
    assert lists == WORDS
    assert all(words for words in lists.lists.values())
    assert lists.number_words["dozen"] == 12
    assert {kind for _heads, kind in lists.org_heads} >= {("police", "COP"), ("other", None)}


def test_the_prepositions_before_a_place_are_locative_words_too():
    assert WORDS.word_set("place_prepositions") <= WORDS.word_set("locative_words")


def _copy_with(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of the file with ``old`` replaced by ``new`` once; the line of the change."""
    text = PATH.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    changed = text.replace(old, new)
    path = tmp_path / PATH.name
    path.write_text(changed, encoding="utf-8")
    return path, changed[:changed.index(new)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("[in, at, near, from,", "[In, at, near, from,", "locative_words: 'In' is not in lower case"),
    ('"off"', "off", "locative_words: False is not text"),
    ("[mr, mrs,", "[mr, mr,", "honorifics_only: 'mr' is listed twice"),
    ("Tomorrow, This,", "tomorrow, This,", "not_owners: 'tomorrow' does not start with a capital"),
    ("  - type: union", "  - type: trade_union", "org_heads: actor type 'trade_union' is not"),
    ("seat_local:", "seat_locals:", "seat_locals: no rule reads a list of this name"),
    ("dozen: 12", "dozen: twelve", "number_words: 'twelve' is not a whole number above 0"),
])
def test_a_wrong_entry_is_an_error_naming_file_line_and_list(tmp_path, old, new, problem):
    path, line = _copy_with(tmp_path, old, new)
    with pytest.raises(WordListError) as caught:
        load(path)
    assert str(caught.value).startswith(f"word_lists.yaml:{line}: {problem}"), str(caught.value)
    assert isinstance(caught.value, VocabularyError)  # one kind of data error for callers


def test_a_missing_list_is_named(tmp_path):
    path, _line = _copy_with(tmp_path, "seat_local:\n", "# seat_local:\n")
    text = path.read_text(encoding="utf-8").replace(
        "\n  [mayor, governor, council, city, metro, subway, airport, residents, municipality,"
        " municipal]\n", "\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WordListError, match="lists missing: seat_local"):
        load(path)
