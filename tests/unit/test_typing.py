"""mypy is clean on ``processors/`` (the tagger and the processor role).

setup.py installs ``processors/`` as ``newswatch.processors``, a mapping mypy cannot follow
(nor the editable install's import hook). The test therefore lays the installed namespace out
in a temporary folder of symbolic links - ``newswatch/`` holding the shared package's entries
and the role folders - and checks ``-p newswatch.processors`` there. The settings are the
``[tool.mypy]`` section of ``pyproject.toml``: modules that ``processors/`` imports are read
for their types but not reported (``follow_imports = "silent"``).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROLE_FOLDERS = ("ingest", "processors", "sinks")

pytestmark = pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                                reason="mypy is not installed (pip install -e '.[test]')")


def _namespace(tmp: Path) -> Path:
    """A ``newswatch/`` folder of links, laid out as setup.py installs the package."""
    package = tmp / "newswatch"
    package.mkdir(parents=True)
    for entry in (ROOT / "newswatch").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    for folder in ROLE_FOLDERS:
        (package / folder).symlink_to(ROOT / folder)
    return tmp


def test_mypy_is_clean_on_processors(tmp_path: Path) -> None:
    base = _namespace(tmp_path / "src")
    env = {**os.environ, "MYPYPATH": str(base)}
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "cache"), "-p", "newswatch.processors"],
        check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    report = (run.stdout + run.stderr).replace(str(base / "newswatch") + os.sep, "")
    if run.returncode != 0 or "Success" not in report:
        pytest.fail(f"mypy on processors/ (exit {run.returncode}):\n{report}", pytrace=False)
