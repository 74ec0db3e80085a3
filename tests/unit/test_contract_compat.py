"""The compatibility check of the published schemas: which model changes break consumers, that
every published version is still what its readers expect, and that `newswatch schemas` will
not overwrite a published version with a breaking change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel

from newswatch.contracts import RawArticle, published
from newswatch.contracts.compat import breaking_changes
from newswatch.topics import Topics, topic_configs


class Span(BaseModel):
    start: int
    text: str


class V1(BaseModel):
    schema_version: Literal[1] = 1
    id: str
    title: str = ""
    kind: Literal["a", "b"] = "a"
    score: int = 0
    maybe: str | None = None
    spans: list[Span] = []


def schema(model: type[BaseModel]) -> dict:
    return model.model_json_schema(mode="serialization")


def changes(model: type[BaseModel]) -> list[str]:
    return breaking_changes(schema(V1), schema(model))


def test_compatible_changes_pass() -> None:
    class Added(V1):
        extra: str = ""

    class Narrowed(V1):
        maybe: str = ""  # type: ignore[assignment]
        kind: Literal["a"] = "a"  # type: ignore[assignment]

    assert changes(V1) == []
    assert changes(Added) == []
    assert changes(Narrowed) == []


@pytest.mark.parametrize(("field", "annotation", "default", "says"), [
    ("title", str | None, None, "$.title: may now be null"),
    ("score", float, 0.0, "$.score: may now be number"),
    ("kind", Literal["a", "b", "c"], "a", "$.kind: new values ['c']"),
    ("kind", str, "a", "$.kind: was one of ['a', 'b'], now any string"),
    ("id", str | None, None, "$.id: may now be null"),
])
def test_widened_types_break_readers(field: str, annotation: object, default: object,
                                     says: str) -> None:
    changed = type("Changed", (V1,), {"__annotations__": {field: annotation}, field: default})
    found = changes(changed)
    assert any(line.startswith(says) for line in found), found


def test_removed_and_no_longer_required_fields_break_readers() -> None:
    class Removed(BaseModel):
        schema_version: Literal[1] = 1
        id: str = ""
        kind: Literal["a", "b"] = "a"
        score: int = 0
        maybe: str | None = None
        spans: list[Span] = []

    assert sorted(changes(Removed)) == ["$.id: no longer required (may be absent)",
                                        "$.title: removed"]


def test_nested_models_are_compared_through_their_refs() -> None:
    class Span2(BaseModel):
        start: str

    class Nested(V1):
        spans: list[Span2] = []  # type: ignore[assignment]

    assert sorted(changes(Nested)) == [
        "$.spans[].start: may now be string, which readers of the old schema never saw",
        "$.spans[].text: removed"]


def test_every_published_version_still_serves_its_readers() -> None:
    broken = published.breaking()
    assert not broken, f"bump schema_version of: {broken}"


def test_write_refuses_to_overwrite_a_version_with_a_breaking_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    published.write(tmp_path)
    before = (tmp_path / "RawArticle.v1.json").read_text()

    class RawArticleNarrowed(RawArticle):
        title: str | None = None  # type: ignore[assignment]

    RawArticleNarrowed.__name__ = "RawArticle"
    monkeypatch.setitem(published.MODELS, "articles.raw", (RawArticleNarrowed, "article id"))
    with pytest.raises(published.BreakingChange, match=r"RawArticle.v1.json: \$.title: may now"):
        published.write(tmp_path)
    assert (tmp_path / "RawArticle.v1.json").read_text() == before


def test_schemas_carry_id_and_dialect_and_validate_real_records() -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="pip install '.[deploy-lint]'")
    for model, _key in published.MODELS.values():
        name = f"{model.__name__}.v{model.model_fields['schema_version'].default}.json"
        doc = json.loads((published.SCHEMA_DIR / name).read_text())
        assert doc["$schema"] == published.JSON_SCHEMA_DIALECT
        assert doc["$id"] == published.SCHEMA_BASE_URI + name
        jsonschema.Draft202012Validator.check_schema(doc)
    raw = json.loads(RawArticle(id="a1", title="Quetta").model_dump_json())
    doc = json.loads((published.SCHEMA_DIR / "RawArticle.v1.json").read_text())
    jsonschema.Draft202012Validator(doc).validate(raw)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(doc).validate({**raw, "id": ""})


def test_asyncapi_describes_servers_keys_and_what_newswatch_sends() -> None:
    doc = json.loads((published.SCHEMA_DIR / "asyncapi.json").read_text())
    assert {server["protocol"] for server in doc["servers"].values()} == {"kafka"}
    topics = Topics()
    for suffix, (model, key) in published.MODELS.items():
        channel_id = suffix.replace(".", "_")
        channel = doc["channels"][channel_id]
        assert channel["address"] == topics.prefix + suffix
        binding = channel["bindings"]["kafka"]["topicConfiguration"]
        assert binding["cleanup.policy"] == [topic_configs(suffix)["cleanup.policy"]]
        message = doc["components"]["messages"][model.__name__]
        assert "headers" not in message, "the key is the record key, not a header"
        assert message["bindings"]["kafka"]["key"] == {"type": "string", "description": key}
        send = doc["operations"][f"send_{channel_id}"]
        assert send["action"] == "send" and send["channel"]["$ref"] == f"#/channels/{channel_id}"
    receives = {op["channel"]["$ref"] for op in doc["operations"].values()
                if op["action"] == "receive"}
    assert receives == {"#/channels/articles_raw", "#/channels/articles_tagged"}
