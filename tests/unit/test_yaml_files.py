"""The strict YAML loader: a repeated key is an error, and so is nesting too deep to read;
everything else loads as safe_load."""

import pytest
import yaml

from newswatch import yaml_files


def test_loads_what_safe_load_loads():
    text = "a: 1\nb: [x, y]\nc: {d: null}\nitems:\n  - {k: 1}\n  - {k: 2}\n"
    assert yaml_files.load(text) == yaml.safe_load(text)


def test_a_repeated_key_names_both_lines():
    text = "never: [March]\nlocative: [Nice]\nnever: [May]\n"
    with pytest.raises(yaml.YAMLError, match=r"found key 'never' a second time \(first at line 1\)") as info:
        yaml_files.load(text)
    assert info.value.problem_mark.line + 1 == 3


def test_a_repeated_key_in_a_nested_mapping_is_found():
    with pytest.raises(yaml.YAMLError, match="'url' a second time"):
        yaml_files.load("feeds:\n  - id: a\n    url: https://a/\n    url: https://b/\n")


def test_the_same_key_in_two_list_items_is_fine():
    assert yaml_files.load("- {id: a}\n- {id: a}\n") == [{"id": "a"}, {"id": "a"}]


def test_python_tags_are_refused_as_by_safe_load():
    with pytest.raises(yaml.YAMLError):
        yaml_files.load("!!python/object/apply:os.system ['true']")


@pytest.mark.parametrize("text", ["[" * 3000, "a: " + "{b: " * 3000, "- " * 3000 + "x"])
def test_nesting_too_deep_to_read_is_a_yaml_error(text: str) -> None:
    # PyYAML recurses per level: these raised RecursionError, which no caller expected
    with pytest.raises(yaml.YAMLError, match="nested too deeply"):
        yaml_files.load(text)
    with pytest.raises(yaml.YAMLError, match="nested too deeply"):
        yaml_files.compose(text)


def test_deep_but_readable_nesting_still_loads() -> None:
    assert yaml_files.load("[" * 50 + "]" * 50) == eval("[" * 50 + "]" * 50)
