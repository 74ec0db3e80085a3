"""PostgreSQL for tests: the machine's server, one fresh schema per test.

The server is the one the machine runs (127.0.0.1:5432, database ``test``, user ``postgres``,
trust auth); ``NEWSWATCH_TEST_PG_URL`` points elsewhere. ``temporary_schema()`` creates a
schema, yields a URL whose ``search_path`` is that schema (give it to ``open_store`` or to
``NEWSWATCH_ALERTS__STORE_URL`` of a ``newswatch alert`` process), and drops it afterwards,
so tests never see each other's tables and leave nothing behind.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

PG_URL = os.environ.get("NEWSWATCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
START_HINT = ("start it with: pg_ctlcluster --skip-systemctl-redirect "
              "$(ls /etc/postgresql) main start")


def _connect(url: str = PG_URL) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=3)


def pg_unreachable_reason() -> str | None:
    """Why PostgreSQL cannot be used for tests, or None when it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    try:
        _connect().close()
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_URL} is unreachable ({str(exc).strip()}); {START_HINT}"
    return None


def schema_url(schema: str, base: str = PG_URL) -> str:
    """``base`` with ``search_path`` set to ``schema`` (libpq ``options``)."""
    option = quote(f"-c search_path={schema}", safe="")
    return f"{base}{'&' if '?' in base else '?'}options={option}"


@contextmanager
def temporary_schema(prefix: str = "nwtest") -> Iterator[str]:
    """A new empty schema for the duration of the block; yields its URL."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with _connect() as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield schema_url(schema)
    finally:
        with _connect() as admin:
            # a store left open mid-transaction must fail the test, not hang it
            admin.execute("SET lock_timeout = '20s'")
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def execute(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on its own connection (outside any store) and return its rows."""
    with _connect(url) as conn:
        cursor = conn.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []
