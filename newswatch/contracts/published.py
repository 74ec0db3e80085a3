"""The published description of the contracts: JSON Schemas generated from the models and an
AsyncAPI document of the topics. Both are checked in under ``newswatch/contracts/schemas/``;
``newswatch schemas --check`` (and a test) fails when the models drift from them, and
``newswatch schemas`` refuses to overwrite a published schema version with a change that breaks
its consumers (:mod:`newswatch.contracts.compat`): such a change needs a new ``schema_version``.

A topic added to :data:`MODELS` gets its schema, its AsyncAPI channel and the compatibility
check with no other change here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from newswatch import __version__
from newswatch.contracts.alert import Alert
from newswatch.contracts.compat import breaking_changes
from newswatch.contracts.dead_letter import DeadLetter
from newswatch.contracts.raw import RawArticle
from newswatch.contracts.story import Story
from newswatch.contracts.tagged import TaggedArticle
from newswatch.topics import Topics, topic_configs

__all__ = ["JSON_SCHEMA_DIALECT", "MODELS", "SCHEMA_BASE_URI", "SCHEMA_DIR", "BreakingChange",
           "breaking", "drift", "rendered_files", "write"]

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Where the checked-in schemas are published: the repository's files, so each $id resolves.
SCHEMA_BASE_URI = ("https://raw.githubusercontent.com/newswatch/newswatch/main/"
                   "newswatch/contracts/schemas/")
KAFKA_BINDING_VERSION = "0.5.0"
# Which consumer group of newswatch receives from a topic (the AsyncAPI operations).
_RECEIVERS = {"articles.raw": "process", "articles.tagged": "alert"}


class BreakingChange(ValueError):
    """A model changed in a way that breaks readers of its published schema version."""

# topic suffix -> (model, key description)
MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "articles.raw": (RawArticle, "article id: stable hash of the canonical article URL"),
    "articles.tagged": (TaggedArticle, "article id (same as on articles.raw)"),
    "alerts": (Alert, "alert id (rule + story); the latest version per key is the alert's state"),
    "stories": (Story, "story id; the latest version per key is the story's state"),
    "dlq": (DeadLetter, "the failed source record's key"),
}


def _schema_file(model: type[BaseModel]) -> str:
    return f"{model.__name__}.v{model.model_fields['schema_version'].default}.json"


def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(mode="serialization")
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": SCHEMA_BASE_URI + _schema_file(model),
            **schema}


def _channel_binding(suffix: str) -> dict[str, Any]:
    configs = topic_configs(suffix)
    topic_configuration: dict[str, Any] = {"cleanup.policy": [configs["cleanup.policy"]]}
    if "retention.ms" in configs:
        topic_configuration["retention.ms"] = int(configs["retention.ms"])
    return {"kafka": {"topicConfiguration": topic_configuration,
                      "bindingVersion": KAFKA_BINDING_VERSION}}


def _asyncapi(topics: Topics) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for suffix, (model, key) in MODELS.items():
        name = model.__name__
        channel_id = suffix.replace(".", "_")
        channels[channel_id] = {
            "address": topics.prefix + suffix,
            "description": (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else name,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": _channel_binding(suffix),
        }
        messages[name] = {
            "name": name,
            "contentType": "application/json",
            "payload": {"$ref": f"./{_schema_file(model)}"},
            # the record key, as Kafka carries it (not a header): UTF-8 text
            "bindings": {"kafka": {"key": {"type": "string", "description": key},
                                   "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        channel_ref = {"$ref": f"#/channels/{channel_id}"}
        operations[f"send_{channel_id}"] = {"action": "send", "channel": channel_ref,
                                            "summary": f"newswatch writes {name} records"}
        role = _RECEIVERS.get(suffix)
        if role is not None:
            operations[f"receive_{channel_id}"] = {
                "action": "receive", "channel": channel_ref,
                "summary": f"the {role} role reads them (consumer group newswatch-{role})",
                "bindings": {"kafka": {"groupId": {"type": "string",
                                                   "enum": [f"newswatch-{role}"]},
                                       "bindingVersion": KAFKA_BINDING_VERSION}},
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "newswatch topics",
            "version": __version__,
            "description": "Kafka topics of the newswatch pipeline. Records are UTF-8 JSON, "
            "one model per topic, each with schema_version; the record key is UTF-8 text. "
            "Batches are zstd-compressed by default (NEWSWATCH_COMPRESSION_TYPE). The "
            "topic prefix is configurable (NEWSWATCH_TOPIC_PREFIX, default 'news.'). Delivery "
            "is at least once: consumers deduplicate by record key. A change that breaks "
            "readers comes with a new schema_version.",
        },
        "servers": {
            "production": {
                "host": "kafka-kafka-bootstrap.kafka.svc:9092",
                "protocol": "kafka",
                "description": "Your Apache Kafka cluster (the bootstrap address in "
                "deploy/k8s/config/newswatch.yaml); SASL_SSL where the cluster requires it.",
            },
            "local": {
                "host": "localhost:9092",
                "protocol": "kafka",
                "description": "`newswatch broker` or the compose stack (deploy/compose.yaml).",
            },
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def rendered_files() -> dict[str, str]:
    """File name -> exact text, for every published file."""
    files = {
        _schema_file(model): json.dumps(_json_schema(model), indent=2, sort_keys=True) + "\n"
        for model, _key in MODELS.values()
    }
    files["asyncapi.json"] = json.dumps(_asyncapi(Topics()), indent=2) + "\n"
    return files


def breaking(directory: Path = SCHEMA_DIR) -> dict[str, list[str]]:
    """Schema file -> what the models now generate for that published version that breaks its
    readers (only versions already published in ``directory``)."""
    found = {}
    for model, _key in MODELS.values():
        path = directory / _schema_file(model)
        if path.is_file():
            changes = breaking_changes(json.loads(path.read_text("utf-8")), _json_schema(model))
            if changes:
                found[path.name] = changes
    return found


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every published file; raises :class:`BreakingChange` (writing nothing) when a
    model breaks the readers of its already published version."""
    broken = breaking(directory)
    if broken:
        lines = [f"{name}: {change}" for name, changes in broken.items() for change in changes]
        raise BreakingChange("these changes break consumers of a published schema version; "
                             "bump the model's schema_version:\n  " + "\n  ".join(lines))
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rendered_files().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def drift(directory: Path = SCHEMA_DIR) -> list[str]:
    """Names of published files that are missing or differ from what the models generate."""
    return [
        name for name, text in rendered_files().items()
        if not (directory / name).is_file() or (directory / name).read_text("utf-8") != text
    ]
