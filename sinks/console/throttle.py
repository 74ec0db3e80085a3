"""Failed sign-ins, counted per client address and per user name, so passwords cannot be
guessed at the speed the server answers.

After ``limit`` failures within ``window_s`` from one address, or against one name, the next
sign-in from that address or for that name is refused without checking the password until
the oldest of those failures is ``window_s`` old: a correct password waits like a wrong one,
so the refusal says nothing about the password. A successful sign-in clears both counts.
Counting by name as well stops a guesser who spreads the attempts over many addresses; it
also lets anyone delay one user's sign-in for a window, the usual price of a lockout. The
token sign-in (no name) counts under the empty name.

Pure: the clock is passed in, and the state is bounded (``max_keys`` addresses and names,
the least recently failed forgotten first).
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

__all__ = ["SignInThrottle"]


class SignInThrottle:
    def __init__(self, *, limit: int = 10, window_s: float = 900.0,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("a sign-in throttle needs limit >= 1 and window_s > 0")
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._max_keys = max_keys
        self._failures: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()

    @staticmethod
    def _keys(address: str, name: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return ("address", address), ("name", name.casefold())

    def _recent(self, key: tuple[str, str], now: float) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def wait_s(self, address: str, name: str) -> float:
        """Seconds until a sign-in from ``address`` for ``name`` will be checked (0: now)."""
        now = self._clock()
        wait = 0.0
        for key in self._keys(address, name):
            times = self._recent(key, now)
            if times is not None and len(times) >= self.limit:
                wait = max(wait, times[-self.limit] + self.window_s - now)
        return wait

    def failed(self, address: str, name: str) -> None:
        now = self._clock()
        for key in self._keys(address, name):
            times = self._recent(key, now)
            if times is None:
                times = self._failures[key] = deque(maxlen=self.limit)
            times.append(now)
            self._failures.move_to_end(key)
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)

    def succeeded(self, address: str, name: str) -> None:
        for key in self._keys(address, name):
            self._failures.pop(key, None)
