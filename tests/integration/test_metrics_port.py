"""Two roles on one metrics port (issue 15, defect 10): the second says so in one line and
exits non-zero, instead of dying with an OSError traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("role", ["poll", "process"])
def test_a_taken_metrics_port_is_one_clear_error(role: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "NEWSWATCH_BOOTSTRAP_SERVERS": "127.0.0.1:1",
               "NEWSWATCH_METRICS_PORT": str(port), "NEWSWATCH_BROKER_TIMEOUT_S": "2"}
        done = subprocess.run([sys.executable, "-m", "newswatch.cli.main", role], env=env,
                              capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1, done.stderr
    assert f"127.0.0.1:{port}" in errors[0] and "NEWSWATCH_METRICS_PORT" in errors[0]
