"""Secrets never reach the logs, even at DEBUG where kafka-python logs its whole client
configuration (issue 15, defect 2: ``sasl_plain_password`` was printed in clear)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from newswatch.kafka.broker import EmbeddedBroker

pytestmark = pytest.mark.integration

PASSWORD = "pw-Zq81-never-in-logs"
SSL_PASSWORD = "ssl-Kx55-never-in-logs"


@pytest.mark.parametrize("command", [["process"], ["alert"], ["up", "--duration", "8"]])
def test_a_role_at_debug_with_a_sasl_password_never_logs_it(
        broker: EmbeddedBroker, command: list[str], tmp_path) -> None:
    role = command[0]
    env = {**os.environ, "NEWSWATCH_LOG_LEVEL": "DEBUG", "NEWSWATCH_TOPIC_PREFIX": f"secret{role}.",
           "NEWSWATCH_SECURITY__SECURITY_PROTOCOL": "SASL_PLAINTEXT",
           "NEWSWATCH_SECURITY__SASL_MECHANISM": "PLAIN",
           "NEWSWATCH_SECURITY__SASL_PLAIN_USERNAME": "newswatch",
           "NEWSWATCH_SECURITY__SASL_PLAIN_PASSWORD": PASSWORD,
           "NEWSWATCH_SECURITY__SSL_PASSWORD": SSL_PASSWORD,
           "NEWSWATCH_BROKER_TIMEOUT_S": "6", "NEWSWATCH_METRICS_PORT": "0",
           "NEWSWATCH_STATE_DIR": str(tmp_path)}
    if role != "up":  # `up` starts its own embedded broker
        env["NEWSWATCH_BOOTSTRAP_SERVERS"] = broker.bootstrap_servers
    else:
        env.pop("NEWSWATCH_BOOTSTRAP_SERVERS", None)
    # the embedded broker speaks no SASL: the role fails to connect, after logging its
    # configuration while it tries (that it fails is fine; what it logs is under test)
    proc = subprocess.run([sys.executable, "-m", "newswatch.cli.main", *command], env=env, check=False,
                          capture_output=True, timeout=120)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "sasl_plain_password" in stderr  # kafka-python did log its configuration ...
    assert PASSWORD not in stderr and SSL_PASSWORD not in stderr  # ... without the secret
    assert "DEBUG" in stderr
