"""Poller knobs: the ``ingest`` section of the one settings class (``NEWSWATCH_INGEST__*``,
e.g. ``NEWSWATCH_INGEST__MAX_BODY_BYTES``), so the CLI, the benchmark and the tests tune the
same names."""

from __future__ import annotations

from typing import Any

from newswatch.settings import USER_AGENT, Ingest

__all__ = ["USER_AGENT", "PollerConfig", "poller_config"]

PollerConfig = Ingest


def poller_config(settings: Any, **overrides: Any) -> PollerConfig:
    """The settings' ingest section, with ``overrides`` validated on top."""
    base = getattr(settings, "ingest", None)
    data = base.model_dump() if base is not None else {}
    return PollerConfig(**{**data, **overrides})
