"""`newswatch stories`: offline story assignment through the real CLI, on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newswatch.contracts import TaggedArticle

pytestmark = pytest.mark.integration

RAW = [
    {"id": "dawn-1", "title": "Suicide bomber kills 23 at vegetable market in Peshawar",
     "text": "A suicide bomber killed at least 23 people at a vegetable market in Peshawar on "
             "Monday, police said. The Tehreek-i-Taliban Pakistan claimed the attack.",
     "published_at": "2026-02-02T09:00:00Z", "source": "Dawn"},
    {"id": "dawn-2", "title": "Suicide bomber kills 9 at police station in Bannu",
     "text": "A suicide bomber killed at least 9 people at a police station in Bannu on "
             "Wednesday, police said. The Tehreek-i-Taliban Pakistan claimed the attack.",
     "published_at": "2026-02-04T09:00:00Z", "source": "Dawn"},
    {"id": "bbc-1", "title": "Peshawar market blast: 23 dead as suicide bomber strikes",
     "text": "At least 23 people were killed when a suicide bomber blew himself up at a busy "
             "vegetable market in Peshawar on Monday. The Tehreek-i-Taliban Pakistan said it "
             "carried out the attack.",
     "published_at": "2026-02-02T09:25:00Z", "source": "BBC"},
]


def _stories(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newswatch.cli.main", "stories", *args],
                          input=stdin, capture_output=True, text=True, timeout=180, check=False)


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_raw_articles_are_tagged_sorted_by_time_and_grouped(tmp_path: Path) -> None:
    result = _stories(str(_write(tmp_path / "raw.jsonl", RAW)))
    assert result.returncode == 0, result.stderr
    out = [TaggedArticle.model_validate_json(line) for line in result.stdout.splitlines()]
    assert [a.id for a in out] == ["dawn-1", "bbc-1", "dawn-2"]  # time order
    by_id = {a.id: a for a in out}
    assert by_id["dawn-1"].story_id == by_id["bbc-1"].story_id
    assert by_id["dawn-2"].story_id not in (None, by_id["dawn-1"].story_id)
    assert by_id["dawn-1"].regions.primary_country == "PK"  # it was tagged
    assert by_id["bbc-1"].feed_title == "BBC"  # the raw line's source


def test_tagged_input_gives_the_same_stories_and_brief_output(tmp_path: Path) -> None:
    tagged = subprocess.run(
        [sys.executable, "-m", "newswatch.cli.main", "tag", str(_write(tmp_path / "r.jsonl", RAW))],
        capture_output=True, text=True, timeout=180, check=True).stdout
    (tmp_path / "tagged.jsonl").write_text(tagged, encoding="utf-8")
    brief = _stories("--brief", str(tmp_path / "tagged.jsonl"))
    assert brief.returncode == 0, brief.stderr
    lines = [json.loads(line) for line in brief.stdout.splitlines()]
    assert [sorted(line) for line in lines] == [["id", "story_id", "title"]] * 3
    stories = {line["id"]: line["story_id"] for line in lines}
    full = _stories(str(_write(tmp_path / "raw2.jsonl", RAW)))
    assert {a["id"]: a["story_id"] for a in map(json.loads, full.stdout.splitlines())} == stories


def test_stdin_and_bad_lines_are_reported_and_skipped() -> None:
    # line 5: JSON nested 100,000 deep (json.loads raised RecursionError, a traceback)
    lines = [json.dumps(RAW[0]), "{broken", json.dumps({"title": "no id"}), json.dumps(RAW[2]),
             "[" * 100_000]
    result = _stories("--brief", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["dawn-1", "bbc-1"]
    assert out[0]["story_id"] == out[1]["story_id"]
    assert "<stdin>:2: skipped" in result.stderr and "<stdin>:3: skipped" in result.stderr
    assert "<stdin>:5: skipped" in result.stderr and "Traceback" not in result.stderr


def test_missing_file_is_reported(tmp_path: Path) -> None:
    result = _stories("--brief", str(tmp_path / "nope.jsonl"),
                      str(_write(tmp_path / "raw.jsonl", RAW[:1])))
    assert result.returncode == 1
    assert "nope.jsonl: skipped" in result.stderr
    assert json.loads(result.stdout)["id"] == "dawn-1"
