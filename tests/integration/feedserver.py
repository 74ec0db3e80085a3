"""A real HTTP server on localhost that serves feeds the way real publishers misbehave.

Each path gets a ``Route``: a body with ETag/Last-Modified (answering 304 to matching
conditional requests), or a forced status (500, 429/503 with Retry-After), a redirect (301, 302,
308), a slow answer, a gzip-encoded body, a body cut short (the connection closes before
Content-Length bytes were sent), a slow drip (a few bytes at a time, forever). Every request is logged with its time and headers, so a test
can assert what the poller sent, and how often.

Runs in a background thread (tests) or as the main loop of a separate process (benchmarks,
so the server does not compete for the poller's GIL): ``serve_forever(routes, port, ready)``.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import threading
import time
from dataclasses import dataclass, field, replace
from email.utils import formatdate
from typing import Any, Self

from aiohttp import web

__all__ = ["FeedServer", "RequestLog", "Route", "rss", "serve_forever"]


def rss(title: str, items: list[tuple[str, str, str]], *, ttl_min: int | None = None) -> bytes:
    """A small RSS 2.0 document; items are (guid/link, title, description)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
        f"<title>{title}</title><link>http://example.test/</link>",
        "<description>test feed</description>",
    ]
    if ttl_min is not None:
        parts.append(f"<ttl>{ttl_min}</ttl>")
    for link, item_title, text in items:
        parts.append(
            f"<item><title>{item_title}</title><link>{link}</link><guid>{link}</guid>"
            f"<description>{text}</description>"
            "<pubDate>Tue, 17 Feb 2026 13:56:24 +0000</pubDate></item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


@dataclass(frozen=True)
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = "auto"  # "auto": a hash of the body; None: send no ETag
    last_modified: str | None = "auto"  # "auto": fixed date; None: send no Last-Modified
    conditional: bool = True  # answer 304 to a matching If-None-Match / If-Modified-Since
    gzip: bool = False
    delay_s: float = 0.0
    retry_after: str | None = None
    location: str | None = None  # for 3xx
    truncate_to: int | None = None  # send only this many body bytes, then drop the connection
    drip_s: float = 0.0  # send the body 16 bytes at a time, this long apart (a slow drip)
    headers: dict[str, str] = field(default_factory=dict)

    def resolved_etag(self) -> str | None:
        if self.etag == "auto":
            return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'
        return self.etag

    def resolved_last_modified(self) -> str | None:
        if self.last_modified == "auto":
            return "Tue, 17 Feb 2026 12:00:00 GMT"
        return self.last_modified


@dataclass(frozen=True, slots=True)
class RequestLog:
    path: str
    at: float  # time.time()
    headers: dict[str, str]
    status: int


class FeedServer:
    """``with FeedServer() as server: server.set("/a.xml", Route(body=...)); server.url("/a.xml")``"""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._routes: dict[str, Route] = {}
        self._gzipped: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.requests: list[RequestLog] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.log_requests = True

    # -- routes -------------------------------------------------------------------------------
    def set(self, path: str, route: Route | bytes, **changes: Any) -> str:
        if isinstance(route, bytes):
            route = Route(body=route)
        route = replace(route, **changes) if changes else route
        with self._lock:
            self._routes[path] = route
            if route.gzip:
                self._gzipped[path] = gzip.compress(route.body, compresslevel=5, mtime=0)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def count(self, path: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)

    def requests_for(self, path: str) -> list[RequestLog]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # -- serving ------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        with self._lock:
            route = self._routes.get(path)
            gzipped = self._gzipped.get(path)
        if route is None:
            return self._log(request, web.Response(status=404, text="no such feed"))
        if route.delay_s:
            await asyncio.sleep(route.delay_s)
        extra = dict(route.headers)
        if route.retry_after is not None:
            extra["Retry-After"] = route.retry_after
        if 300 <= route.status < 400 and route.location:
            extra["Location"] = route.location
            return self._log(request, web.Response(status=route.status, headers=extra))
        if route.status != 200:
            return self._log(request, web.Response(status=route.status, headers=extra,
                                                   text=f"status {route.status}"))
        etag, last_modified = route.resolved_etag(), route.resolved_last_modified()
        if etag:
            extra["ETag"] = etag
        if last_modified:
            extra["Last-Modified"] = last_modified
        if route.conditional and self._not_modified(request, etag, last_modified):
            return self._log(request, web.Response(status=304, headers=extra))
        body = route.body
        if gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
            body = gzipped
            extra["Content-Encoding"] = "gzip"
        extra["Content-Type"] = route.content_type
        if route.drip_s:
            response = web.StreamResponse(status=200, headers=extra)
            response.content_length = len(body)
            await response.prepare(request)
            self._log(request, response)
            for start in range(0, len(body), 16):
                await asyncio.sleep(route.drip_s)
                try:
                    await response.write(body[start:start + 16])
                except (ConnectionError, RuntimeError):  # the client gave up: as it should
                    return response
            return response
        if route.truncate_to is not None:
            response = web.StreamResponse(status=200, headers=extra)
            response.content_length = len(body)
            await response.prepare(request)
            await response.write(body[: route.truncate_to])
            self._log(request, response)
            assert request.transport is not None
            request.transport.close()
            return response
        return self._log(request, web.Response(status=200, body=body, headers=extra))

    @staticmethod
    def _not_modified(request: web.Request, etag: str | None, last_modified: str | None) -> bool:
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            return etag is not None and etag in [t.strip() for t in if_none_match.split(",")]
        since = request.headers.get("If-Modified-Since")
        return since is not None and last_modified is not None and since == last_modified

    def _log(self, request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
        if self.log_requests:
            entry = RequestLog(request.path, time.time(), dict(request.headers), response.status)
            with self._lock:
                self.requests.append(entry)
        return response

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, backlog=1024)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]

    def start(self) -> FeedServer:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self._start())
            ready.set()
            self._loop.run_forever()
            assert self._runner is not None
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="feedserver", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("feed server did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_forever(routes: dict[str, Route], port: int, ready: Any = None,
                  host: str = "127.0.0.1") -> None:
    """Serve ``routes`` in this process until killed (the benchmark's server process)."""
    server = FeedServer(host, port)
    server.log_requests = False
    for path, route in routes.items():
        server.set(path, route)

    async def main() -> None:
        await server._start()
        if ready is not None:
            ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def http_date(ts: float | None = None) -> str:
    return formatdate(ts if ts is not None else time.time(), usegmt=True)
