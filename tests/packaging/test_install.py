"""newswatch installed as users install it: the sdist and the wheel, each into a fresh venv,
run from a folder outside the source tree (so nothing resolves to the checkout).

- the sdist is built from a clean copy of the tree (no build/, no .so, no venv);
- the wheel is built from that sdist with the C compiler (the tagger compiles) and installed
  into one venv;
- the sdist is installed into another venv with no compiler (``CC=/nonexistent/cc``): plain
  Python tagger;
- ``CC=/nonexistent/cc pip wheel .`` of the tree succeeds.

In each venv ``newswatch tag`` tags all 63 demo articles and ``newswatch up --duration`` raises
alerts, logs JSON lines with no error and no failed record, and exits 0. pip's cache is used, so dependencies are downloaded once per machine; each
artefact is built once per module.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from newswatch.ingest.parse import parse_feed

from newswatch.contracts import Alert, TaggedArticle

pytestmark = [pytest.mark.packaging, pytest.mark.timeout(1200)]

ROOT = Path(__file__).resolve().parents[2]
DEMO_ARTICLES = 63
NO_COMPILER = "/nonexistent/cc"
# what a user's checkout holds that a build must not see (local venvs, earlier builds,
# modules compiled in place by an editable install)
NOT_SOURCE = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__",
                                    "*.so", "var", ".pytest_cache", ".ruff_cache")


def _run(command: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None,
         stdin: str | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env, input=stdin,
                            capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} exited {result.returncode}\n"
        f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}")
    return result


def _user_env(**extra: str) -> dict[str, str]:
    """The environment of a user with no newswatch settings and no PYTHONPATH to the tree."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("NEWSWATCH_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def _compiled_modules(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "newswatch" / "processors" / "tagging").glob("*.so"))


@dataclass(frozen=True)
class Install:
    name: str
    bin: Path
    site: Path


@dataclass(frozen=True)
class Artefacts:
    sdist: Path
    wheel: Path
    source: Path
    work: Path


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Artefacts:
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    dist = work / "dist"
    _run([sys.executable, "-m", "build", "--sdist", "--outdir", dist, source], cwd=work,
         env=_user_env())
    (sdist,) = dist.glob("newswatch-*.tar.gz")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", dist, sdist],
         cwd=work, env=_user_env())
    (wheel,) = dist.glob("newswatch-*.whl")
    return Artefacts(sdist=sdist, wheel=wheel, source=source, work=work)


def _venv(work: Path, name: str, requirement: Path, **env: str) -> Install:
    folder = work / name
    _run([sys.executable, "-m", "venv", folder], cwd=work)
    python = folder / "bin" / "python"
    _run([python, "-m", "pip", "install", "-q", requirement], cwd=work, env=_user_env(**env))
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                cwd=work).stdout.strip()
    return Install(name=name, bin=folder / "bin", site=Path(site))


@pytest.fixture(scope="module")
def installs(artefacts: Artefacts) -> dict[str, Install]:
    return {
        "wheel": _venv(artefacts.work, "venv-wheel", artefacts.wheel),
        "sdist-no-compiler": _venv(artefacts.work, "venv-sdist", artefacts.sdist, CC=NO_COMPILER),
    }


def _demo_lines() -> str:
    lines = []
    for path in sorted((ROOT / "ingest" / "demo" / "feeds").glob("*.xml")):
        parsed = parse_feed(path.read_bytes(), feed_id=path.stem,
                            feed_url=f"http://127.0.0.1/{path.name}",
                            fetched_at=datetime(2026, 11, 27, tzinfo=UTC))
        lines += [article.model_dump_json() for article in parsed.articles]
    return "\n".join(lines) + "\n"


def test_the_wheel_ships_the_data_and_the_compiled_tagger(artefacts: Artefacts) -> None:
    names = zipfile.ZipFile(artefacts.wheel).namelist()
    assert "newswatch/processors/tagging/data/given_names.txt" in names
    assert "newswatch/sinks/alerts/rules.yaml" in names
    assert "newswatch/py.typed" in names
    assert sum(name.endswith(".xml") and "/demo/feeds/" in name for name in names) == 6
    assert any(name.startswith("newswatch/processors/tagging/") and name.endswith(".so")
               for name in names)
    top_level = {name.split("/")[0] for name in names if not name.startswith("newswatch-")}
    assert top_level == {"newswatch"}


def test_pip_wheel_without_a_compiler_builds_plain_python(artefacts: Artefacts) -> None:
    out = artefacts.work / "no-compiler-wheel"
    result = _run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--wheel-dir", out,
                   "."], cwd=artefacts.source, env=_user_env(CC=NO_COMPILER))
    (wheel,) = out.glob("newswatch-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert not [name for name in names if name.endswith(".so")]
    assert "newswatch/processors/tagging/tagger.py" in names
    assert "no working C compiler" in result.stdout + result.stderr


@pytest.mark.parametrize("name", ["wheel", "sdist-no-compiler"])
def test_installed_tag_command_tags_every_demo_article(
        name: str, installs: dict[str, Install], tmp_path: Path) -> None:
    install = installs[name]
    compiled = _compiled_modules(install.site)
    if name == "wheel":
        assert compiled, "the wheel built with a compiler installed no compiled tagger module"
    else:
        assert compiled == [], "built with no compiler, yet compiled modules were installed"
    result = _run([install.bin / "newswatch", "tag"], cwd=tmp_path, env=_user_env(),
                  stdin=_demo_lines(), timeout=300)
    tagged = [TaggedArticle.model_validate_json(line) for line in result.stdout.splitlines()]
    assert len(tagged) == DEMO_ARTICLES
    assert "skipped" not in result.stderr and "Traceback" not in result.stderr
    assert sum(bool(article.regions.countries) for article in tagged) > DEMO_ARTICLES // 2


@pytest.mark.parametrize("name", ["wheel", "sdist-no-compiler"])
def test_installed_up_raises_alerts_and_stops_cleanly(
        name: str, installs: dict[str, Install], tmp_path: Path) -> None:
    """With JSON logs, as a log shipper would read them: stderr is all JSON objects."""
    install = installs[name]
    result = _run([install.bin / "newswatch", "--log-format", "json", "up", "--json",
                   "--duration", "30"], cwd=tmp_path,
                  env=_user_env(NEWSWATCH_METRICS_PORT="0"), timeout=180)
    alerts = [Alert.model_validate_json(line) for line in result.stdout.splitlines()]
    assert alerts, result.stderr[-3000:]
    logs = [json.loads(line) for line in result.stderr.splitlines()]
    # a record the processor cannot tag is logged as "process: record <where> failed: ..."
    problems = [f"{r['level']} {r['logger']}: {r['message']}" for r in logs
                if r["level"] in ("ERROR", "CRITICAL") or r["message"].startswith("process: record")]
    assert problems == []
    assert any(r["message"].startswith("metrics on http://") for r in logs)
