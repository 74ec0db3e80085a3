"""The integration tests serve feeds on loopback, which the poller refuses by default (issue 15,
defect 5): they name it in the allow-list, as an intranet deployment names its own hosts."""

from __future__ import annotations

import pytest

LOOPBACK_ALLOWED = "127.0.0.1/32,::1/128,localhost"


@pytest.fixture(autouse=True)
def allow_loopback_feeds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_ALLOWED_HOSTS", LOOPBACK_ALLOWED)
