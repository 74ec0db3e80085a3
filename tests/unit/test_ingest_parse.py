"""parse_feed end to end on small hand-written feeds (ingest.parse, ingest.normalise)."""

from datetime import UTC, datetime, timedelta

import pytest
from newswatch.ingest.identity import article_id, canonical_url
from newswatch.ingest.normalise import author_name, language_tag, resolve_link
from newswatch.ingest.parse import parse_feed

FETCHED = datetime(2026, 2, 18, 12, 0, tzinfo=UTC)

RSS2 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
  <title><![CDATA[  Frontier Desk
  ]]></title>
  <link>https://frontier.example/</link>
  <language>en-gb</language>
  <ttl>15</ttl>
  <sy:updatePeriod>hourly</sy:updatePeriod>
  <sy:updateFrequency>2</sy:updateFrequency>
  <item>
    <title><![CDATA[Floods cut the Karakoram Highway &amp; strand 300]]></title>
    <link>https://frontier.example/news/floods-kkh/?utm_source=rss&amp;utm_medium=feed</link>
    <guid isPermaLink="false">fd-1001</guid>
    <description>&lt;p&gt;Short teaser.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>Landslides blocked the highway near Chilas on Monday.</p>
      <p>Officials said <b>300 travellers</b> were stranded.</p><script>track()</script>]]></content:encoded>
    <dc:creator>Staff Reporter</dc:creator>
    <category>Pakistan</category>
    <category>  </category>
    <category>Weather</category>
    <pubDate>Tue, 17 Feb 2026 09:15:00 +0500</pubDate>
  </item>
  <item>
    <title>Second story</title>
    <link>https://frontier.example/news/second</link>
    <description>Plain text summary.</description>
    <pubDate>Tue, 17 Feb 2026 10:00:00 GMT</pubDate>
  </item>
</channel>
</rss>"""


def parse(body, **kw):
    kw.setdefault("feed_id", "frontier")
    kw.setdefault("feed_url", "https://frontier.example/rss.xml")
    kw.setdefault("fetched_at", FETCHED)
    return parse_feed(body.encode() if isinstance(body, str) else body, **kw)


def test_rss2_entry_is_normalised():
    parsed = parse(RSS2)
    assert parsed.error is None and parsed.warnings == []
    assert parsed.feed_title == "Frontier Desk"
    assert parsed.ttl_s == 15 * 60
    assert parsed.update_period_s == 3600 // 2
    first, second = parsed.articles
    assert first.title == "Floods cut the Karakoram Highway & strand 300"
    # content:encoded is the longer real text; the script is gone; paragraphs kept.
    assert first.text == (
        "Landslides blocked the highway near Chilas on Monday.\n\n"
        "Officials said 300 travellers were stranded."
    )
    assert first.url == "https://frontier.example/news/floods-kkh/?utm_source=rss&utm_medium=feed"
    assert first.canonical_url == "https://frontier.example/news/floods-kkh"
    assert first.id == article_id("https://frontier.example/news/floods-kkh")
    assert first.guid == "fd-1001"
    assert first.authors == ["Staff Reporter"]
    assert first.categories == ["Pakistan", "Weather"]
    assert first.language == "en-GB"
    assert first.published_at == datetime(2026, 2, 17, 4, 15, tzinfo=UTC)
    assert first.published_at_source == "feed"
    assert first.fetched_at == FETCHED
    assert (first.feed_id, first.feed_title) == ("frontier", "Frontier Desk")
    assert second.text == "Plain text summary."
    assert first.content_hash != second.content_hash


def test_both_parsers_produce_the_same_records():
    fast = parse(RSS2, engine="fast").articles
    reference = parse(RSS2, engine="reference").articles
    assert [a.model_dump() for a in fast] == [a.model_dump() for a in reference]


def test_polling_twice_gives_the_same_ids_and_an_edit_changes_only_the_hash():
    before = parse(RSS2).articles[1]
    again = parse(RSS2, fetched_at=FETCHED + timedelta(minutes=15)).articles[1]
    edited = parse(RSS2.replace("Plain text summary.", "Plain text summary, updated.")).articles[1]
    assert before.id == again.id == edited.id
    assert before.content_hash == again.content_hash != edited.content_hash


RSS1_RDF = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://wave.example/"><title>Wave</title><link>https://wave.example/</link>
    <items><rdf:Seq><rdf:li rdf:resource="https://wave.example/a"/></rdf:Seq></items></channel>
  <item rdf:about="https://wave.example/a"><title>Quake felt in Kabul</title>
    <link>https://wave.example/a</link><description>A 5.1 quake.</description>
    <dc:date>2026-02-18T00:15:00Z</dc:date><dc:language>en</dc:language></item>
</rdf:RDF>"""


def test_rss1_rdf_with_dc_date():
    (article,) = parse(RSS1_RDF).articles
    assert article.title == "Quake felt in Kabul"
    assert article.published_at == datetime(2026, 2, 18, 0, 15, tzinfo=UTC)
    assert article.published_at_source == "feed"


RSS092_NO_DATES = """<?xml version="1.0"?>
<rss version="0.92"><channel><title>Weekly</title><link>http://weekly.example/</link>
<item><title>Undated piece</title><link>http://weekly.example/p/1</link>
<description>Text.</description></item></channel></rss>"""


def test_undated_entries_use_fetched_at_and_say_so():
    (article,) = parse(RSS092_NO_DATES).articles
    assert article.published_at == FETCHED
    assert article.published_at_source == "fetched_at"
    assert article.parse_warnings == []  # a missing date is normal, not a warning


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de-de">
  <title type="html">Netz &amp;amp; Politik</title>
  <link rel="alternate" href="https://politik.example/"/>
  <link rel="self" href="https://politik.example/feed.atom"/>
  <author><name>Redaktion</name></author>
  <id>tag:politik.example,2026:feed</id>
  <updated>2026-02-17T12:00:00+01:00</updated>
  <entry>
    <title>Wahl in Sachsen</title>
    <link href="/artikel/wahl-sachsen/"/>
    <id>tag:politik.example,2026:1</id>
    <published>2026-02-17T11:00:00+01:00</published>
    <updated>2026-02-17T11:30:00+01:00</updated>
    <summary>Kurz.</summary>
    <content type="html">&lt;p&gt;Die Wahl &amp;amp;mdash; ein langer Text.&lt;/p&gt;</content>
  </entry>
</feed>"""


def test_atom_relative_links_inherited_authors_and_xml_lang():
    parsed = parse(ATOM, feed_url="https://cdn.example/mirror/feed.atom")
    assert parsed.feed_title == "Netz & Politik"
    (article,) = parsed.articles
    # Resolved against the feed's own alternate link, not the URL it was fetched from.
    assert article.url == "https://politik.example/artikel/wahl-sachsen/"
    assert article.canonical_url == "https://politik.example/artikel/wahl-sachsen"
    assert article.authors == ["Redaktion"]
    assert article.language == "de-DE"
    assert article.text == "Die Wahl \u2014 ein langer Text."
    assert article.published_at == datetime(2026, 2, 17, 10, 0, tzinfo=UTC)
    reference = parse(ATOM, feed_url="https://cdn.example/mirror/feed.atom", engine="reference")
    assert reference.articles[0].model_dump() == article.model_dump()


def test_relative_links_fall_back_to_the_feed_url_without_a_feed_link():
    body = ATOM.replace('<link rel="alternate" href="https://politik.example/"/>', "")
    (article,) = parse(body, feed_url="https://cdn.example/mirror/feed.atom").articles
    assert article.url == "https://cdn.example/artikel/wahl-sachsen/"


def test_windows_1251_declared():
    body = RSS092_NO_DATES.replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="windows-1251"?>'
    )
    body = body.replace("Undated piece", "Новости Оренбурга")
    (article,) = parse(body.encode("cp1251")).articles
    assert article.title == "Новости Оренбурга"


def test_undeclared_cp1252_is_recovered_and_flagged():
    body = RSS092_NO_DATES.replace("Undated piece", "Élections à Marseille").encode("cp1252")
    parsed = parse(body)
    assert parsed.articles[0].title == "Élections à Marseille"
    assert parsed.engine == "reference"
    assert any(w.startswith("encoding guessed") for w in parsed.warnings)
    assert parsed.articles[0].parse_warnings == parsed.warnings


def test_broken_but_readable_xml_is_accepted_and_flagged():
    body = RSS2.replace("Plain text summary.", "Plain &#1; text summary.")
    parsed = parse(body)
    assert parsed.error is None
    assert len(parsed.articles) == 2
    assert parsed.warnings[0].startswith("malformed XML (recovered):")
    assert all(a.parse_warnings == parsed.warnings for a in parsed.articles)


def test_truncated_feed_is_an_error_not_an_exception():
    body = '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>http://w.example/</link><!-- Exception rendering module -->'
    parsed = parse(body)
    assert parsed.articles == []
    assert parsed.error.startswith("malformed XML and no entries could be read")
    assert parsed.feed_title == "Wire"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty response body"),
        (b"  \n ", "empty response body"),
        (
            b"<!DOCTYPE html><html><head><title>Login</title></head><body>Sign in</body></html>",
            "not an RSS or Atom feed",
        ),
    ],
)
def test_unreadable_bodies_are_errors(body, reason):
    parsed = parse(body)
    assert parsed.articles == []
    assert parsed.error.startswith(reason)


def test_a_well_formed_feed_without_items_is_not_an_error():
    parsed = parse(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    )
    assert parsed.articles == [] and parsed.error is None


def test_future_and_ancient_dates_are_replaced_by_fetched_at():
    body = RSS2.replace("Tue, 17 Feb 2026 09:15:00 +0500", "Fri, 01 Jan 2100 00:00:00 GMT")
    body = body.replace("Tue, 17 Feb 2026 10:00:00 GMT", "Mon, 01 Jan 1900 00:00:00 GMT")
    future, ancient = parse(body).articles
    for article in (future, ancient):
        assert article.published_at == FETCHED
        assert article.published_at_source == "fetched_at"
        assert any("used fetched_at" in w for w in article.parse_warnings)


def test_localised_date_is_read_with_the_callers_language():
    body = RSS2.replace("Tue, 17 Feb 2026 10:00:00 GMT", "Ter, 17 Fev 2026 10:00:00 -0300")
    body = body.replace("<language>en-gb</language>", "")
    second = parse(body, language="pt").articles[1]
    assert second.language == "pt"
    assert second.published_at == datetime(2026, 2, 17, 13, 0, tzinfo=UTC)


def test_entries_without_links_get_feed_scoped_ids():
    body = RSS092_NO_DATES.replace(
        "<link>http://weekly.example/p/1</link>", '<guid isPermaLink="false">w-1</guid>'
    )
    (article,) = parse(body).articles
    assert article.url is None and article.canonical_url is None
    assert article.id == article_id(None, feed_id="frontier", guid="w-1")
    assert article.id != parse(body, feed_id="other").articles[0].id


def test_permalink_guid_stands_in_for_a_missing_link():
    body = RSS092_NO_DATES.replace(
        "<link>http://weekly.example/p/1</link>",
        "<guid>http://weekly.example/p/1?utm_source=x</guid>",
    )
    (article,) = parse(body).articles
    assert article.canonical_url == "http://weekly.example/p/1"


def test_an_empty_item_is_skipped_with_a_warning():
    body = RSS092_NO_DATES.replace(
        "</channel>", "<item><description></description></item></channel>"
    )
    parsed = parse(body)
    assert len(parsed.articles) == 1
    assert any("skipped" in w for w in parsed.warnings)


def test_feed_language_wins_over_the_callers_default():
    assert parse(RSS2, language="ur").articles[0].language == "en-GB"
    assert parse(RSS092_NO_DATES, language="ur").articles[0].language == "ur"


def test_naive_fetched_at_is_taken_as_utc():
    article = parse(RSS092_NO_DATES, fetched_at=datetime(2026, 2, 18, 12, 0)).articles[0]
    assert article.fetched_at == FETCHED


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("EN_us", "en-US"),
        ("zh-hans", "zh-Hans"),
        ("es-419", "es-419"),
        ("de", "de"),
        ("not a tag!", None),
        ("", None),
    ],
)
def test_language_tag(raw, expected):
    assert language_tag(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("info@allafrica.example (allAfrica)", "allAfrica"),
        ("Jane Doe <jane@example.org>", "Jane Doe"),
        ("none@none.example", ""),
        ("  Staff &amp; agencies ", "Staff & agencies"),
    ],
)
def test_author_name(raw, expected):
    assert author_name(raw) == expected


def test_resolve_link():
    assert resolve_link(" /a/b ", "https://x.example/feed") == "https://x.example/a/b"
    assert resolve_link("//cdn.example/a", "https://x.example/") == "https://cdn.example/a"
    assert (
        resolve_link("https://x.example/a?b=1&amp;amp;c=2", "https://y.example/")
        == "https://x.example/a?b=1&c=2"
    )
    assert resolve_link("  ", "https://x.example/") is None
    assert canonical_url(resolve_link("/a/", "https://x.example")) == "https://x.example/a"


def test_a_feed_without_language_learns_it_from_its_first_localised_date():
    items = "".join(
        f"<item><title>Notícia {day}</title><link>https://uol.example/{day}</link>"
        f"<pubDate>Seg, {day} Set 2018 19:42:40 -0300</pubDate></item>"
        for day in (3, 10, 17)
    )
    body = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>N</title>{items}</channel></rss>'
    articles = parse(body).articles
    assert [a.published_at.day for a in articles] == [3, 10, 17]
    assert all(a.published_at_source == "feed" and a.published_at.hour == 22 for a in articles)
    assert all(a.language is None for a in articles)  # a date's words do not set the language


# -- issue 15, defect 6: more entries than the parser reads is said, never silent ---------------
def _many_items(n: int) -> bytes:
    items = "".join(f"<item><title>t{i}</title><link>http://news.test/{i}</link>"
                    f"<guid>http://news.test/{i}</guid></item>" for i in range(n))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>'
            f"<link>http://news.test/</link>{items}</channel></rss>").encode()


def test_a_feed_beyond_the_entry_limit_is_truncated_with_a_warning() -> None:
    from datetime import UTC, datetime

    from newswatch.ingest.parse import MAX_ENTRIES, parse_feed

    parsed = parse_feed(_many_items(MAX_ENTRIES + 50), feed_id="big",
                        feed_url="http://news.test/rss", fetched_at=datetime.now(UTC))
    assert len(parsed.articles) == MAX_ENTRIES
    assert parsed.truncated_at == MAX_ENTRIES
    note = f"more than {MAX_ENTRIES:,} entries"
    assert any(note in w for w in parsed.warnings)
    assert note in " ".join(parsed.articles[0].parse_warnings)


@pytest.mark.parametrize("engine", ["fast", "reference", "auto"])
def test_the_entry_limit_is_the_same_for_both_parsers(engine: str) -> None:
    from datetime import UTC, datetime

    from newswatch.ingest.parse import parse_feed

    parsed = parse_feed(_many_items(30), feed_id="big", feed_url="http://news.test/rss",
                        fetched_at=datetime.now(UTC), engine=engine, max_entries=20)
    assert len(parsed.articles) == 20 and parsed.truncated_at == 20
    assert [a.url for a in parsed.articles][:2] == ["http://news.test/0", "http://news.test/1"]
    exact = parse_feed(_many_items(20), feed_id="big", feed_url="http://news.test/rss",
                       fetched_at=datetime.now(UTC), engine=engine, max_entries=20)
    assert len(exact.articles) == 20 and exact.truncated_at is None and not exact.warnings


# -- issue 15, defect 9: only http(s) links are article links ------------------------------------
@pytest.mark.parametrize("engine", ["fast", "reference", "auto"])
def test_javascript_and_data_links_are_dropped_with_a_warning(engine: str) -> None:
    body = (b'<rss version="2.0"><channel><title>x</title><link>https://news.test/</link>'
            b"<item><title>js</title><link>javascript:alert(document.cookie)</link>"
            b"<guid isPermaLink='false'>js-1</guid></item>"
            b"<item><title>data</title><link>data:text/html;base64,PHNjcmlwdD4=</link></item>"
            b"<item><title>mail</title><link>mailto:desk@news.test</link></item>"
            b"<item><title>ok</title><link>/story/1</link></item></channel></rss>")
    parsed = parse_feed(body, feed_id="f", feed_url="https://news.test/rss",
                        fetched_at=datetime.now(UTC), engine=engine)
    by_title = {a.title: a for a in parsed.articles}
    assert set(by_title) == {"js", "data", "mail", "ok"}
    for title in ("js", "data", "mail"):
        article = by_title[title]
        assert article.url is None and article.canonical_url is None
        assert any("link dropped" in w and "not an http(s) URL" in w
                   for w in article.parse_warnings), (title, article.parse_warnings)
    assert by_title["ok"].url == "https://news.test/story/1"
    assert not by_title["ok"].parse_warnings


# -- issue 15, defect 10: links to intranet addresses are data, kept -----------------------------
def test_links_to_private_addresses_are_kept() -> None:
    body = (b'<rss version="2.0"><channel><title>x</title><link>http://intranet.test/</link>'
            b"<item><title>a</title><link>http://10.1.2.3/a</link></item>"
            b"<item><title>b</title><link>http://localhost/b</link></item>"
            b"<item><title>c</title><link>http://127.0.0.1:8080/c</link></item>"
            b"</channel></rss>")
    parsed = parse_feed(body, feed_id="f", feed_url="http://intranet.test/rss",
                        fetched_at=datetime.now(UTC))
    assert [a.url for a in parsed.articles] == [
        "http://10.1.2.3/a", "http://localhost/b", "http://127.0.0.1:8080/c"]


def test_an_unparseable_link_costs_neither_the_feed_nor_the_entry() -> None:
    # found by the property tests: urlsplit raises on 'http://[' and on a non-numeric port, which
    # made parse_feed raise (channel link) or skip the entry (item link)
    body = (b'<rss version="2.0"><channel><title>x</title><link>http://[</link>'
            b"<item><title>a</title><link>/rel</link></item>"
            b"<item><title>b</title><link>http://x:y/</link></item></channel></rss>")
    parsed = parse_feed(body, feed_id="f", feed_url="https://news.test/rss",
                        fetched_at=datetime.now(UTC))
    assert parsed.error is None
    assert [a.url for a in parsed.articles] == ["https://news.test/rel", None]
    assert parsed.articles[1].parse_warnings == ["link dropped: not a valid URL: 'http://x:y/'"]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_an_entry_nesting_elements_deep_is_read_not_silently_skipped(kind: str) -> None:
    # feedparser-rs skipped such an entry without a word (from about 100 levels on); the
    # document's entry tags now outnumber its entries, so feedparser reads it
    deep = b"<x>" * 3_000 + b"</x>" * 3_000
    if kind == "rss":
        body = (b'<rss version="2.0"><channel><title>x</title>'
                b"<item><title>a</title><link>https://news.test/a</link></item>"
                b"<item><title>b</title><link>https://news.test/b</link>" + deep + b"</item>"
                b"<item><title>c</title><link>https://news.test/c</link></item>"
                b"</channel></rss>")
    else:
        body = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
                + b"".join(b'<entry><title>%s</title><link href="https://news.test/%s"/>%s'
                           b"</entry>" % (n, n, deep if n == b"b" else b"")
                           for n in (b"a", b"b", b"c")) + b"</feed>")
    parsed = parse_feed(body, feed_id="f", feed_url="https://news.test/rss",
                        fetched_at=datetime.now(UTC))
    assert [a.title for a in parsed.articles] == ["a", "b", "c"]
    assert parsed.engine == "reference" and "of the document's 3 entries" in str(
        parsed.fallback_reason)
