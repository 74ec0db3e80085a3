"""Serving the console: access from settings, and uvicorn run in the foreground
(``newswatch console``) or in a thread beside the other roles (``newswatch up``)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path

import uvicorn
from newswatch.sinks.alerts.store import SqlAlertStore
from newswatch.sinks.console.app import create_app
from newswatch.sinks.console.auth import Access, AuthConfigError, check_startable, load_users
from newswatch.sinks.console.throttle import SignInThrottle

from newswatch.settings import Settings

__all__ = ["ConsoleServer", "access_from_settings"]

log = logging.getLogger("newswatch.console")


def access_from_settings(settings: Settings) -> Access:
    """Token (setting or token file) and users file from ``settings.console``."""
    console = settings.console
    token = console.token.get_secret_value().strip() if console.token else None
    if console.token_file is not None:
        try:
            token = Path(console.token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise AuthConfigError(f"console token file {console.token_file}: "
                                  f"{exc.strerror or exc}") from None
        if not token:
            raise AuthConfigError(f"console token file {console.token_file} is empty")
    if token is not None and len(token) < 16:
        raise AuthConfigError("the console token must be at least 16 characters")
    users = load_users(Path(console.users_file)) if console.users_file else {}
    return Access(token=token, users=users, session_s=console.session_hours * 3600)


class ConsoleServer:
    """uvicorn serving the console on ``host:port`` (port 0: a free one), in a thread."""

    def __init__(self, settings: Settings, store: SqlAlertStore, *, host: str, port: int,
                 feeds_file: Path | None, state_dir: Path) -> None:
        self.access = access_from_settings(settings)
        check_startable(host, self.access)
        self.host = host
        self._socket = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))  # bound here so a busy port fails before anything runs
        self.port = self._socket.getsockname()[1]
        # listening from here on: a client that connects before uvicorn has started waits in
        # the backlog instead of being refused
        self._socket.listen(128)
        console = settings.console
        throttle = SignInThrottle(limit=console.signin_attempts,
                                  window_s=console.signin_window_minutes * 60)
        app = create_app(store, self.access, feeds_file=feeds_file, state_dir=state_dir,
                         dead_after_s=settings.ingest.dead_after_s, throttle=throttle)
        # open live-event streams never end by themselves: give them a second at shutdown
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning",
                                                     access_log=False, lifespan="on",
                                                     timeout_graceful_shutdown=1))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def serve(self) -> None:
        """Serve until ``stop()`` (or Ctrl-C when run in the main thread)."""
        self._server.run(sockets=[self._socket])

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve, name="console", daemon=True)
        self._thread.start()

    def wait_started(self, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return bool(self._server.started)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self._socket.close()
