"""Which parser library reads a document, and when the fast one is not trusted (ingest.engine)."""

import pytest
from newswatch.ingest.engine import read_document


def rss(
    items: str, *, decl: str = '<?xml version="1.0" encoding="utf-8"?>', extra_ns: str = ""
) -> str:
    return (
        f'{decl}<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"{extra_ns}>'
        f"<channel><title>Desk</title><link>https://news.example/</link>{items}</channel></rss>"
    )


def item(n: int, extra: str = "") -> str:
    return (
        f"<item><title>Story {n}</title><link>https://news.example/{n}</link>"
        f"<pubDate>Tue, 17 Feb 2026 10:0{n}:00 GMT</pubDate>{extra}</item>"
    )


def test_a_clean_feed_is_read_by_the_fast_parser():
    doc = read_document(rss(item(1) + item(2)).encode())
    assert doc.engine == "fast"
    assert doc.fallback_reason is None and doc.malformed is None
    assert [e.get("title") for e in doc.result.entries] == ["Story 1", "Story 2"]


def test_undeclared_windows_1252_goes_to_feedparser_and_keeps_its_letters():
    body = rss(item(1).replace("Story 1", "Stéphane à l’école"), decl="").encode("cp1252")
    doc = read_document(body)
    assert doc.engine == "reference"
    assert "not UTF-8" in doc.fallback_reason
    assert doc.result.entries[0].get("title") == "Stéphane à l’école"
    assert doc.encoding_note  # feedparser says it overrode the declared/implied encoding


def test_prefixed_atom_dates_in_rss_go_to_feedparser():
    body = rss(
        "<item><title>A</title><link>https://news.example/a</link>"
        "<a10:updated>2013-04-06T23:11:00Z</a10:updated></item>",
        extra_ns=' xmlns:a10="http://www.w3.org/2005/Atom"',
    ).encode()
    doc = read_document(body)
    assert doc.engine == "reference"
    assert "prefixed Atom dates" in doc.fallback_reason
    assert doc.result.entries[0].get("updated_parsed")[:3] == (2013, 4, 6)


def test_several_rss_authors_go_to_feedparser():
    body = rss(item(1, "<author>Desk One</author><author>Desk Two</author>")).encode()
    doc = read_document(body)
    assert doc.engine == "reference"
    names = [a.get("name") for a in doc.result.entries[0].get("authors")]
    assert names == ["Desk One", "Desk Two"]


def test_empty_elements_are_repaired_not_sent_to_feedparser():
    body = rss(
        "<item><title>A</title><description/><link>https://news.example/a</link></item>"
    ).encode()
    doc = read_document(body)
    assert doc.engine == "fast"
    assert doc.result.entries[0].get("link") == "https://news.example/a"


def test_truncated_document_is_reported_not_raised():
    body = rss(item(1)).encode()[:-40]
    doc = read_document(body)
    assert doc.malformed and "no element found" in doc.malformed
    assert len(doc.result.entries) <= 1


def test_truncated_before_any_item_falls_back_and_finds_nothing():
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>X</title><!-- oops -->'
    doc = read_document(body)
    assert doc.engine == "reference"
    assert doc.fallback_reason == "fast parser found no entries"
    assert doc.result.entries == []
    assert doc.malformed


def test_recoverable_broken_xml_is_flagged():
    body = rss(item(1, "<description>bad &#1; ref</description>")).encode()
    doc = read_document(body)
    assert doc.result.entries
    assert "invalid character number" in doc.malformed


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_forcing_an_engine(engine):
    doc = read_document(rss(item(1)).encode(), engine=engine)
    assert doc.engine == engine
    assert doc.result.entries[0].get("link") == "https://news.example/1"


def test_a_body_that_looks_like_a_url_is_never_fetched():
    # feedparser.parse() fetches URLs and opens paths given as str/bytes; we hand it a stream.
    for body in (b"http://127.0.0.1:9/feed.xml", b"file:///etc/hostname"):
        doc = read_document(body)
        assert doc.result.entries == []
        assert "status" not in doc.result and not doc.result.get("href")
        assert "URLError" not in type(doc.result.get("bozo_exception")).__name__
