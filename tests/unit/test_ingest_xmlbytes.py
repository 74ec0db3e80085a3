"""Byte-level checks and repairs (ingest.xmlbytes)."""

import feedparser_rs
from newswatch.ingest.xmlbytes import (
    charset_param,
    declared_encoding,
    repair_empty_elements,
    undeclared_encoding_problem,
    wellformedness_error,
    xml_lang,
)

RSS_ITEM = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>'
    "<item><title>A</title>{inner}</item></channel></rss>"
)


def test_declared_encoding():
    assert (
        declared_encoding(b'<?xml version="1.0" encoding="Windows-1251"?><rss/>') == "windows-1251"
    )
    assert declared_encoding(b"  \n<?xml version='1.0' encoding='ISO-8859-1' ?>") == "iso-8859-1"
    assert declared_encoding(b'<?xml version="1.0"?><rss/>') is None
    assert declared_encoding(b"<rss/>") is None


def test_charset_param():
    assert charset_param("application/rss+xml; charset=ISO-8859-1") == "iso-8859-1"
    assert charset_param('text/xml; charset="utf-8"') == "utf-8"
    assert charset_param("text/xml") is None
    assert charset_param(None) is None


def test_undeclared_cp1252_bytes_are_a_problem():
    body = "<rss><channel><title>Stéphane</title></channel></rss>".encode("cp1252")
    assert "not UTF-8" in undeclared_encoding_problem(body)


def test_declared_latin1_and_real_utf8_are_fine():
    latin = '<?xml version="1.0" encoding="iso-8859-1"?><rss><title>é</title></rss>'.encode(
        "latin-1"
    )
    assert undeclared_encoding_problem(latin) is None
    assert undeclared_encoding_problem("<rss><title>é 中</title></rss>".encode()) is None
    assert undeclared_encoding_problem(b"\xef\xbb\xbf<rss/>") is None


def test_http_charset_that_contradicts_the_document_is_a_problem():
    body = "<rss><title>é</title></rss>".encode("latin-1")
    assert "HTTP charset" in undeclared_encoding_problem(body, "text/xml; charset=iso-8859-1")
    assert undeclared_encoding_problem(b"<rss/>", "text/xml; charset=utf-8") is None


def test_wellformedness():
    assert wellformedness_error(b"<rss><channel></channel></rss>") is None
    assert "no element found" in wellformedness_error(b"<rss><channel><title>cut")
    assert "invalid character number" in wellformedness_error(b"<rss>&#1;</rss>")


def test_repair_expands_attribute_empty_elements_and_drops_bare_ones():
    body = b'<item><description/><dc:creator /><source url="http://s"/><enclosure url="u" /></item>'
    assert repair_empty_elements(body) == (
        b'<item><source url="http://s"></source><enclosure url="u"></enclosure></item>'
    )


def test_repair_leaves_cdata_and_comments_alone():
    body = b"<d><![CDATA[a<br/>b]]><!-- <x/> --><y/></d>"
    assert repair_empty_elements(body) == b"<d><![CDATA[a<br/>b]]><!-- <x/> --><y></y></d>"


def test_repair_keeps_the_document_well_formed_and_equivalent():
    body = RSS_ITEM.format(
        inner='<description/><link>http://x.org/a</link><guid isPermaLink="false"/>'
    ).encode()
    repaired = repair_empty_elements(body)
    assert wellformedness_error(repaired) is None
    assert b"<link>http://x.org/a</link>" in repaired


def test_repair_fixes_the_fast_parser_bug_it_exists_for():
    # feedparser-rs 0.7.1 gives the <link> text to an empty <description/> before it. If a
    # later version fixes this, the first assertion fails and the repair can be reconsidered.
    body = RSS_ITEM.format(
        inner="<description/><link>http://x.org/a</link><guid>g1</guid>"
    ).encode()
    broken = feedparser_rs.parse(body, sanitize_html=False).entries[0]
    assert broken.get("link") != "http://x.org/a"
    fixed = feedparser_rs.parse(repair_empty_elements(body), sanitize_html=False).entries[0]
    assert fixed.get("link") == "http://x.org/a"
    assert fixed.get("id") == "g1"


def test_xml_lang():
    assert (
        xml_lang(b'<feed xmlns="http://www.w3.org/2005/Atom"><title xml:lang="zh-Hans">t</title>')
        == "zh-Hans"
    )
    assert xml_lang(b"<rss/>") is None
