"""Fetching feeds over HTTP, politely: conditional GET, bounded bodies, per-host limits.

asyncio + aiohttp, chosen by measurement (Nov 2026, this 2-core machine, 1,000 GETs of 5 KB
feeds from a local server in another process, 100 connections): aiohttp 0.41 s; requests in a
64-thread pool 2.5 s; httpx's AsyncClient 41 s (its pool queue degrades badly with 1,000
requests waiting).

Every failure becomes a ``FetchResult`` with a bounded ``error_kind`` (used as a metric label)
and a sentence for a person: the poller never sees an aiohttp exception.

Redirects are followed here, not by aiohttp, so we know whether *every* hop was permanent
(301/308): only then is the new URL worth storing, and so every hop is checked against the
address policy (``address_policy.py``: public addresses only, unless allowed) before it is
requested; names are checked again on resolution, by the resolver the connections use.
Concurrency slots are taken before the request's timeout starts, so a feed waiting behind a
slow host's other feeds is not counted as timed out.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Self
from urllib.parse import urljoin, urlsplit

import aiohttp
from newswatch.ingest.address_policy import AddressPolicy, AddressRefused, CheckedResolver
from newswatch.ingest.config import PollerConfig
from newswatch.ingest.politeness import parse_max_age, parse_retry_after

__all__ = ["ERROR_KINDS", "FetchResult", "Fetcher"]

# the complete set of error kinds (metric label values)
ERROR_KINDS = (
    "timeout", "connection", "http_4xx", "http_5xx", "rate_limited", "too_large",
    "truncated", "redirect", "invalid_url", "blocked", "parse", "other",
)
_PERMANENT = (301, 308)
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(slots=True)
class FetchResult:
    url: str
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    permanent_url: str | None = None  # set when every redirect hop was permanent
    retry_after_s: float | None = None
    max_age_s: int | None = None
    error_kind: str | None = None
    error: str | None = None
    elapsed_s: float = 0.0
    bytes_read: int = 0

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error_kind is None and self.status in (200, 304)


class _TooLarge(Exception):
    pass


class Fetcher:
    """One HTTP session shared by every feed; use inside a running event loop.

    ``async with Fetcher(config) as fetcher: result = await fetcher.fetch(url, etag=...)``
    ``policy``: the addresses it may connect to (default: public ones and those named in
    ``NEWSWATCH_ALLOWED_HOSTS``).
    """

    def __init__(self, config: PollerConfig, policy: AddressPolicy | None = None) -> None:
        self.config = config
        self.policy = policy if policy is not None else AddressPolicy.from_env()
        self._session: aiohttp.ClientSession | None = None
        self._all = asyncio.Semaphore(config.max_in_flight)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open(self) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=300,
                                             keepalive_timeout=60,
                                             resolver=CheckedResolver(self.policy))
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.config.user_agent,
                         "Accept": "application/rss+xml, application/atom+xml, "
                                   "application/rdf+xml, application/xml;q=0.9, "
                                   "text/xml;q=0.9, */*;q=0.5"},
                auto_decompress=True,
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        slot = self._hosts.get(host)
        if slot is None:
            slot = self._hosts[host] = asyncio.Semaphore(self.config.per_host_limit)
        return slot

    async def fetch(self, url: str, *, etag: str | None = None,
                    last_modified: str | None = None) -> FetchResult:
        result = FetchResult(url=url)
        if urlsplit(url).scheme not in ("http", "https"):
            result.error_kind, result.error = "invalid_url", f"not an http(s) URL: {url}"
            return result
        refused = self.policy.refusal_for_url(url)
        if refused:
            result.error_kind, result.error = "blocked", f"refused {url}: {refused}"
            return result
        async with self._all, self._host_slot(url):
            started = time.perf_counter()
            try:
                await asyncio.wait_for(self._fetch(result, etag, last_modified),
                                       self.config.timeout_s)
            except TimeoutError:
                result.error_kind = "timeout"
                result.error = f"no complete answer within {self.config.timeout_s:g} s"
            except _TooLarge as exc:
                result.error_kind, result.error = "too_large", str(exc)
                result.body = None
            except AddressRefused as exc:
                result.error_kind, result.error = "blocked", f"refused: {exc}"
                result.body = None
            except aiohttp.ClientPayloadError as exc:
                result.error_kind = "truncated"
                result.error = f"body cut short ({result.bytes_read} bytes read): {exc}"
                result.body = None
            except (aiohttp.ClientConnectionError, OSError) as exc:
                refused = getattr(exc, "os_error", None)  # the resolver's refusal, wrapped
                if isinstance(refused, AddressRefused):
                    result.error_kind, result.error = "blocked", f"refused: {refused}"
                else:
                    result.error_kind = "connection"
                    result.error = f"connection failed: {exc.__class__.__name__}: {exc}"
            except (aiohttp.InvalidURL, ValueError) as exc:
                result.error_kind, result.error = "invalid_url", f"bad URL: {exc}"
            except aiohttp.ClientError as exc:
                result.error_kind, result.error = "other", f"{exc.__class__.__name__}: {exc}"
            result.elapsed_s = time.perf_counter() - started
        return result

    async def _fetch(self, result: FetchResult, etag: str | None,
                     last_modified: str | None) -> None:
        assert self._session is not None, "Fetcher used outside 'async with'"
        url = result.url
        all_permanent = True
        for _hop in range(self.config.max_redirects + 1):
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            async with self._session.get(url, headers=headers, allow_redirects=False,
                                         timeout=aiohttp.ClientTimeout(
                                             total=None,
                                             sock_connect=self.config.connect_timeout_s)
                                         ) as response:
                result.status = response.status
                if response.status in _REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        result.error_kind = "redirect"
                        result.error = f"HTTP {response.status} without a Location header"
                        return
                    all_permanent = all_permanent and response.status in _PERMANENT
                    url = urljoin(url, location)
                    if urlsplit(url).scheme.lower() not in ("http", "https"):
                        result.error_kind = "redirect"
                        result.error = f"redirect to a non-http(s) URL: {url}"
                        return
                    refused = self.policy.refusal_for_url(url)
                    if refused:
                        raise AddressRefused(f"redirect to {url}: {refused}")
                    continue
                result.final_url = url
                if all_permanent and url != result.url:
                    result.permanent_url = url
                self._read_headers(result, response)
                if response.status == 304:
                    return
                if response.status != 200:
                    self._classify_status(result, response.status)
                    return
                result.body = await self._read_body(result, response)
                return
        result.error_kind = "redirect"
        result.error = f"more than {self.config.max_redirects} redirects"

    @staticmethod
    def _read_headers(result: FetchResult, response: aiohttp.ClientResponse) -> None:
        headers = response.headers
        result.etag = headers.get("ETag")
        result.last_modified = headers.get("Last-Modified")
        result.content_type = headers.get("Content-Type")
        result.max_age_s = parse_max_age(headers.get("Cache-Control"))
        result.retry_after_s = parse_retry_after(headers.get("Retry-After"), datetime.now(UTC))

    @staticmethod
    def _classify_status(result: FetchResult, status: int) -> None:
        if status in (429, 503) and result.retry_after_s is not None:
            result.error_kind = "rate_limited"
            result.error = f"HTTP {status}, Retry-After {result.retry_after_s:g} s"
        elif status == 429:
            result.error_kind, result.error = "rate_limited", "HTTP 429 Too Many Requests"
        elif status >= 500:
            result.error_kind, result.error = "http_5xx", f"HTTP {status} from the server"
        else:
            result.error_kind, result.error = "http_4xx", f"HTTP {status}"

    async def _read_body(self, result: FetchResult, response: aiohttp.ClientResponse) -> bytes:
        limit = self.config.max_body_bytes
        declared = response.content_length
        # Content-Length is the *encoded* size; a gzip body is checked again as it inflates
        if declared is not None and declared > limit and not response.headers.get(
                "Content-Encoding"):
            raise _TooLarge(f"body of {declared} bytes exceeds the {limit}-byte limit")
        chunks = []
        async for chunk in response.content.iter_chunked(256 * 1024):
            result.bytes_read += len(chunk)
            if result.bytes_read > limit:
                raise _TooLarge(f"body exceeds the {limit}-byte limit "
                                f"({result.bytes_read} bytes read so far)")
            chunks.append(chunk)
        return b"".join(chunks)
