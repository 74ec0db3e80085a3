"""``newswatch rules check`` and ``newswatch rules test`` as users run them (real processes,
real files): every problem on one line with file and line, unknown codes and ids included; a
YAML error is one line too; which rules fire on articles, and why."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newswatch.settings import package_path
from tests.alert_articles import attack

pytestmark = pytest.mark.integration

BAD = """rules:
  - id: sudan-attacks
    name: Attacks in Sudan
    severity: high
    match:
      all:
        countries: [Sudan, XX]
        event_types: [attack, riot]
  - id: ttp
    name: TTP
    severity: urgent
    match: {any: {actors: [ttp, no-such-group]}}
"""


def _newswatch(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    return subprocess.run([sys.executable, "-m", "newswatch.cli.main", *args], input=stdin,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def test_rules_check_prints_one_line_per_problem_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    result = _newswatch("rules", "check", str(bad))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert all(line.startswith(f"{bad}:") for line in lines), lines
    assert any(":7: rule 'sudan-attacks': field 'match.all.countries.0': unknown country code "
               "'SUDAN'" in line for line in lines), lines
    assert any("'match.all.countries.1'" in line and "'XX'" in line for line in lines)
    assert any(":8: rule 'sudan-attacks': field 'match.all.event_types.1'" in line
               for line in lines)
    assert any(":11: rule 'ttp': field 'severity'" in line for line in lines)
    assert any(":12: rule 'ttp': field 'match.any.actors.1': unknown actor 'no-such-group'"
               in line for line in lines), lines
    assert "Traceback" not in result.stderr and len(lines) == 5


def test_rules_check_reports_a_yaml_error_in_one_line_and_accepts_good_files(
        tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules:\n  - id: [unclosed\n", encoding="utf-8")
    result = _newswatch("rules", "check", str(broken))
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{broken}:") and "not valid YAML" in line
    shipped = package_path("newswatch.sinks", "alerts", "rules.yaml")
    good = _newswatch("rules", "check", str(shipped))
    assert good.returncode == 0 and good.stdout == "", good.stdout


def test_rules_check_reports_a_file_nested_too_deeply_in_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("rules: " + "[" * 3000 + "\n", encoding="utf-8")
    result = _newswatch("rules", "check", str(deep))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines() == [
        f"{deep}: not valid YAML: collections nested too deeply to read"]


def test_the_alert_role_refuses_a_bad_rules_file_before_starting(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update({"NEWSWATCH_RULES_FILE": str(bad), "NEWSWATCH_METRICS_PORT": "0"})
    result = subprocess.run([sys.executable, "-m", "newswatch.cli.main", "up", "--duration", "5"],
                            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "unknown country code 'SUDAN'" in result.stderr and "embedded broker" not in result.stderr


def test_rules_test_shows_which_rules_fire_and_why(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("""rules:
  - id: pk-attack
    name: Attack in Pakistan
    severity: high
    match: {all: {countries: [PK], event_types: [attack]}}
  - id: af-only
    name: Afghanistan
    severity: low
    match: {all: {countries: [AF]}}
""", encoding="utf-8")
    articles = attack(0).model_dump_json() + "\n" + attack(0).model_copy(
        update={"id": "article-0-copy"}).model_dump_json() + "\n" + "[" * 100_000 + "\n"
    result = _newswatch("rules", "test", str(rules), stdin=articles)
    assert result.returncode == 0, result.stderr
    # the line nested 100,000 deep is skipped (json.loads raised RecursionError, a traceback)
    assert "<stdin>:3: skipped: recursion limit exceeded" in result.stderr, result.stderr
    out = result.stdout
    assert "fires pk-attack (high): new alert" in out
    assert "fires pk-attack (high): updates its alert" in out  # the copy joins the story
    assert "af-only" not in out
    assert "evidence" in out and "Lakki Marwat" in out
