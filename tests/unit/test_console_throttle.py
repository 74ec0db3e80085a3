"""The console's sign-in throttle: failures counted per address and per name in a sliding
window, a pause that a correct password does not shorten, bounded state."""

from __future__ import annotations

import pytest
from newswatch.sinks.console.throttle import SignInThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _throttle(clock: Clock, **kwargs: object) -> SignInThrottle:
    return SignInThrottle(limit=3, window_s=60, clock=clock, **kwargs)  # type: ignore[arg-type]


def test_the_limit_th_failure_pauses_the_address_until_the_window_has_passed() -> None:
    clock = Clock()
    throttle = _throttle(clock)
    for _ in range(2):
        throttle.failed("10.0.0.1", "ana")
        clock.now += 5
    assert throttle.wait_s("10.0.0.1", "ana") == 0
    throttle.failed("10.0.0.1", "ana")
    # paused until the first of the three failures is 60 s old (it was 10 s ago)
    assert throttle.wait_s("10.0.0.1", "ana") == pytest.approx(50)
    assert throttle.wait_s("10.0.0.1", "rui") == pytest.approx(50)  # any name from there
    clock.now += 50.001
    assert throttle.wait_s("10.0.0.1", "ana") == 0
    throttle.failed("10.0.0.1", "ana")  # the window slides: 2 older failures still count
    assert throttle.wait_s("10.0.0.1", "ana") == pytest.approx(5, abs=0.01)


def test_a_name_is_paused_whatever_address_the_guesses_come_from() -> None:
    clock = Clock()
    throttle = _throttle(clock)
    for n in range(3):
        throttle.failed(f"10.0.0.{n}", "Ana")
    assert throttle.wait_s("192.0.2.9", "ana") > 0  # names compare case-insensitively
    assert throttle.wait_s("192.0.2.9", "rui") == 0


def test_a_success_clears_the_counts_of_its_address_and_name() -> None:
    clock = Clock()
    throttle = _throttle(clock)
    for _ in range(2):
        throttle.failed("10.0.0.1", "ana")
    throttle.succeeded("10.0.0.1", "ana")
    throttle.failed("10.0.0.1", "ana")
    throttle.failed("10.0.0.1", "ana")
    assert throttle.wait_s("10.0.0.1", "ana") == 0


def test_state_stays_bounded_and_old_failures_are_forgotten() -> None:
    clock = Clock()
    throttle = _throttle(clock, max_keys=100)
    for n in range(1000):
        throttle.failed(f"10.0.{n // 256}.{n % 256}", f"user{n}")
    assert len(throttle._failures) <= 100
    clock.now += 61
    throttle.wait_s("10.0.3.231", "user999")
    assert ("address", "10.0.3.231") not in throttle._failures


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="limit >= 1"):
        SignInThrottle(limit=0)
    with pytest.raises(ValueError, match="window_s > 0"):
        SignInThrottle(window_s=0)
