"""Log formats: text for people, JSON lines for log shippers."""

from __future__ import annotations

import io
import json
import logging

from newswatch.cli.runtime import log_handler


def _log_through(log_format: str) -> str:
    stream = io.StringIO()
    logger = logging.getLogger("newswatch.test.format")
    logger.propagate = False
    handler = log_handler(log_format, stream)  # type: ignore[arg-type]
    logger.addHandler(handler)
    try:
        logger.warning("broker at %s is slow", "k1:9092")
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logger.exception("batch failed")
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_json_format_is_one_object_per_line_with_time_level_logger_message() -> None:
    lines = _log_through("json").splitlines()
    assert len(lines) == 2  # the traceback stays inside its record's line
    first, second = (json.loads(line) for line in lines)
    assert first["level"] == "WARNING"
    assert first["logger"] == "newswatch.test.format"
    assert first["message"] == "broker at k1:9092 is slow"
    assert first["time"].endswith("+00:00") and first["time"][:2] == "20"
    assert second["level"] == "ERROR" and "RuntimeError: boom" in second["exc_info"]


def test_text_format_is_for_people() -> None:
    first = _log_through("text").splitlines()[0]
    assert first.endswith(" WARNING newswatch.test.format: broker at k1:9092 is slow")
    assert not first.startswith("{")
