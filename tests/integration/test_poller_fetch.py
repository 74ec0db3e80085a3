"""The fetcher against a real local HTTP server: every way a feed server answers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from newswatch.ingest.config import USER_AGENT, PollerConfig
from newswatch.ingest.fetch import Fetcher, FetchResult

from tests.integration.feedserver import FeedServer, Route, rss

pytestmark = pytest.mark.integration

BODY = rss("t", [(f"http://news.test/{i}", f"story {i}", "text " * 50) for i in range(20)])


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def fetch(url: str, config: PollerConfig | None = None, **validators: str | None) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(config or PollerConfig()) as fetcher:
            return await fetcher.fetch(url, **validators)

    return asyncio.run(go())


def test_200_then_conditional_304_with_the_stored_validators(server: FeedServer) -> None:
    url = server.set("/a.xml", BODY)
    first = fetch(url)
    assert first.ok and first.status == 200 and first.body == BODY
    assert first.etag and first.last_modified and first.bytes_read == len(BODY)
    second = fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert second.ok and second.not_modified and second.body is None
    sent = server.requests_for("/a.xml")[-1].headers
    assert sent["If-None-Match"] == first.etag
    assert sent["If-Modified-Since"] == first.last_modified
    assert sent["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("newswatch/") and "(+https://github.com/newswatch/newswatch)" \
        in USER_AGENT
    # Last-Modified alone is honoured too
    server.set("/lm.xml", BODY, etag=None)
    lm = fetch(server.url("/lm.xml"))
    assert lm.etag is None and fetch(server.url("/lm.xml"),
                                     last_modified=lm.last_modified).not_modified


def test_gzip_is_requested_and_decoded(server: FeedServer) -> None:
    url = server.set("/gz.xml", BODY, gzip=True)
    result = fetch(url)
    assert result.ok and result.body == BODY
    assert "gzip" in server.requests_for("/gz.xml")[0].headers["Accept-Encoding"]


def test_permanent_redirect_reports_the_new_url_and_a_temporary_one_does_not(
        server: FeedServer) -> None:
    new = server.set("/new.xml", BODY)
    server.set("/moved.xml", Route(status=301, location="/new.xml"))
    server.set("/hop.xml", Route(status=308, location="/moved.xml"))
    server.set("/temp.xml", Route(status=302, location=new))
    server.set("/mixed.xml", Route(status=301, location="/temp.xml"))
    moved = fetch(server.url("/hop.xml"))
    assert moved.ok and moved.body == BODY and moved.permanent_url == new
    temp = fetch(server.url("/temp.xml"))
    assert temp.ok and temp.permanent_url is None and temp.final_url == new
    assert fetch(server.url("/mixed.xml")).permanent_url is None


def test_redirect_loop_is_an_error(server: FeedServer) -> None:
    server.set("/loop.xml", Route(status=302, location="/loop.xml"))
    result = fetch(server.url("/loop.xml"), PollerConfig(max_redirects=3))
    assert result.error_kind == "redirect" and "more than 3 redirects" in (result.error or "")
    assert server.count("/loop.xml") == 4


def test_429_and_503_carry_retry_after(server: FeedServer) -> None:
    server.set("/busy.xml", Route(status=429, retry_after="120"))
    server.set("/down.xml", Route(status=503, retry_after="30"))
    busy, down = fetch(server.url("/busy.xml")), fetch(server.url("/down.xml"))
    assert (busy.error_kind, busy.retry_after_s) == ("rate_limited", 120)
    assert (down.error_kind, down.retry_after_s) == ("rate_limited", 30)


def test_server_and_client_errors(server: FeedServer) -> None:
    server.set("/boom.xml", Route(status=500))
    boom = fetch(server.url("/boom.xml"))
    assert boom.error_kind == "http_5xx" and "500" in (boom.error or "") and not boom.ok
    gone = fetch(server.url("/nothing-here.xml"))
    assert gone.error_kind == "http_4xx" and gone.status == 404


def test_cache_control_max_age_is_read(server: FeedServer) -> None:
    url = server.set("/cc.xml", BODY, headers={"Cache-Control": "public, max-age=1800"})
    assert fetch(url).max_age_s == 1800


def test_slow_answer_times_out(server: FeedServer) -> None:
    url = server.set("/slow.xml", BODY, delay_s=3)
    started = time.monotonic()
    result = fetch(url, PollerConfig(timeout_s=0.5))
    assert result.error_kind == "timeout" and "0.5 s" in (result.error or "")
    assert time.monotonic() - started < 2.5


def test_oversized_body_is_refused(server: FeedServer) -> None:
    big = BODY * 200
    url = server.set("/big.xml", big)
    result = fetch(url, PollerConfig(max_body_bytes=64 * 1024))
    assert result.error_kind == "too_large" and result.body is None
    assert "65536-byte limit" in (result.error or "")
    # a gzip body small on the wire but large inflated is refused as it inflates
    gz_url = server.set("/bomb.xml", b"<rss>" + b" " * 5_000_000 + b"</rss>", gzip=True)
    bomb = fetch(gz_url, PollerConfig(max_body_bytes=64 * 1024))
    assert bomb.error_kind == "too_large" and bomb.body is None


def test_truncated_body_is_an_error(server: FeedServer) -> None:
    url = server.set("/cut.xml", BODY, truncate_to=500)
    result = fetch(url)
    assert result.error_kind == "truncated" and result.body is None
    assert "cut short" in (result.error or "")


def test_connection_refused(server: FeedServer) -> None:
    from newswatch.kafka.broker import free_port

    result = fetch(f"http://127.0.0.1:{free_port()}/x.xml")
    assert result.error_kind == "connection" and result.status is None


def test_per_host_limit_caps_requests_in_flight(server: FeedServer) -> None:
    for i in range(8):
        server.set(f"/s{i}.xml", BODY, delay_s=0.3)

    async def go() -> float:
        async with Fetcher(PollerConfig(per_host_limit=2)) as fetcher:
            started = time.monotonic()
            results = await asyncio.gather(*(fetcher.fetch(server.url(f"/s{i}.xml"))
                                             for i in range(8)))
            assert all(r.ok for r in results)
            return time.monotonic() - started

    elapsed = asyncio.run(go())
    assert elapsed >= 1.15  # 8 requests, 2 at a time, 0.3 s each: four rounds
    times = sorted(r.at for r in server.requests if r.path.startswith("/s"))
    # no more than two answers finish within one 0.3 s round
    assert all(times[i + 2] - times[i] > 0.2 for i in range(len(times) - 2))
