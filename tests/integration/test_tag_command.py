"""`newswatch tag`: offline tagging through the real CLI, and the same output as the topic."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from newswatch.processors.role import build_process_runner

from newswatch.contracts import RawArticle, TaggedArticle
from newswatch.kafka.clients import ensure_topics, make_producer
from newswatch.settings import Settings
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.integration

ARTICLE = RawArticle(
    id="kp-1", title="Militants attack checkpoint in Bannu",
    text="Militants of the Tehreek-i-Taliban Pakistan attacked a police checkpoint in Bannu "
         "on Monday, killing three officers, police said. Interior Minister Mohsin Naqvi "
         "condemned the attack in a statement from Islamabad.",
    url="https://news.example/bannu", feed_id="desk")


def _tag(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newswatch.cli.main", "tag", *args],
                          input=stdin, capture_output=True, text=True, timeout=120, check=False)


def test_seed_article_as_json(shared_dir: Path) -> None:
    text = (shared_dir / "seed" / "article-2024-04-04-ttp-talks.txt").read_text("utf-8")
    result = _tag(json.dumps({"id": "seed", "title": "", "text": text}) + "\n")
    assert result.returncode == 0, result.stderr
    tagged = TaggedArticle.model_validate_json(result.stdout)
    assert {"PK", "AF"} <= {c.code for c in tagged.regions.countries}
    assert "Tehreek-i-Taliban Pakistan" in {a.name for a in tagged.actors}
    assert any("TTP" in {e.text for e in a.evidence} for a in tagged.actors)


def test_bad_lines_are_reported_and_the_rest_is_tagged() -> None:
    lines = [ARTICLE.model_dump_json(), "{broken json", json.dumps({"title": "no id"}),
             RawArticle(id="kp-2", text="Floods hit Sindh.").model_dump_json()]
    result = _tag("\n".join(lines) + "\n")
    assert result.returncode == 1
    out = [TaggedArticle.model_validate_json(line) for line in result.stdout.splitlines()]
    assert [t.id for t in out] == ["kp-1", "kp-2"]
    assert "<stdin>:2: skipped" in result.stderr and "<stdin>:3: skipped" in result.stderr
    assert "id" in result.stderr.splitlines()[1]


def test_text_files_are_articles(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(ARTICLE.text, encoding="utf-8")
    result = _tag("", str(path))
    assert result.returncode == 0, result.stderr
    tagged = TaggedArticle.model_validate_json(result.stdout)
    assert tagged.id == "note" and tagged.regions.primary_country == "PK"


def test_tag_command_and_processor_give_identical_output(
        make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    ensure_topics(settings)
    producer = make_producer(settings)
    producer.send(settings.topics.raw, key=ARTICLE.id.encode(),
                  value=ARTICLE.model_dump_json().encode())
    producer.flush()
    producer.close()
    stop = threading.Event()
    runner = build_process_runner(settings, stop)
    thread = threading.Thread(target=runner.run)
    thread.start()
    try:
        records = read_topic(settings, settings.topics.tagged, expect=1, timeout_s=40)
    finally:
        stop.set()
        thread.join(30)
    offline = _tag(ARTICLE.model_dump_json() + "\n")
    assert offline.returncode == 0, offline.stderr
    assert len(records) == 1
    assert json.loads(records[0].value) == json.loads(offline.stdout)
