"""The one settings class: env prefix, nested env, YAML file, secrets never shown."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from newswatch.settings import Settings


def test_env_prefix_and_nested_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_BOOTSTRAP_SERVERS", "k1:9092,k2:9092")
    monkeypatch.setenv("NEWSWATCH_TOPIC_PREFIX", "prod.")
    monkeypatch.setenv("NEWSWATCH_GROUPS__PROCESS", "taggers")
    monkeypatch.setenv("NEWSWATCH_SECURITY__SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("NEWSWATCH_SECURITY__SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("NEWSWATCH_SECURITY__SASL_PLAIN_PASSWORD", "hunter2")
    settings = Settings()
    assert settings.topics.raw == "prod.articles.raw"
    assert settings.groups.process == "taggers"
    config = settings.security.client_config()
    assert config["security_protocol"] == "SASL_SSL"
    assert config["sasl_plain_password"] == "hunter2"


def test_secrets_are_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_SECURITY__SASL_PLAIN_PASSWORD", "hunter2")
    settings = Settings()
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings.model_dump())
    assert "hunter2" not in settings.model_dump_json()


def test_yaml_file_below_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text("bootstrap_servers: yaml:9092\npartitions: 6\ngroups:\n  alert: ops\n")
    monkeypatch.setenv("NEWSWATCH_CONFIG", str(config))
    monkeypatch.setenv("NEWSWATCH_PARTITIONS", "12")
    settings = Settings()
    assert settings.bootstrap_servers == "yaml:9092"
    assert settings.partitions == 12
    assert settings.groups.alert == "ops"


def test_missing_config_file_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_CONFIG", "/nonexistent/newswatch.yaml")
    with pytest.raises(FileNotFoundError, match="NEWSWATCH_CONFIG"):
        Settings()


def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_PARTITIONS", "0")
    with pytest.raises(ValidationError, match="partitions"):
        Settings()
