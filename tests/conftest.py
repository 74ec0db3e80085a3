"""Shared fixtures: a real Kafka-protocol broker (embedded Tansu) for integration tests, and
settings with a unique topic prefix per test so tests never see each other's records."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newswatch.kafka.broker import EmbeddedBroker
from newswatch.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedBroker]:
    with EmbeddedBroker() as running:
        yield running


@pytest.fixture
def make_settings(broker: EmbeddedBroker, tmp_path: Path) -> Callable[..., Settings]:
    """Settings against the session broker; each call gets fresh topics and groups."""

    def make(**overrides: object) -> Settings:
        run = uuid.uuid4().hex[:8]
        values: dict[str, object] = {
            "bootstrap_servers": broker.bootstrap_servers,
            "topic_prefix": f"t{run}.",
            "session_timeout_ms": 6000,
            "heartbeat_interval_ms": 500,
            "broker_timeout_s": 20.0,
            "batch_timeout_ms": 200,
            "metrics_port": 0,
            "state_dir": tmp_path / f"state-{run}",
        }
        values["groups"] = {"process": f"process-{run}", "alert": f"alert-{run}",
                            "poll": f"poll-{run}"}
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}); this test reads the team's shared data")
    return SHARED
