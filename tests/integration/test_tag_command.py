"""`newswatch tag`: offline tagging through the real CLI, and the same output as the topic."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
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


def _tag_bytes(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "newswatch.cli.main", "tag", *args],
                          input=stdin, capture_output=True, timeout=300, check=False)


BAD_LINE = (RawArticle(id="bad", text="Floods in Sindh.").model_dump_json().encode()
            .replace(b"Sindh", b"Si\xffndh"))


def _lines_with_a_bad_byte() -> bytes:
    """A BOM, a good line, a line with an invalid UTF-8 byte, a good line (issue 15, 7)."""
    return (b"\xef\xbb\xbf" + ARTICLE.model_dump_json().encode() + b"\n" + BAD_LINE + b"\n"
            + RawArticle(id="kp-2", text="Floods hit Sindh.").model_dump_json().encode() + b"\n")


def test_a_bad_byte_costs_its_line_only_in_a_file_and_on_stdin_and_a_bom_costs_nothing(
        tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    path.write_bytes(_lines_with_a_bad_byte())
    from_file = _tag_bytes(b"", str(path))
    from_stdin = _tag_bytes(_lines_with_a_bad_byte())
    for result, name in ((from_file, str(path)), (from_stdin, "<stdin>")):
        assert result.returncode == 1, result.stderr
        out = [TaggedArticle.model_validate_json(line) for line in result.stdout.splitlines()]
        assert [t.id for t in out] == ["kp-1", "kp-2"]  # the BOM line and the one after
        assert result.stderr.decode().splitlines() == [
            (f"newswatch tag: {name}:2: skipped: not UTF-8: byte 0xff at byte "
            f"{BAD_LINE.index(0xFF) + 1}")]
    assert from_file.stdout == from_stdin.stdout


def test_a_text_file_with_a_bom_is_read_and_one_with_a_bad_byte_is_reported(
        tmp_path: Path) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_bytes(b"\xef\xbb\xbf" + ARTICLE.text.encode())
    bad.write_bytes(b"Floods in \xc3(Sindh.")
    result = _tag_bytes(b"", str(good), str(bad))
    assert result.returncode == 1
    tagged = TaggedArticle.model_validate_json(result.stdout)
    assert tagged.text == ARTICLE.text and tagged.regions.primary_country == "PK"
    assert f"{bad}: skipped: not UTF-8: byte 0xc3 at byte 11" in result.stderr.decode()


def test_a_twenty_megabyte_line_is_tagged_within_the_cap() -> None:
    filler = "The council met and talked about the roads, the schools and the weather. " * 280_000
    article = RawArticle(id="huge", title="Long", text=ARTICLE.text + " " + filler)
    line = article.model_dump_json().encode() + b"\n"
    assert len(line) > 20_000_000
    started = time.monotonic()
    result = _tag_bytes(line + ARTICLE.model_dump_json().encode() + b"\n")
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    huge, after = [TaggedArticle.model_validate_json(x) for x in result.stdout.splitlines()]
    assert huge.text == article.text and huge.regions.primary_country == "PK"
    assert huge.parse_warnings[0].startswith("tagged the first ")
    assert after.id == "kp-1"
    assert elapsed < 90, f"{elapsed:.0f} s"


def test_no_text_leaves_only_the_text_out_and_summary_is_readable() -> None:
    line = ARTICLE.model_dump_json().encode() + b"\n"
    full = json.loads(_tag_bytes(line).stdout)
    lean = _tag_bytes(line, "--no-text")
    assert lean.returncode == 0, lean.stderr
    assert json.loads(lean.stdout) == {k: v for k, v in full.items() if k != "text"}
    block = _tag_bytes(line, "--format", "summary")
    assert block.returncode == 0, block.stderr
    text = block.stdout.decode()
    assert text.startswith("== kp-1: Militants attack checkpoint in Bannu\n")
    assert "  countries (1)\n    PK Pakistan  " in text
    assert "Tehreek-i-Taliban Pakistan [armed_group" in text
    assert "[Bannu]" in text and "severity " in text and "  events (" in text
    assert "Mohsin Naqvi (Interior Minister" in text
