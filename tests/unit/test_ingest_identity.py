"""Canonical URLs, article ids and content hashes (ingest.identity)."""

import pytest
from newswatch.ingest.identity import article_id, canonical_url, content_hash, is_tracking_param


def test_scheme_and_host_are_lowercased_path_is_not():
    assert (
        canonical_url("HTTPS://WWW.Example.COM/News/Story") == "https://www.example.com/News/Story"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
    ],
)
def test_only_default_ports_are_dropped(url, expected):
    assert canonical_url(url) == expected


def test_fragment_is_dropped_but_hashbang_routes_are_kept():
    assert (
        canonical_url("https://ndtv.example/story-1#publisher=newsstand")
        == "https://ndtv.example/story-1"
    )
    assert canonical_url("https://app.example/#!/story/7") == "https://app.example/#!/story/7"


def test_trailing_slash_removed_except_on_root():
    assert canonical_url("https://example.com/world/") == "https://example.com/world"
    assert canonical_url("https://example.com/") == "https://example.com/"
    assert canonical_url("https://example.com") == "https://example.com/"


def test_tracking_parameters_are_removed_and_the_rest_sorted():
    url = (
        "https://example.com/a?utm_source=rss&z=2&fbclid=abc&id=7&gclid=x&mc_cid=1&mc_eid=2"
        "&traffic_source=rss&at_medium=RSS&at_campaign=rss&maca=en-rss&a=1"
    )
    assert canonical_url(url) == "https://example.com/a?a=1&id=7&z=2"


def test_query_disappears_when_only_tracking_remains():
    assert (
        canonical_url("https://example.com/a/?utm_medium=feed&utm_campaign=x")
        == "https://example.com/a"
    )


def test_tracking_names_match_case_insensitively():
    assert canonical_url("https://example.com/a?UTM_Source=x&ITO=1490") == "https://example.com/a"


def test_ref_is_removed_only_with_a_channel_value():
    assert canonical_url("https://example.com/a?ref=rss") == "https://example.com/a"
    assert canonical_url("https://example.com/a?ref=v2.1") == "https://example.com/a?ref=v2.1"
    assert is_tracking_param("ref", "RSS")
    assert not is_tracking_param("ref", "main")


def test_meaningful_parameters_are_kept():
    # Real feeds address the article itself with these (UOL '?p=', NZ Herald 'objectid').
    url = "https://example.com/article.cfm?c_id=1&objectid=12479370&p=1609&page=2"
    assert canonical_url(url) == url


def test_double_escaped_ampersands_are_undone():
    url = "https://example.com/article.cfm?c_id=1&amp;objectid=12479370&amp;amp;ref=rss"
    assert canonical_url(url) == "https://example.com/article.cfm?c_id=1&objectid=12479370"


def test_blank_values_and_raw_encoding_are_preserved():
    assert (
        canonical_url("https://example.com/s?q=a+b%2Fc&flag")
        == "https://example.com/s?flag&q=a+b%2Fc"
    )


def test_percent_escapes_in_the_path_are_uppercased():
    assert canonical_url("https://example.com/caf%c3%a9") == "https://example.com/caf%C3%A9"


def test_idempotent():
    urls = [
        "HTTPS://Example.com:443/a/b/?utm_source=x&b=2&a=1#frag",
        "http://example.com",
        "https://example.com/caf%c3%a9/?ref=rss",
    ]
    for url in urls:
        once = canonical_url(url)
        assert canonical_url(once) == once


@pytest.mark.parametrize(
    "bad",
    [
        None,
        "",
        "   ",
        "tag:theregister.com,2005:story1",
        "/relative/path",
        "mailto:a@b.org",
        "http://example.com:notaport/",
    ],
)
def test_not_an_absolute_http_url(bad):
    assert canonical_url(bad) is None


def test_article_id_is_stable_and_ignores_tracking():
    a = article_id("https://example.com/story?utm_source=rss")
    b = article_id("https://EXAMPLE.com/story/#top")
    assert a == b
    assert len(a) == 32 and int(a, 16) >= 0


def test_article_id_differs_per_story():
    assert article_id("https://example.com/story-1") != article_id("https://example.com/story-2")


def test_article_id_falls_back_to_feed_scoped_guid():
    one = article_id(None, feed_id="feed-a", guid="12345")
    assert one == article_id(None, feed_id="feed-a", guid=" 12345 ")
    assert one != article_id(None, feed_id="feed-b", guid="12345")


def test_article_id_falls_back_to_title_and_date():
    one = article_id(None, feed_id="f", title="Quake hits", date="Tue, 17 Feb 2026 10:00:00 GMT")
    assert one != article_id(
        None, feed_id="f", title="Quake hits", date="Wed, 18 Feb 2026 10:00:00 GMT"
    )
    assert one != article_id(None, feed_id="f", guid="Quake hits")


def test_url_wins_over_guid():
    assert article_id("https://example.com/a", feed_id="f", guid="g") == article_id(
        "https://example.com/a"
    )


def test_article_id_needs_something():
    with pytest.raises(ValueError):
        article_id(None, feed_id="f")


def test_content_hash_changes_with_words_only():
    base = content_hash("Title", "Body text")
    assert base == content_hash("Title", "Body text")
    assert base != content_hash("Title", "Body text, edited")
    assert base != content_hash("Title!", "Body text")
    assert content_hash("ab", "c") != content_hash("a", "bc")


def test_every_tracking_rule_states_its_source():
    from importlib import resources

    text = resources.files("newswatch.ingest").joinpath("data/tracking_params.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    header, *rules = rows
    assert header == ["param", "values", "source"]
    assert len(rules) > 20
    for rule in rules:
        assert len(rule) == 3 and rule[0].strip() and rule[2].strip(), rule
