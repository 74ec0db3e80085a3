"""Hand-tagged articles for alert tests: each ``attack(n)`` reports a different event (its own
primary country and town, so the story stage opens a story per article; the same ``n`` is the
same article)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pycountry
from newswatch.sinks.alerts.testing import tagged_article

from newswatch.contracts import TaggedArticle

# distinct countries and towns; index 0 and 1 are Pakistan and Afghanistan
PLACES = [("PK", "Lakki Marwat"), ("AF", "Jalalabad")] + [
    (c.alpha_2, f"{c.name} town {i}") for i, c in enumerate(
        c for c in pycountry.countries if c.alpha_2 not in ("PK", "AF"))]


def attack(n: int, *, minutes_ago: float = 5, ttp: bool = True) -> TaggedArticle:
    country, town = PLACES[n]
    actors = [("ttp", "Tehrik-i-Taliban Pakistan", "armed_group")] if ttp else []
    text = (f"Police said militants{' of the Tehrik-i-Taliban Pakistan' if ttp else ''} "
            f"attacked a checkpoint in {town} before dawn, killing {n + 2} people.")
    return tagged_article(
        f"Gunmen attack checkpoint in {town}, {n + 2} killed", text, id=f"article-{n}",
        url=f"https://desk.example/{n}", countries=[(country, town)],
        events=[("attack", "attacked")], actors=actors,
        published_at=datetime.now(UTC) - timedelta(minutes=minutes_ago))
