"""An entry's text is capped at ingest, and the record says so (issue 15, defect 1)."""

from datetime import UTC, datetime

from newswatch.ingest.config import poller_config
from newswatch.ingest.normalise import capped
from newswatch.ingest.parse import parse_feed

from newswatch.settings import Settings
from newswatch.text_limits import MAX_TEXT_CHARS

FETCHED = datetime(2026, 2, 18, 12, 0, tzinfo=UTC)


def _feed(description: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Big</title><link>https://big.example/</link>
<item><title>Huge</title><link>https://big.example/huge</link>
<description>{description}</description></item>
<item><title>Small</title><link>https://big.example/small</link>
<description>Floods in Sindh.</description></item>
</channel></rss>""".encode()


def test_a_megabyte_description_is_cut_to_the_cap_with_a_warning_and_its_neighbour_is_whole():
    words = "Gunmen attacked a checkpoint in Khyber district on Monday. " * 45_000  # 2.7 MB
    parsed = parse_feed(_feed(words), feed_id="big", feed_url="https://big.example/rss",
                        fetched_at=FETCHED)
    huge, small = parsed.articles
    assert len(words) > 2_500_000
    assert 0 < len(huge.text) <= MAX_TEXT_CHARS
    assert words.startswith(huge.text)
    assert huge.text.endswith("Monday.") or huge.text[-1].isalpha()  # no half word
    assert [w for w in huge.parse_warnings if w.startswith("text truncated")] == [
        (f"text truncated: {len(words.strip()):,} characters, the first {len(huge.text):,} "
        f"kept (max_text_chars {MAX_TEXT_CHARS:,})")]
    assert small.text == "Floods in Sindh." and small.parse_warnings == []


def test_the_cap_is_a_setting_and_text_under_it_is_untouched():
    text = "word " * 500  # 2,500 characters
    parsed = parse_feed(_feed(text), feed_id="big", feed_url="https://big.example/rss",
                        fetched_at=FETCHED, max_text_chars=1_000)
    assert len(parsed.articles[0].text) <= 1_000
    assert parsed.articles[0].parse_warnings[0].startswith("text truncated: 2,499 characters")
    assert capped("short text", 1_000) == ("short text", None)


def test_the_cap_without_whitespace_cuts_exactly_at_the_limit():
    text, warning = capped("x" * 5_000, 1_000)
    assert text == "x" * 1_000 and warning is not None


def test_the_poller_reads_the_cap_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSWATCH_INGEST__MAX_TEXT_CHARS", "20000")
    assert poller_config(Settings()).max_text_chars == 20_000
    monkeypatch.delenv("NEWSWATCH_INGEST__MAX_TEXT_CHARS")
    assert poller_config(Settings()).max_text_chars == MAX_TEXT_CHARS
