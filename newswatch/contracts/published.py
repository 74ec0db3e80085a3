"""The published description of the contracts: JSON Schemas generated from the models and an
AsyncAPI document of the topics. Both are checked in under ``newswatch/contracts/schemas/``;
``newswatch schemas --check`` (and a test) fails when the models drift from them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from newswatch import __version__
from newswatch.contracts.alert import Alert
from newswatch.contracts.dead_letter import DeadLetter
from newswatch.contracts.raw import RawArticle
from newswatch.contracts.story import Story
from newswatch.contracts.tagged import TaggedArticle
from newswatch.topics import Topics

__all__ = ["MODELS", "SCHEMA_DIR", "drift", "rendered_files", "write"]

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

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
        }
        messages[name] = {
            "name": name,
            "contentType": "application/json",
            "headers": {"type": "object", "description": f"Kafka record key: {key}"},
            "payload": {"$ref": f"./{_schema_file(model)}"},
        }
        operations[f"receive_{channel_id}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel_id}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "newswatch topics",
            "version": __version__,
            "description": "Kafka topics of the newswatch pipeline. Records are UTF-8 JSON, "
            "one model per topic, each with schema_version. The topic prefix is configurable "
            "(NEWSWATCH_TOPIC_PREFIX, default 'news.'). Delivery is at least once: consumers "
            "deduplicate by record key.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def rendered_files() -> dict[str, str]:
    """File name -> exact text, for every published file."""
    files = {
        _schema_file(model): json.dumps(model.model_json_schema(mode="serialization"),
                                        indent=2, sort_keys=True) + "\n"
        for model, _key in MODELS.values()
    }
    files["asyncapi.json"] = json.dumps(_asyncapi(Topics()), indent=2) + "\n"
    return files


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
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
