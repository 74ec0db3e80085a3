"""The compiled tagging modules (``setup.py``) tag exactly as their Python source does.

The installed tagger (compiled where the build had a C compiler) and a copy of the plain
sources tag the shipped demo feeds through the real ``newswatch tag`` command; the outputs
must be the same bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from newswatch.ingest.parse import parse_feed
from newswatch.processors.tagging.compiled import compiled_modules, stale_modules

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# source folder -> where it installs (setup.py maps the role folders into newswatch)
PACKAGES = {"newswatch": "newswatch", "ingest": "newswatch/ingest",
            "processors": "newswatch/processors", "sinks": "newswatch/sinks"}


def _demo_lines() -> str:
    lines = []
    for path in sorted((ROOT / "ingest" / "demo" / "feeds").glob("*.xml")):
        parsed = parse_feed(path.read_bytes(), feed_id=path.stem,
                            feed_url=f"http://127.0.0.1/{path.name}",
                            fetched_at=datetime(2026, 11, 27, tzinfo=UTC))
        lines += [a.model_dump_json() for a in parsed.articles]
    return "\n".join(lines) + "\n"


def _run(code: list[str], stdin: str = "", pythonpath: Path | None = None) -> str:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    result = subprocess.run([sys.executable, *code], input=stdin, capture_output=True, text=True,
                            timeout=300, check=False, env=env,
                            cwd=pythonpath if pythonpath is not None else ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_no_compiled_module_is_older_than_its_source() -> None:
    assert stale_modules() == [], "rebuild: pip install -e . (or delete processors/tagging/*.so)"


def test_compiled_and_plain_modules_tag_the_same(tmp_path: Path) -> None:
    if not compiled_modules():
        pytest.skip("the tagger runs as plain Python here (no compiled modules): nothing to "
                    "compare")
    plain = tmp_path / "plain"
    for folder, installed in PACKAGES.items():
        shutil.copytree(ROOT / folder, plain / installed,
                        ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    where = ["-c", "import newswatch.processors.tagging.persons as m; print(m.__file__)"]
    assert _run(where, pythonpath=plain).strip().endswith(".py")
    assert not _run(where).strip().endswith(".py")

    articles = _demo_lines()
    tag = ["-m", "newswatch.cli.main", "tag"]
    compiled_out, plain_out = _run(tag, articles), _run(tag, articles, pythonpath=plain)
    assert compiled_out.count("\n") == articles.count("\n") > 50
    assert compiled_out == plain_out
