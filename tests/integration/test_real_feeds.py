"""Every saved real feed in ../shared/feeds/real parses into sane articles, and the fast parser
path agrees with the feedparser reference on every one of them (the differential test).

The feeds are third-party files kept outside the repository (see their SOURCES.md), so these
tests skip when ``../shared`` is absent.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import feedparser
import pytest
from newswatch.ingest.parse import ParsedFeed, parse_feed

REAL_FEEDS = Path(__file__).resolve().parents[3] / "shared" / "feeds" / "real"
FILES = sorted(REAL_FEEDS.glob("*.xml")) if REAL_FEEDS.is_dir() else []
# Later than every feed's own dates (2013-2026), so none of them is "in the future".
FETCHED = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not FILES,
        reason=f"real feeds not available: {REAL_FEEDS} is absent (it lives beside the repo)",
    ),
]

# Fields that must be identical whichever library read the document.
SAME_FIELDS = (
    "id",
    "title",
    "url",
    "canonical_url",
    "guid",
    "published_at",
    "published_at_source",
    "language",
    "authors",
    "categories",
    "feed_title",
)


@cache
def parsed(name: str, engine: str = "auto") -> ParsedFeed:
    body = (REAL_FEEDS / name).read_bytes()
    return parse_feed(
        body,
        feed_id=Path(name).stem,
        feed_url=f"https://feeds.invalid/{name}",
        fetched_at=FETCHED,
        engine=engine,  # type: ignore[arg-type]
    )


@cache
def reference_entries(name: str) -> list:
    return feedparser.parse(io.BytesIO((REAL_FEEDS / name).read_bytes())).entries


def names() -> list[str]:
    return [p.name for p in FILES]


@pytest.mark.parametrize("name", names())
def test_feed_parses_into_sane_articles_or_a_clear_error(name: str) -> None:
    result = parsed(name)
    if result.error:
        # Only acceptable when nothing at all could be read, with a reason a human can act on.
        assert result.articles == []
        assert len(result.error) > 20
        assert not reference_entries(name), "feedparser reads entries that we reported as an error"
        return
    assert result.articles, "no error, so there must be articles"
    assert len(result.articles) == len(reference_entries(name))
    for article in result.articles:
        assert article.title and article.title == article.title.strip()
        assert "\n" not in article.title
        assert article.url and article.url.startswith(("http://", "https://")), article.url
        assert article.canonical_url and "#" not in article.canonical_url
        assert "utm_" not in article.canonical_url
        assert article.published_at.tzinfo is not None
        assert article.published_at.utcoffset() == timedelta(0)
        assert (
            datetime(1990, 1, 1, tzinfo=UTC) <= article.published_at <= FETCHED + timedelta(days=1)
        )
        assert article.fetched_at == FETCHED
        for text in (article.title, article.text):
            assert "\ufffd" not in text, "mis-decoded bytes"
            assert "<p>" not in text and "<br" not in text and "&amp;" not in text
            assert "&nbsp;" not in text and "&#" not in text
        assert "" not in article.categories
        assert len(article.id) == 32


@pytest.mark.parametrize("name", names())
def test_a_date_is_taken_from_the_feed_whenever_the_entry_has_one(name: str) -> None:
    # feedparser's raw date strings decide which entries are dated: those must be read (by the
    # fast paths or dateparser), the others get fetched_at.
    for article, entry in zip(parsed(name).articles, reference_entries(name), strict=True):
        has_date = bool(dict.get(entry, "published") or dict.get(entry, "updated"))
        assert article.published_at_source == ("feed" if has_date else "fetched_at"), article.url


@pytest.mark.parametrize("name", names())
def test_fast_path_agrees_with_the_feedparser_reference(name: str) -> None:
    auto, reference = parsed(name), parsed(name, "reference")
    assert (auto.error is None) == (reference.error is None)
    assert (auto.ttl_s, auto.update_period_s, auto.feed_title) == (
        reference.ttl_s,
        reference.update_period_s,
        reference.feed_title,
    )
    assert len(auto.articles) == len(reference.articles)
    for a, r in zip(auto.articles, reference.articles, strict=True):
        for field in SAME_FIELDS:
            assert getattr(a, field) == getattr(r, field), (field, a.url)
        assert bool(a.text) == bool(r.text), a.url


def _differs(name: str) -> bool:
    fast, reference = parsed(name, "fast"), parsed(name, "reference")
    if len(fast.articles) != len(reference.articles):
        return True
    return any(
        getattr(a, field) != getattr(r, field)
        for a, r in zip(fast.articles, reference.articles, strict=True)
        for field in SAME_FIELDS
    )


def test_every_feed_the_fast_parser_gets_wrong_is_routed_to_feedparser() -> None:
    # The forced fast path (with the empty-element repair) shows where feedparser-rs alone is
    # wrong; each of those feeds must be detected and read by the reference instead.
    wrong = [name for name in names() if _differs(name)]
    undetected = [name for name in wrong if parsed(name).engine != "reference"]
    assert undetected == []
    # ...and the fallback stays the exception: most feeds take the fast path.
    fast_share = sum(parsed(name).engine == "fast" for name in names()) / len(FILES)
    assert fast_share >= 0.75


def _only(name: str) -> ParsedFeed:
    if not (REAL_FEEDS / name).exists():
        pytest.skip(f"{name} not in {REAL_FEEDS}")
    return parsed(name)


def test_truncated_reuters_response_is_an_error_with_a_reason() -> None:
    result = _only("reuters-mostread-truncated-2020.xml")
    assert result.articles == []
    assert result.error.startswith("malformed XML and no entries could be read")
    assert "no element found" in result.error


def test_recovered_broken_xml_is_flagged_on_every_article() -> None:
    result = _only("nextinpact-badcharref-rss2-2014.xml")
    assert result.articles
    assert any(w.startswith("malformed XML (recovered)") for w in result.warnings)
    # the feed's warnings open every article's; one article of 119,967 characters also
    # says it was cut to max_text_chars
    assert all(a.parse_warnings[:len(result.warnings)] == result.warnings
               for a in result.articles)
    extra = [a.parse_warnings[len(result.warnings):] for a in result.articles]
    assert [x for x in extra if x] == [[
        "text truncated: 119,967 characters, the first 100,000 kept (max_text_chars 100,000)"]]


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("oren-ru-windows1251-rss2.xml", "абвгдеж"),
        ("jn-pt-iso8859-1-rss2-2018.xml", "ãçéõ"),
        ("uol-noticias-nodecl-latin1-2018.xml", "ãçéõ"),
        ("cerclepsy-cp1252-undeclared-rss2-2013.xml", "éèà"),
    ],
)
def test_legacy_encodings_are_decoded(name: str, letters: str) -> None:
    text = " ".join(a.title + " " + a.text for a in _only(name).articles).lower()
    assert any(ch in text for ch in letters)


def test_undeclared_encodings_are_flagged() -> None:
    for name in (
        "uol-noticias-nodecl-latin1-2018.xml",
        "cerclepsy-cp1252-undeclared-rss2-2013.xml",
    ):
        assert any(w.startswith("encoding guessed") for w in _only(name).warnings)


def test_relative_atom_links_resolve_against_the_feed_link() -> None:
    result = _only("tpm-all-atom.xml")
    assert result.feed_link == "http://talkingpointsmemo.com"
    assert all(a.url.startswith("http://talkingpointsmemo.com/") for a in result.articles)


def test_tracking_parameters_seen_in_real_feeds_are_removed() -> None:
    for name, param in [
        ("aljazeera-all-rss2-2026.xml", "traffic_source="),
        ("bbc-world-rss2-2026.xml", "at_medium="),
        ("dw-all-rdf-2026.xml", "maca="),
        ("thehindu-news-rss2-2016.xml", "utm_source="),
        ("nzherald-top-rss2-2021.xml", "ref=rss"),
    ]:
        articles = _only(name).articles
        assert any(param in (a.url or "") for a in articles), f"{name}: quirk not present any more"
        assert not any(param in (a.canonical_url or "") for a in articles), name


def test_dates_from_odd_formats() -> None:
    # ISO offset without colon, named zone, Portuguese month names, prefixed Atom dates.
    for name in (
        "al-monitor-rss2-2026.xml",
        "csmonitor-all-rss2-2026.xml",
        "uol-noticias-nodecl-latin1-2018.xml",
        "pcinpact-rss2-a10dates-2013.xml",
    ):
        assert all(a.published_at_source == "feed" for a in _only(name).articles), name
    # '2026-02-17T17:36:36-0500' is 22:36 UTC (feedparser-rs alone says 17:36).
    first = _only("al-monitor-rss2-2026.xml").articles[0]
    assert (first.published_at.hour, first.published_at.minute) == (22, 36)


def test_feed_metadata() -> None:
    assert _only("bbc-world-rss2-2026.xml").ttl_s == 15 * 60
    assert _only("caravan-india-rss2-2016.xml").update_period_s == 3600
    assert all(a.language == "zh-Hans" for a in _only("bbc-chinese-atom-2015.xml").articles)
