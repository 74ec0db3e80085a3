"""The checked-in JSON Schemas and AsyncAPI document are what the models generate; a model
change that is not re-published (``newswatch schemas``) fails here."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from newswatch.contracts import (
    Alert,
    DeadLetter,
    RawArticle,
    Span,
    Story,
    TaggedArticle,
    published,
)
from newswatch.topics import Topics


def test_published_schemas_match_the_models() -> None:
    stale = published.drift()
    assert not stale, f"run `newswatch schemas` to re-publish: {stale}"


def test_drift_is_detected(tmp_path) -> None:
    published.write(tmp_path)
    assert published.drift(tmp_path) == []
    schema = tmp_path / "RawArticle.v1.json"
    schema.write_text(schema.read_text().replace('"title"', '"headline"'))
    assert published.drift(tmp_path) == ["RawArticle.v1.json"]


def test_asyncapi_lists_every_topic_with_its_schema() -> None:
    doc = json.loads((published.SCHEMA_DIR / "asyncapi.json").read_text())
    addresses = {channel["address"] for channel in doc["channels"].values()}
    assert addresses == set(Topics().all())
    for message in doc["components"]["messages"].values():
        assert (published.SCHEMA_DIR / message["payload"]["$ref"].removeprefix("./")).is_file()


def test_every_record_model_carries_schema_version() -> None:
    now = datetime.now(UTC)
    records = [
        RawArticle(id="a"), TaggedArticle(id="a"),
        Alert(id="x", rule_id="r", rule_name="R", severity="high", story_id="s",
              article_id="a", latest_article_id="a", title="t", first_seen_at=now,
              last_seen_at=now, raised_at=now, updated_at=now),
        Story(id="s", version=1, title="t", lead_article_id="a", first_seen_at=now,
              last_seen_at=now, updated_at=now, article_count=1, source_count=1,
              change="opened"),
        DeadLetter(role="process", error_type="ValueError", error="bad", source_topic="t",
                   partition=0, offset=1, value="{", failed_at=now),
    ]
    for record in records:
        version = json.loads(record.model_dump_json())["schema_version"]
        assert version == type(record).model_fields["schema_version"].default >= 1


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError):
        RawArticle(id="a", published_at=datetime(2026, 1, 1))


def test_span_and_tagged_round_trip() -> None:
    tagged = TaggedArticle.model_validate({
        "id": "a", "text": "Kabul said",
        "regions": {"countries": [{"code": "AF", "name": "Afghanistan",
                                   "evidence": [{"start": 0, "end": 5, "text": "Kabul"}]}],
                    "primary_country": "AF"},
    })
    again = TaggedArticle.model_validate_json(tagged.model_dump_json())
    assert again == tagged
    assert again.regions.countries[0].evidence[0] == Span(start=0, end=5, text="Kabul")
