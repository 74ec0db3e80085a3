"""Hostile XML in a feed body: external entities (XXE) and entity expansion (billion laughs)
are neither resolved nor expanded, by either parser, and cost no time."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from newswatch.ingest.parse import parse_feed

SECRET = Path("/etc/hostname")

XXE = f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{SECRET}">
               <!ENTITY remote SYSTEM "http://127.0.0.1:9/x">]>
<rss version="2.0"><channel><title>x</title><link>https://news.test/</link>
<item><title>leak &secret;</title><link>https://news.test/1</link>
<description>remote &remote; and &secret;</description></item></channel></rss>""".encode()

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol">""" + b"".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
    for i in range(1, 10)) + b"""]>
<rss version="2.0"><channel><title>x</title><link>https://news.test/</link>
<item><title>laugh</title><link>https://news.test/1</link>
<description>&lol9;</description></item></channel></rss>"""


@pytest.mark.parametrize("engine", ["auto", "fast", "reference"])
def test_external_entities_are_not_resolved(engine: str) -> None:
    secret = SECRET.read_text().strip()
    parsed = parse_feed(XXE, feed_id="f", feed_url="https://news.test/rss",
                        fetched_at=datetime.now(UTC), engine=engine)
    for article in parsed.articles:
        assert secret not in article.title and secret not in article.text


@pytest.mark.parametrize("engine", ["auto", "fast", "reference"])
def test_entity_expansion_is_not_amplified(engine: str) -> None:
    started = time.monotonic()
    parsed = parse_feed(LAUGHS, feed_id="f", feed_url="https://news.test/rss",
                        fetched_at=datetime.now(UTC), engine=engine)
    assert time.monotonic() - started < 5
    # fully expanded, &lol9; is 10**9 'lol's; nothing anywhere near that comes out
    assert all(len(a.text) < 100_000 for a in parsed.articles)
