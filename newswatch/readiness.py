"""Readiness: is this process doing its job, not merely running? Served as ``/ready`` beside
``/metrics`` (200 when ready, 503 with the reasons otherwise) for Kubernetes' readiness probe.

Each running role registers a check that returns ``None`` when it is ready or a short reason
when not. A consuming role is ready once its consumer has joined its group (a member with no
partitions, beyond the partition count, is ready too: it is in the group and takes over when
another leaves) and it has been in touch with a broker lately. A process with no role
registered yet is not ready: it is still starting.

The liveness probe stays on ``/metrics``: a role that cannot reach the broker exits by itself
(``broker_timeout_s``), and restarting a process because Kafka is down would not help.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from kafka.structs import MemberState

__all__ = ["READINESS", "Check", "Readiness", "group_not_joined"]

Check = Callable[[], str | None]


class Readiness:
    """The checks of the roles running in this process."""

    __slots__ = ("_checks", "_lock")

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}
        self._lock = threading.Lock()

    def register(self, name: str, check: Check) -> None:
        with self._lock:
            self._checks[name] = check

    def unregister(self, name: str) -> None:
        with self._lock:
            self._checks.pop(name, None)

    def report(self) -> tuple[bool, list[str]]:
        """(ready, one line per role: ``name: ready`` or ``name: <reason>``)."""
        with self._lock:
            checks = dict(self._checks)
        if not checks:
            return False, ["starting: no role running yet"]
        lines, ready = [], True
        for name, check in sorted(checks.items()):
            try:
                reason = check()
            except Exception as exc:  # noqa: BLE001 - a failing check means not ready, not a 500
                reason = f"check failed: {type(exc).__name__}: {exc}"
            ready = ready and reason is None
            lines.append(f"{name}: {reason or 'ready'}")
        return ready, lines


READINESS = Readiness()


def group_not_joined(consumer: Any) -> str | None:
    """None when a kafka-python consumer is a stable member of its group, else why not.
    kafka-python has no public call for this; its coordinator's state is what it acts on."""
    coordinator = getattr(consumer, "_coordinator", None)
    state = getattr(coordinator, "state", None)
    if state is None:
        return "consumer has no group coordinator"
    if state != MemberState.STABLE:
        return f"consumer group not joined yet ({str(state).strip('<>')})"
    return None
