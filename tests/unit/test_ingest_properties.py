"""Property-based tests (hypothesis) of ingest's pure core: the URL canonicaliser, date
reading, the entry normaliser, the feed parser and the address policy. Whatever the input,
each raises nothing but its documented errors and keeps its stated invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from newswatch.ingest.address_policy import AddressPolicy, literal_address
from newswatch.ingest.dates import (
    EARLIEST_PLAUSIBLE,
    FUTURE_TOLERANCE,
    DateBudget,
    published_at,
    read_date,
)
from newswatch.ingest.identity import article_id, canonical_url
from newswatch.ingest.normalise import FeedContext, normalise_entry
from newswatch.ingest.parse import parse_feed

FETCHED = datetime(2026, 2, 18, 12, 0, tzinfo=UTC)
PROPERTY = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# URL-ish text: the characters that matter to URL parsing, more often than plain text would
_URL_ALPHABET = st.sampled_from(list("abcxyz019:/?#[]@!$&'()*+,;=%-._~ \t\n") + ["é", "\x00"])
url_text = st.one_of(
    st.text(),
    st.builds(lambda scheme, rest: scheme + rest,
              st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "javascript:",
                               "data:", "//", "http://[", "https://user:pw@"]),
              st.text(_URL_ALPHABET, max_size=60)),
)


@PROPERTY
@given(url_text)
@example("HTTP://.")  # found by this test: canonicalised to 'http:///', not idempotent
@example("HTTP://0/ #")  # found by this test: 'http://0/ ', whose canonical form differs
def test_canonical_url_never_raises_and_is_idempotent(url: str) -> None:
    canonical = canonical_url(url)
    if canonical is None:
        return
    assert canonical.startswith(("http://", "https://"))
    assert canonical_url(canonical) == canonical


@PROPERTY
@given(url_text, st.text(max_size=20), st.text(max_size=20), st.text(max_size=20))
def test_article_id_raises_only_its_documented_value_error(url: str, guid: str, title: str,
                                                           date: str) -> None:
    try:
        key = article_id(url, feed_id="f", guid=guid, title=title, date=date)
    except ValueError as exc:  # documented: nothing at all to identify the article by
        assert "no link, guid, title or date" in str(exc)
        assert canonical_url(url) is None and not guid.strip() and not title.strip() \
            and not date
        return
    assert len(key) == 32 and key == article_id(url, feed_id="f", guid=guid, title=title,
                                                date=date)


date_text = st.one_of(
    st.text(max_size=40),
    st.builds(lambda d, m, y, t, z: f"{d} {m} {y} {t} {z}",
              st.integers(0, 40), st.sampled_from(["Jan", "Feb", "Set", "Foo", "març"]),
              st.integers(0, 99999), st.sampled_from(["10:00", "25:61:61", "1:2:3"]),
              st.sampled_from(["GMT", "+0530", "-9999", "CET", ""])),
    st.builds(lambda y, rest: f"{y:04d}{rest}", st.integers(0, 9999),
              st.text(st.sampled_from(list("-T:0123456789Z+.")), max_size=20)),
)
struct_like = st.one_of(st.none(), st.tuples(*[st.integers(-5, 10_000)] * 9))


@PROPERTY
@given(date_text, struct_like, st.sampled_from([None, "en", "pt", "xx", "zz-ZZ"]))
def test_read_date_never_raises_and_returns_aware_utc(raw: str, parsed: tuple | None,
                                                      language: str | None) -> None:
    dt, _language = read_date(raw, parsed, language=language, slow=False)
    assert dt is None or dt.utcoffset() == timedelta(0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(st.none(), date_text), struct_like), max_size=3))
def test_published_at_is_always_a_plausible_time_or_the_fetch_time(
        candidates: list[tuple[str | None, tuple | None]]) -> None:
    when = published_at(candidates, FETCHED, budget=DateBudget(seconds=0.5, reads=3))
    assert when.value.utcoffset() == timedelta(0)
    if when.source == "feed":
        assert EARLIEST_PLAUSIBLE <= when.value <= FETCHED + FUTURE_TOLERANCE
    else:
        assert when.value == FETCHED


_texts = st.one_of(st.none(), st.text(max_size=80),
                   st.sampled_from(["<p>a &amp; b</p>", "<script>x</script>", "&#0;", "]]>"]))
entries = st.fixed_dictionaries({}, optional={
    "title": _texts, "summary": _texts, "link": st.one_of(st.none(), url_text),
    "id": _texts, "published": st.one_of(st.none(), date_text), "updated": _texts,
    "author": _texts,
    "authors": st.lists(st.fixed_dictionaries({}, optional={"name": _texts}), max_size=2),
    "tags": st.lists(st.fixed_dictionaries({}, optional={"term": _texts, "label": _texts}),
                     max_size=2),
    "content": st.lists(st.fixed_dictionaries({}, optional={"value": _texts}), max_size=2),
    "links": st.lists(st.fixed_dictionaries({}, optional={"href": _texts, "rel": _texts}),
                      max_size=2),
    "title_detail": st.fixed_dictionaries({}, optional={"language": _texts}),
})


@PROPERTY
@given(entries, st.sampled_from([None, "en", "pt-BR", "not a tag!"]))
@example({"published": "\r"}, None)  # found by this test: TypeError in published_at
@example({"link": "A://["}, None)  # found by this test: urlsplit's ValueError lost the entry
def test_normalise_entry_never_raises_and_links_are_http(entry: dict, language: str | None
                                                         ) -> None:
    ctx = FeedContext(feed_id="f", feed_url="https://news.test/rss", fetched_at=FETCHED,
                      base_url="https://news.test/", language=language,
                      date_budget=DateBudget(seconds=0.2, reads=2))
    article = normalise_entry(entry, ctx)
    if article is None:
        return
    assert article.url is None or article.url.lower().startswith(("http://", "https://"))
    assert article.feed_id == "f" and article.published_at is not None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300),
                 st.builds(lambda items: ('<?xml version="1.0"?><rss version="2.0"><channel>'
                                          "<title>t</title>" + "".join(items)
                                          + "</channel></rss>").encode("utf-8", "replace"),
                           st.lists(st.builds(
                               lambda t, link, d: f"<item><title>{t}</title><link>{link}</link>"
                                                  f"<pubDate>{d}</pubDate></item>",
                               st.text(max_size=20), st.text(_URL_ALPHABET, max_size=30),
                               date_text), max_size=4))))
def test_parse_feed_never_raises(body: bytes) -> None:
    parsed = parse_feed(body, feed_id="f", feed_url="https://news.test/rss", fetched_at=FETCHED)
    assert (parsed.error is None) or not parsed.articles
    for article in parsed.articles:
        assert article.url is None or article.url.startswith(("http://", "https://"))


@PROPERTY
@given(url_text)
def test_the_address_policy_never_raises_on_a_url(url: str) -> None:
    reason = AddressPolicy.parse("").refusal_for_url(url)
    assert reason is None or "NEWSWATCH_ALLOWED_HOSTS" in reason
    literal_address(url)
