"""Log redaction (newswatch.redaction): configured secrets and values keyed as secrets."""

from __future__ import annotations

import io
import logging

import pytest
from pydantic import SecretStr

from newswatch import redaction
from newswatch.settings import Settings


@pytest.mark.parametrize(("line", "want"), [
    ("{'sasl_plain_password': 'x1', 'client_id': 'nw'}", "{'sasl_plain_password': '***', 'client_id': 'nw'}"),
    ('{"ssl_password": "x2"}', '{"ssl_password": "***"}'),
    ("GET /feed?token=abc123&page=2", "GET /feed?token=***&page=2"),
    ("api_key: s3cr3t rest", "api_key: *** rest"),
    ("client_secret=zzz", "client_secret=***"),
    ("the password was rotated", "the password was rotated"),  # no key, no value
])
def test_values_keyed_as_secrets_are_masked(line, want):
    assert redaction.Redactor()(line) == want


def test_configured_secrets_are_masked_wherever_they_appear():
    redact = redaction.Redactor(["hunter2", "it's"])
    assert redact("login hunter2 failed; hunter2!") == "login *** failed; ***!"
    assert redact(repr({"x": "it's"})) == "{'x': \"***\"}"


def test_secret_values_lists_every_secret_setting_that_is_set():
    settings = Settings(security={"sasl_plain_password": "p1", "ssl_password": "p2"})
    assert sorted(settings.secret_values()) == ["p1", "p2"]
    assert Settings().secret_values() == []
    assert isinstance(settings.security.sasl_plain_password, SecretStr)


def test_every_logger_and_handler_gets_redacted_records_including_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # a handler added after install sees it too
    redaction.install(["pw-777"])
    logger = logging.getLogger("kafka.admin.client.test")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug("Starting with configuration: %s", {"sasl_plain_password": "pw-777"})
        try:
            raise RuntimeError("connect failed with pw-777")
        except RuntimeError:
            logger.exception("broker said %s", "pw-777")
    finally:
        logger.removeHandler(handler)
        redaction.install([])
    out = stream.getvalue()
    assert "pw-777" not in out
    assert "'sasl_plain_password': '***'" in out and "RuntimeError: connect failed with ***" in out
