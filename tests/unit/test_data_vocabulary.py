"""The data files' vocabularies agree with the contract (issue 14): every event type in
events.yaml and actor type in actors.yaml and bodies.yaml is a value TaggedArticle accepts,
and the gazetteer refuses to load a file that breaks this, naming file and line."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import get_args

import pytest
from newswatch.processors.tagging.gazetteer import DATA_DIR, Gazetteer
from newswatch.processors.tagging.vocabulary import VocabularyError

from newswatch import yaml_files
from newswatch.contracts.tagged import ActorType, EventType


def _data(name: str) -> dict:
    return yaml_files.load((DATA_DIR / name).read_text(encoding="utf-8"))


def test_every_event_type_of_the_data_is_one_the_contract_accepts():
    used = set(_data("events.yaml")["events"])
    assert used and used <= set(get_args(EventType)), used - set(get_args(EventType))


@pytest.mark.parametrize(("name", "key"), [("actors.yaml", "actors"), ("bodies.yaml", "bodies")])
def test_every_actor_type_of_the_data_is_one_the_contract_accepts(name, key):
    used = {row["type"] for row in _data(name)[key]}
    assert used and used <= set(get_args(ActorType)), used - set(get_args(ActorType))


def _data_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    text = (copy / name).read_text(encoding="utf-8")
    assert text.count(old) >= 1
    (copy / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(("name", "old", "new", "message"), [
    ("events.yaml", "  kidnapping: {", "  abduction: {", "event type 'abduction'"),
    ("actors.yaml", "type: armed_group", "type: militia", "actor type 'militia'"),
    ("bodies.yaml", "type: military", "type: army", "actor type 'army'"),
])
def test_loading_a_type_the_contract_rejects_is_an_error_naming_file_and_line(
        tmp_path, name, old, new, message):
    data = _data_copy(tmp_path, name, old, new)
    line = _line_of(data / name, new)
    with pytest.raises(VocabularyError) as caught:
        Gazetteer.build(data)
    assert str(caught.value).startswith(f"{name}:{line}: {message} is not in the contract")


def test_the_types_that_count_on_one_cue_are_named_in_the_data():
    strong = {etype for etype, spec in _data("events.yaml")["events"].items()
              if spec.get("strong")}
    assert strong and strong < set(_data("events.yaml")["events"])
    assert Gazetteer.build().strong_events == strong


def test_a_strong_flag_that_is_not_true_or_false_is_an_error_naming_file_and_line(tmp_path):
    data = _data_copy(tmp_path, "events.yaml", "kidnapping: {severity: 0.55, strong: true,",
                      "kidnapping: {severity: 0.55, strong: yes please,")
    line = _line_of(data / "events.yaml", "strong: yes please")
    with pytest.raises(VocabularyError) as caught:
        Gazetteer.build(data)
    assert str(caught.value).startswith(f"events.yaml:{line}: strong must be true or false")
