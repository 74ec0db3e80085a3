"""Which tagging modules are compiled, and which compiled ones are older than their source."""

from __future__ import annotations

import importlib.machinery
import os
from pathlib import Path

from newswatch.processors.tagging.compiled import compiled_modules, stale_modules

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]  # e.g. ".cpython-311-x86_64-linux-gnu.so"


def _touch(path: Path, mtime: float) -> None:
    path.write_text("", encoding="utf-8")
    os.utime(path, (mtime, mtime))


def test_each_compiled_module_is_named_once_and_stale_ones_are_found(tmp_path: Path) -> None:
    _touch(tmp_path / "fresh.py", 1_000)
    _touch(tmp_path / f"fresh{SUFFIX}", 2_000)
    _touch(tmp_path / "edited.py", 3_000)  # changed after its build
    _touch(tmp_path / f"edited{SUFFIX}", 2_000)
    _touch(tmp_path / "plain.py", 3_000)  # never compiled
    assert compiled_modules(tmp_path) == ["edited", "fresh"]
    assert stale_modules(tmp_path) == ["edited"]


def test_a_folder_without_builds_has_none(tmp_path: Path) -> None:
    _touch(tmp_path / "plain.py", 1_000)
    assert compiled_modules(tmp_path) == [] and stale_modules(tmp_path) == []
