"""Secrets never reach a log line: every log record is redacted as it is made.

Why: kafka-python logs its whole client configuration at DEBUG, ``sasl_plain_password``
included, and any library may log a URL or a dict holding a token. A log record factory (not
a handler filter) sees every record of every logger, before any handler - ours, a
library's, or one added later - formats it. Two rules: the configured secrets' values
(``Settings.secret_values``), and the value after any key that names a password, secret or
token (``'sasl_plain_password': '...'``, ``token=...``).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable, Iterable

__all__ = ["MASK", "Redactor", "install"]

MASK = "***"

# a key naming a secret, then ': ' or '=' (quoted or not), then its value up to the quote,
# comma, brace, ampersand or whitespace that ends it
_SECRET_KEY = re.compile(
    r"""(?ix)
    ( [\w.-]*(?:password|passwd|secret|token|api[_-]?key)[\w.-]* ['"]? \s* [:=] \s* )
    ( '[^']*' | "[^"]*" | [^\s,;&'"}\])]+ )""")


class Redactor:
    """Replaces the given secret values, and values keyed as secrets, in a string."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values: set[str] = set()
        for secret in secrets:
            if secret:
                values.add(secret)
                values.add(repr(secret)[1:-1])  # as it appears inside a repr'd dict
        # longest first: a secret that contains another is masked whole
        self._secrets = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return _SECRET_KEY.sub(_mask_value, text)


def _mask_value(m: re.Match) -> str:
    value = m.group(2)
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{m.group(1)}{quote}{MASK}{quote}"


_installed: list[Callable[..., logging.LogRecord]] = []  # the factory we wrapped, once


def install(secrets: Iterable[str] = ()) -> Redactor:
    """Make every log record from now on redacted by a ``Redactor`` of ``secrets``
    (calling it again replaces the secrets, it does not stack)."""
    redact = Redactor(secrets)
    if not _installed:
        _installed.append(logging.getLogRecordFactory())
    base = _installed[0]

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = base(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is logging's to report
            return record
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info))
                                     .rstrip("\n"))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    logging.setLogRecordFactory(factory)
    return redact
