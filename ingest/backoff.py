"""Exponential backoff with jitter for failing feeds.

Jitter matters more than the exponent here: a host that goes down fails all its feeds at once,
and without jitter they would all come back in lock-step and hit it together.
"""

from __future__ import annotations

import random

__all__ = ["backoff_delay"]


def backoff_delay(failures: int, *, base_s: float, max_s: float,
                  rng: random.Random | None = None) -> float:
    """Seconds to wait after the ``failures``-th consecutive failure (1 = first failure).

    "Equal jitter": the delay is drawn from the upper half of ``base * 2**(failures-1)``
    (capped at ``max_s``), so it keeps growing with each failure yet never collapses to zero.
    """
    if failures <= 0:
        return 0.0
    ceiling = min(max_s, base_s * 2.0 ** min(failures - 1, 62))
    half = ceiling / 2.0
    return half + (rng or random).uniform(0.0, half)
