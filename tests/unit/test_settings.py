"""The one settings class: env prefix, nested env, YAML file, secrets never shown."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from newswatch.settings import ConfigError, Settings, describe, unknown_keys


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


def test_unknown_yaml_keys_name_the_file_the_key_and_the_closest_setting(
        monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text("bootstrap_server: k1:9092\ngroups:\n  proces: taggers\n")
    monkeypatch.setenv("NEWSWATCH_CONFIG", str(config))
    with pytest.raises(ConfigError) as caught:
        Settings()
    message = str(caught.value)
    assert f"{config}: unknown setting bootstrap_server (did you mean bootstrap_servers?)" in message
    assert "unknown setting groups.proces (did you mean groups.process?)" in message


def test_unknown_keys_walks_nested_settings_and_offers_no_far_fetched_name() -> None:
    errors = unknown_keys({"partitions": 3, "security": {"sasl_mechansim": "PLAIN"},
                           "ingest": {"timeout_s": 5}, "colour": "blue"}, Settings)
    assert errors == [("unknown setting security.sasl_mechansim "
                       "(did you mean security.sasl_mechanism?)"),
                      "unknown setting colour"]


@pytest.mark.parametrize("text, complaint", [
    ("- partitions\n", "expected a mapping"), ("partitions: [\n", "not valid YAML"),
    ("partitions: 3\npartitions: 6\n", "a second time"),
    ("groups: " + "{a: " * 3000 + "\n", "nested too deeply")])
def test_a_config_file_that_is_no_mapping_is_a_clear_error(
        monkeypatch: pytest.MonkeyPatch, tmp_path, text: str, complaint: str) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text(text)
    monkeypatch.setenv("NEWSWATCH_CONFIG", str(config))
    with pytest.raises(ConfigError, match=complaint):
        Settings()


def test_validation_errors_name_the_variable_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_BATCH_SIZE", "0")
    monkeypatch.setenv("NEWSWATCH_SECURITY__SASL_MECHANISM", "MD5")
    with pytest.raises(ValidationError) as caught:
        Settings()
    lines = sorted(describe(caught.value).splitlines())
    assert lines[0] == "NEWSWATCH_BATCH_SIZE: Input should be greater than or equal to 1 (got '0')"
    assert lines[1].startswith("NEWSWATCH_SECURITY__SASL_MECHANISM: Input should be 'PLAIN'")
    assert lines[1].endswith("(got 'MD5')")


def test_validation_errors_name_the_config_key_when_a_file_is_used(
        monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text("groups:\n  alert: [a, b]\n")
    monkeypatch.setenv("NEWSWATCH_CONFIG", str(config))
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert describe(caught.value).startswith(
        f"NEWSWATCH_GROUPS__ALERT (or groups.alert in {config}): Input should be a valid string")


def test_log_level_and_format_are_choices_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_LOG_LEVEL", "debug")
    monkeypatch.setenv("NEWSWATCH_LOG_FORMAT", "JSON")
    settings = Settings()
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")
    monkeypatch.setenv("NEWSWATCH_LOG_LEVEL", "bogus")
    with pytest.raises(ValidationError) as caught:
        Settings()
    assert describe(caught.value) == ("NEWSWATCH_LOG_LEVEL: Input should be 'DEBUG', 'INFO', "
                                      "'WARNING', 'ERROR' or 'CRITICAL' (got 'bogus')")


def test_settings_dumped_to_json_read_back_the_same() -> None:
    # durations dump as ISO 8601 ("P30D"): the ingest benchmark hands settings to a child
    # process this way, and it failed on the alert store's durations
    settings = Settings(bootstrap_servers="k:9092", alerts={"retention": "2d",
                                                             "burst_window": "90m"})
    assert '"P2D"' in settings.model_dump_json()
    assert Settings.model_validate_json(settings.model_dump_json()) == settings
