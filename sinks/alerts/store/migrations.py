"""Schema migrations of the alert store, numbered from 1; the database records the last one
applied (SQLite ``user_version``, PostgreSQL table ``newswatch_schema``). Append, never edit:
a store opened by newer code is migrated forward in order; a store newer than the code is
refused."""

from __future__ import annotations

__all__ = ["POSTGRES_MIGRATIONS", "SQLITE_MIGRATIONS"]

# 1: the first store (alerts by dedup key); kept so old files migrate in order
_V1 = [
    """CREATE TABLE IF NOT EXISTS alerts (
        id TEXT PRIMARY KEY, dedup_key TEXT NOT NULL, rule_id TEXT NOT NULL,
        severity TEXT NOT NULL, raised_at TEXT NOT NULL, last_seen_at TEXT NOT NULL,
        occurrences INTEGER NOT NULL, notified_severity TEXT, body TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS alert_articles (
        rule_id TEXT NOT NULL, article_id TEXT NOT NULL, alert_id TEXT NOT NULL,
        seen_at TEXT NOT NULL, PRIMARY KEY (rule_id, article_id))""",
]

# 2: alerts per rule and story with a lifecycle; history, silences, stories, outboxes.
# Version-1 alerts (per dedup key) have no story and no lifecycle: they are kept aside in
# alerts_v1 rather than guessed into the new shape.
_V2 = [
    "ALTER TABLE alerts RENAME TO alerts_v1",
    "ALTER TABLE alert_articles RENAME TO alert_articles_v1",
    """CREATE TABLE alerts (
        id TEXT PRIMARY KEY, rule_id TEXT NOT NULL, story_id TEXT NOT NULL,
        state TEXT NOT NULL, severity TEXT NOT NULL, version INTEGER NOT NULL,
        primary_country TEXT, first_seen_at TEXT NOT NULL, last_seen_at TEXT NOT NULL,
        raised_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        body TEXT NOT NULL)""",
    "CREATE INDEX alerts_by_updated ON alerts (updated_at)",
    "CREATE INDEX alerts_by_state ON alerts (state, last_seen_at)",
    "CREATE INDEX alerts_by_rule ON alerts (rule_id, updated_at)",
    "CREATE INDEX alerts_by_story ON alerts (story_id)",
    """CREATE TABLE alert_articles (
        rule_id TEXT NOT NULL, article_id TEXT NOT NULL, alert_id TEXT NOT NULL,
        seen_at TEXT NOT NULL, PRIMARY KEY (rule_id, article_id))""",
    "CREATE INDEX alert_articles_by_alert ON alert_articles (alert_id)",
    "CREATE INDEX alert_articles_by_article ON alert_articles (article_id)",
    """CREATE TABLE alert_history (
        alert_id TEXT NOT NULL, version INTEGER NOT NULL, change TEXT NOT NULL,
        at TEXT NOT NULL, actor TEXT, comment TEXT, body TEXT NOT NULL,
        PRIMARY KEY (alert_id, version))""",
    """CREATE TABLE silences (
        id TEXT PRIMARY KEY, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL,
        created_by TEXT NOT NULL, body TEXT NOT NULL)""",
    """CREATE TABLE stories (
        id TEXT PRIMARY KEY, version INTEGER NOT NULL, last_seen_at TEXT NOT NULL,
        state TEXT NOT NULL)""",
    "CREATE INDEX stories_by_last_seen ON stories (last_seen_at)",
    """CREATE TABLE story_bands (
        band TEXT NOT NULL, story_id TEXT NOT NULL, PRIMARY KEY (band, story_id))""",
    "CREATE INDEX story_bands_by_story ON story_bands (story_id)",
    """CREATE TABLE story_articles (
        article_id TEXT PRIMARY KEY, story_id TEXT NOT NULL)""",
    "CREATE INDEX story_articles_by_story ON story_articles (story_id)",
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, route TEXT NOT NULL, group_key TEXT NOT NULL,
        event TEXT NOT NULL, alerts TEXT NOT NULL, created_at TEXT NOT NULL,
        due_at TEXT NOT NULL, attempts INTEGER NOT NULL, status TEXT NOT NULL,
        claimed_by TEXT, claimed_until TEXT, sent_at TEXT, error TEXT,
        UNIQUE (route, group_key))""",
    "CREATE INDEX outbox_due ON outbox (route, status, due_at)",
    """CREATE TABLE topic_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, record_key TEXT NOT NULL,
        record_value TEXT NOT NULL, created_at TEXT NOT NULL)""",
    # the tagged articles behind alerts, so the console can show each with its evidence
    """CREATE TABLE articles (
        id TEXT PRIMARY KEY, story_id TEXT NOT NULL, seen_at TEXT NOT NULL,
        body TEXT NOT NULL)""",
    "CREATE INDEX articles_by_story ON articles (story_id)",
    "CREATE INDEX articles_by_seen ON articles (seen_at)",
]

SQLITE_MIGRATIONS: list[list[str]] = [_V1, _V2]

# PostgreSQL: the same tables and numbering. Text columns use the "C" collation so text order
# (ISO-8601 times, id prefixes) is byte order as in SQLite, whatever the database's locale.
_T = 'TEXT COLLATE "C"'

_PG_V1 = [
    f"""CREATE TABLE alerts (
        id {_T} PRIMARY KEY, dedup_key {_T} NOT NULL, rule_id {_T} NOT NULL,
        severity {_T} NOT NULL, raised_at {_T} NOT NULL, last_seen_at {_T} NOT NULL,
        occurrences INTEGER NOT NULL, notified_severity {_T}, body {_T} NOT NULL)""",
    f"""CREATE TABLE alert_articles (
        rule_id {_T} NOT NULL, article_id {_T} NOT NULL, alert_id {_T} NOT NULL,
        seen_at {_T} NOT NULL, PRIMARY KEY (rule_id, article_id))""",
]

# PostgreSQL keeps index names when a table is renamed: the version-1 primary keys are renamed
# too, or the new tables' primary keys could not take their names.
_PG_V2 = [
    "ALTER TABLE alerts RENAME TO alerts_v1",
    "ALTER INDEX alerts_pkey RENAME TO alerts_v1_pkey",
    "ALTER TABLE alert_articles RENAME TO alert_articles_v1",
    "ALTER INDEX alert_articles_pkey RENAME TO alert_articles_v1_pkey",
    f"""CREATE TABLE alerts (
        id {_T} PRIMARY KEY, rule_id {_T} NOT NULL, story_id {_T} NOT NULL,
        state {_T} NOT NULL, severity {_T} NOT NULL, version INTEGER NOT NULL,
        primary_country {_T}, first_seen_at {_T} NOT NULL, last_seen_at {_T} NOT NULL,
        raised_at {_T} NOT NULL, updated_at {_T} NOT NULL,
        body {_T} NOT NULL)""",
    "CREATE INDEX alerts_by_updated ON alerts (updated_at)",
    "CREATE INDEX alerts_by_state ON alerts (state, last_seen_at)",
    "CREATE INDEX alerts_by_rule ON alerts (rule_id, updated_at)",
    "CREATE INDEX alerts_by_story ON alerts (story_id)",
    f"""CREATE TABLE alert_articles (
        rule_id {_T} NOT NULL, article_id {_T} NOT NULL, alert_id {_T} NOT NULL,
        seen_at {_T} NOT NULL, PRIMARY KEY (rule_id, article_id))""",
    "CREATE INDEX alert_articles_by_alert ON alert_articles (alert_id)",
    "CREATE INDEX alert_articles_by_article ON alert_articles (article_id)",
    f"""CREATE TABLE alert_history (
        alert_id {_T} NOT NULL, version INTEGER NOT NULL, change {_T} NOT NULL,
        at {_T} NOT NULL, actor {_T}, comment {_T}, body {_T} NOT NULL,
        PRIMARY KEY (alert_id, version))""",
    f"""CREATE TABLE silences (
        id {_T} PRIMARY KEY, starts_at {_T} NOT NULL, ends_at {_T} NOT NULL,
        created_by {_T} NOT NULL, body {_T} NOT NULL)""",
    f"""CREATE TABLE stories (
        id {_T} PRIMARY KEY, version INTEGER NOT NULL, last_seen_at {_T} NOT NULL,
        state {_T} NOT NULL)""",
    "CREATE INDEX stories_by_last_seen ON stories (last_seen_at)",
    f"""CREATE TABLE story_bands (
        band {_T} NOT NULL, story_id {_T} NOT NULL, PRIMARY KEY (band, story_id))""",
    "CREATE INDEX story_bands_by_story ON story_bands (story_id)",
    f"""CREATE TABLE story_articles (
        article_id {_T} PRIMARY KEY, story_id {_T} NOT NULL)""",
    "CREATE INDEX story_articles_by_story ON story_articles (story_id)",
    f"""CREATE TABLE outbox (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, route {_T} NOT NULL,
        group_key {_T} NOT NULL, event {_T} NOT NULL, alerts {_T} NOT NULL,
        created_at {_T} NOT NULL, due_at {_T} NOT NULL, attempts INTEGER NOT NULL,
        status {_T} NOT NULL, claimed_by {_T}, claimed_until {_T}, sent_at {_T}, error {_T},
        UNIQUE (route, group_key))""",
    "CREATE INDEX outbox_due ON outbox (route, status, due_at)",
    f"""CREATE TABLE topic_outbox (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, topic {_T} NOT NULL,
        record_key {_T} NOT NULL, record_value {_T} NOT NULL, created_at {_T} NOT NULL)""",
    f"""CREATE TABLE articles (
        id {_T} PRIMARY KEY, story_id {_T} NOT NULL, seen_at {_T} NOT NULL,
        body {_T} NOT NULL)""",
    "CREATE INDEX articles_by_story ON articles (story_id)",
    "CREATE INDEX articles_by_seen ON articles (seen_at)",
]

POSTGRES_MIGRATIONS: list[list[str]] = [_PG_V1, _PG_V2]
