"""Where the shared data lives: ``../shared`` beside the repository, or ``$NEWSWATCH_SHARED``."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOLD_DIR = REPO / "benchmarks" / "gold"


def shared_dir() -> Path:
    """The shared folder; it may not exist (callers skip with a message then)."""
    override = os.environ.get("NEWSWATCH_SHARED")
    return Path(override) if override else REPO.parent / "shared"
