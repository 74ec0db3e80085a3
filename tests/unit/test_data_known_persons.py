"""known_persons.yaml is checked when it loads: a wrong entry names the file and line."""

import pytest
from newswatch.processors.tagging import known_persons
from newswatch.processors.tagging.vocabulary import VocabularyError


def test_the_list_loads_and_answers():
    assert known_persons.known_short("Trump")
    assert not known_persons.known_short("Khan")  # common surnames are not short forms
    assert known_persons.known_full_name("Elbridge Colby")
    assert known_persons.known_country(["Recep Tayyip Erdogan"]) == "TR"
    assert known_persons.known_country(["Jonas Gahr Støre"]) == "NO"


@pytest.mark.parametrize("entry, problem", [
    ("{name: Ann Example, country: Narnia}", "ISO 3166-1"),
    ("{name: Ann Example, short: [ann], country: GB}", "one capitalised word"),
    ("{name: Example, country: GB}", "two words or more"),
    ("{name: Ann Example, role: mayor, country: GB}", "fields"),
])
def test_a_wrong_entry_names_file_and_line(tmp_path, monkeypatch, entry, problem):
    path = tmp_path / "known_persons.yaml"
    path.write_text(f"# header\npersons:\n  - {{name: Bo Good, country: SE}}\n  - {entry}\n",
                    encoding="utf-8")
    monkeypatch.setattr(known_persons, "PATH", path)
    known_persons._lexicon.cache_clear()
    try:
        with pytest.raises(VocabularyError, match=rf"known_persons.yaml:4: .*{problem}"):
            known_persons._lexicon()
    finally:
        known_persons._lexicon.cache_clear()
