"""The CLI as an operator meets it: configuration errors, log formats, the broker connection
and the documented exit codes (README, "Configuration"), through the real command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from newswatch.contracts import RawArticle, TaggedArticle
from newswatch.kafka.broker import free_port
from newswatch.kafka.runner import EXIT_BROKER_LOST

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
EXIT_BAD_INPUT, EXIT_CONFIG, EXIT_INTERRUPTED = 1, 2, 130


def _env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(values)
    return env


def _newswatch(*args: str, stdin: str = "", cwd: Path | None = None,
               **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newswatch.cli.main", *args], input=stdin,
                          env=_env(**env), cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)


def test_a_typo_in_the_config_file_is_an_error_naming_file_key_and_setting(tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text("bootstrap_server: kafka-1:9092\n")
    result = _newswatch("--config", str(config), "process")
    assert result.returncode == EXIT_CONFIG
    assert result.stderr.strip() == (
        f"newswatch: invalid configuration: {config}: unknown setting bootstrap_server "
        "(did you mean bootstrap_servers?)")


def test_a_missing_config_file_is_a_configuration_error(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"
    result = _newswatch("--config", str(missing), "tag")
    assert result.returncode == EXIT_CONFIG
    assert result.stderr.strip() == (f"newswatch: invalid configuration: NEWSWATCH_CONFIG (or "
                                     f"--config) names '{missing}', which is not a file")


def test_a_bogus_log_level_is_one_line_naming_the_variable_and_the_choices() -> None:
    result = _newswatch("tag", NEWSWATCH_LOG_LEVEL="bogus")
    assert result.returncode == EXIT_CONFIG
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "NEWSWATCH_LOG_LEVEL: Input should be 'DEBUG', 'INFO', 'WARNING', 'ERROR' or 'CRITICAL' "
        "(got 'bogus')")


def test_an_invalid_value_names_the_environment_variable_to_set() -> None:
    result = _newswatch("tag", NEWSWATCH_BATCH_SIZE="0")
    assert result.returncode == EXIT_CONFIG
    assert "NEWSWATCH_BATCH_SIZE: Input should be greater than or equal to 1 (got '0')" \
        in result.stderr


def test_config_flag_and_json_logs_say_where_the_broker_is_and_exit_3(tmp_path: Path) -> None:
    """--config is read like NEWSWATCH_CONFIG; with log_format json every log line on stderr
    is one JSON object; the wait for an unreachable broker is announced, then exit 3."""
    address = f"127.0.0.1:{free_port()}"  # nothing listens there
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"bootstrap_servers: {address}\nbroker_timeout_s: 2\nlog_format: json\n"
                      "metrics_port: 0\n")
    result = _newswatch("--config", str(config), "process")
    assert result.returncode == EXIT_BROKER_LOST, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines()]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    messages = [record["message"] for record in records]
    connecting = messages.index(
        f"process: connecting to the broker at {address} (giving up after 2 s)")
    assert messages[-1].startswith(f"process: cannot reach the broker at {address}")
    assert connecting < len(messages) - 1


def test_log_format_flag_overrides_the_environment() -> None:
    address = f"127.0.0.1:{free_port()}"
    result = _newswatch("--log-format", "json", "alert", NEWSWATCH_LOG_FORMAT="text",
                        NEWSWATCH_BOOTSTRAP_SERVERS=address, NEWSWATCH_BROKER_TIMEOUT_S="1",
                        NEWSWATCH_METRICS_PORT="0")
    assert result.returncode == EXIT_BROKER_LOST
    assert all(json.loads(line)["logger"] for line in result.stderr.splitlines())


def test_tag_with_no_input_or_a_missing_file_fails_clearly(tmp_path: Path) -> None:
    empty = _newswatch("tag", stdin="")
    assert empty.returncode == EXIT_BAD_INPUT
    assert empty.stderr.strip() == "newswatch tag: no articles in stdin: nothing tagged"
    missing = tmp_path / "articles.jsonl"
    result = _newswatch("tag", str(missing))
    assert result.returncode == EXIT_BAD_INPUT
    assert str(missing) in result.stderr and "No such file" in result.stderr


def test_the_readme_example_article_is_tagged(tmp_path: Path) -> None:
    result = _newswatch("tag", str(ROOT / "examples" / "article.txt"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    tagged = TaggedArticle.model_validate_json(result.stdout)
    assert [c.code for c in tagged.regions.countries] == ["PK", "AF"]
    assert "Tehreek-i-Taliban Pakistan" in {a.name for a in tagged.actors}


def test_ctrl_c_while_tagging_exits_130() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli.main", "tag"],
                            env=_env(PYTHONUNBUFFERED="1"), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdin and proc.stdout
        proc.stdin.write(RawArticle(id="a1", text="Floods hit Sindh.").model_dump_json() + "\n")
        proc.stdin.flush()
        assert TaggedArticle.model_validate_json(proc.stdout.readline()).id == "a1"
        proc.send_signal(signal.SIGINT)  # it now waits for the next line of stdin
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr
