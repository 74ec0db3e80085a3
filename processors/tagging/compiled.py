"""Which tagging modules run compiled (see ``setup.py``), and which of those are stale.

A compiled module sits beside its source as ``NAME.cpython-*.so`` and Python imports it in
preference to ``NAME.py``. After an edit of ``NAME.py`` the old build would still run, so
``stale_modules`` names every compiled module older than its source, and importing the
tagger warns of them where that can happen: in a source tree (an editable install, with
``setup.py`` beside the packages). An installed wheel writes sources and builds in one go, in
an order that says nothing about which was edited last.
"""

from __future__ import annotations

import importlib.machinery
from pathlib import Path

__all__ = ["IN_SOURCE_TREE", "compiled_modules", "stale_modules"]

_HERE = Path(__file__).resolve().parent
IN_SOURCE_TREE = (_HERE.parents[1] / "setup.py").is_file()


def _builds(folder: Path) -> dict[str, Path]:
    """Module name -> its compiled file, for every compiled module in ``folder``."""
    out: dict[str, Path] = {}
    seen: set[Path] = set()
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:  # the most specific first
        for path in folder.glob(f"*{suffix}"):
            if path not in seen:  # "x.cpython-311-....so" also ends in ".so"
                seen.add(path)
                out.setdefault(path.name[:-len(suffix)], path)
    return out


def compiled_modules(folder: Path = _HERE) -> list[str]:
    return sorted(_builds(folder))


def stale_modules(folder: Path = _HERE) -> list[str]:
    """Compiled modules whose source was changed after they were built."""
    stale = []
    for name, build in _builds(folder).items():
        source = folder / f"{name}.py"
        if source.exists() and source.stat().st_mtime > build.stat().st_mtime:
            stale.append(name)
    return sorted(stale)
