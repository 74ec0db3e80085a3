"""A static HTTP server for the demo feeds, so ``newswatch up`` polls over real HTTP.

With ``relative_dates`` the feeds' dates are moved relative to the time the server started
(``demo_dates``), so the demo's items are as fresh as a live desk's."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from newswatch.demo_dates import newest_date, shift_dates

__all__ = ["serve_directory"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _ShiftedFeedsHandler(BaseHTTPRequestHandler):
    """Serves the prepared (date-shifted) feed bodies from memory, by file name."""

    bodies: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.bodies.get(self.path.lstrip("/"))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _shifted(directory: Path) -> dict[str, bytes]:
    feeds = {p.name: p.read_bytes() for p in sorted(directory.glob("*.xml"))}
    newest = newest_date(list(feeds.values()))
    now = datetime.now(UTC)
    return {name: shift_dates(xml, newest, now) for name, xml in feeds.items()}


@contextmanager
def serve_directory(directory: Path, host: str = "127.0.0.1", *,
                    relative_dates: bool = False) -> Iterator[str]:
    """Serve ``directory`` on a free port; yields the base URL (ending in ``/``). With
    ``relative_dates``, serve its ``*.xml`` feeds with their dates moved to just before now."""
    handler: Any
    if relative_dates:
        handler = type("_Feeds", (_ShiftedFeedsHandler,), {"bodies": _shifted(directory)})
    else:
        handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="demo-feeds", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
