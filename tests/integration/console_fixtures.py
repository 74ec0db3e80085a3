"""Alerts made by the real alert sink into a real SQLite store, for the console's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from newswatch.sinks.alerts.rules import parse_rules
from newswatch.sinks.alerts.sink import AlertSink
from newswatch.sinks.alerts.store import SqliteAlertStore
from newswatch.sinks.alerts.testing import tagged_article

from newswatch.contracts import TaggedArticle

RULES = """
rules:
  - id: pk-attack
    name: Attack in Pakistan
    severity: high
    match: {all: {countries: [PK], event_types: [attack, bombing]}}
  - id: ttp
    name: TTP mentioned
    severity: medium
    match: {any: {actors: [ttp]}}
  - id: quake
    name: Earthquake
    severity: critical
    match: {any: {event_types: [natural_disaster]}}
"""


def attack_article(n: int, *, title: str | None = None) -> TaggedArticle:
    return tagged_article(
        title or f"Gunmen attack checkpoint in Lakki Marwat, report {n}",
        "Police said militants of the Tehrik-i-Taliban Pakistan attacked the checkpoint "
        "<script>alert(1)</script> & fled.",
        id=f"article-{n}", url=f"https://desk.example/{n}",
        countries=[("PK", "Lakki Marwat")], admin1=[("PK-KP", "Lakki Marwat")],
        events=[("attack", "attacked")],
        actors=[("ttp", "Tehrik-i-Taliban Pakistan", "armed_group")],
        published_at=datetime.now(UTC) - timedelta(minutes=10))


def quake_article(n: int) -> TaggedArticle:
    return tagged_article(
        f"Strong earthquake shakes northern Chile, report {n}",
        "An earthquake struck near Antofagasta; the earthquake damaged roads.",
        id=f"quake-{n}", url=f"https://wire.example/q{n}", countries=[("CL", "Chile")],
        events=[("natural_disaster", "earthquake")],
        published_at=datetime.now(UTC) - timedelta(minutes=5))


def volcano_article(n: int) -> TaggedArticle:
    """Unlike the others: opens a story of its own."""
    return tagged_article(
        f"Volcano erupts on Java, villages evacuated ({n})",
        "Ash from the eruption closed the airport at Yogyakarta.",
        id=f"volcano-{n}", url=f"https://news.example/v{n}", countries=[("ID", "Java")],
        events=[("natural_disaster", "erupts")],
        published_at=datetime.now(UTC) - timedelta(minutes=1))


def sink_for(store: SqliteAlertStore) -> AlertSink:
    return AlertSink(store, parse_rules(yaml.safe_load(RULES)))


def filled_store(path: Path) -> SqliteAlertStore:
    """Three stories: an attack in Pakistan (two rules), and an earthquake in Chile."""
    store = SqliteAlertStore(path)
    sink = sink_for(store)
    now = datetime.now(UTC)
    sink.handle(attack_article(1), now)
    sink.handle(quake_article(1), now + timedelta(seconds=1))
    return store
