"""Feed registry: YAML validation with line/field errors, and OPML import/export."""

from __future__ import annotations

import pytest
from newswatch.ingest.opml import read_opml, write_opml
from newswatch.ingest.registry import FeedConfig, feeds_to_yaml, parse_feeds_yaml

GOOD_AND_BAD = """\
defaults:
  interval: 30m
feeds:
  - id: alpha
    url: https://alpha.example/rss.xml
    name: Alpha News
    language: en
    tags: [world, asia]
  - id: beta
    url: ftp://beta.example/feed
  - id: gamma
    url: https://gamma.example/atom.xml
    interval_s: 120
    enabled: false
  - id: delta
    url: https://delta.example/rss
    colour: blue
  - id: alpha
    url: https://other.example/rss
  - url: https://www.epsilon.example/feed.xml
"""


def test_good_entries_load_and_bad_ones_are_reported_with_line_and_field() -> None:
    loaded = parse_feeds_yaml(GOOD_AND_BAD, source="feeds.yaml")
    assert [f.id for f in loaded.feeds] == ["alpha", "gamma", loaded.feeds[2].id]
    alpha = loaded.feeds[0]
    assert alpha.interval_s == 1800  # from defaults
    assert alpha.tags == ("world", "asia") and alpha.language == "en"
    assert loaded.feeds[1].interval_s == 120 and not loaded.feeds[1].enabled
    assert [f.id for f in loaded.enabled] == ["alpha", loaded.feeds[2].id]
    messages = [str(e) for e in loaded.errors]
    assert len(messages) == 3, messages
    bad_url, unknown, duplicate = loaded.errors
    assert (bad_url.line, bad_url.field, bad_url.feed) == (10, "url", "beta")
    assert "not an http(s) URL" in str(bad_url) and str(bad_url).startswith("feeds.yaml:10:")
    assert (unknown.line, unknown.field) == (17, "colour") and "unknown field" in str(unknown)
    assert duplicate.line == 18 and "duplicate id" in duplicate.message
    assert "line 4" in duplicate.message


def test_id_is_derived_from_the_url_when_missing_and_is_stable() -> None:
    a = FeedConfig(url="https://www.epsilon.example/feed.xml")
    b = FeedConfig(url="https://www.epsilon.example/feed.xml")
    c = FeedConfig(url="https://www.epsilon.example/other.xml")
    assert a.id == b.id != c.id
    assert a.id.startswith("epsilon.example-")


def test_broken_yaml_is_one_error_with_its_line() -> None:
    loaded = parse_feeds_yaml("feeds:\n  - id: a\n    url: [unclosed\n", source="f.yaml")
    assert loaded.feeds == []
    assert len(loaded.errors) == 1 and loaded.errors[0].line is not None
    assert "not valid YAML" in loaded.errors[0].message


def test_a_feeds_file_nested_too_deeply_is_one_error_not_an_exception() -> None:
    # PyYAML reads nesting by recursion: this raised RecursionError out of the loader
    loaded = parse_feeds_yaml("feeds: " + "[" * 3000 + "\n", source="f.yaml")
    assert loaded.feeds == []
    assert [e.message for e in loaded.errors] == [
        "not valid YAML: collections nested too deeply to read"]


def test_non_mapping_entry_and_bad_interval_are_reported() -> None:
    text = "feeds:\n  - just a string\n  - url: https://a.example/\n    interval: soon\n"
    loaded = parse_feeds_yaml(text)
    assert loaded.feeds == []
    assert loaded.errors[0].line == 2
    assert loaded.errors[1].field == "interval_s" and loaded.errors[1].line == 4


def test_yaml_round_trip() -> None:
    feeds = parse_feeds_yaml(GOOD_AND_BAD).feeds
    again = parse_feeds_yaml(feeds_to_yaml(feeds, header="generated"))
    assert again.errors == [] and again.feeds == feeds


OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My subscriptions</title></head>
  <body>
    <outline text="South Asia">
      <outline text="Dawn" title="Dawn World" type="rss" xmlUrl="https://dawn.example/feeds/world"
               language="en" category="/news/pakistan"/>
      <outline text="Broken" type="rss" xmlUrl="mailto:someone@example.com"/>
    </outline>
    <outline text="Wire" type="rss" xmlUrl="https://wire.example/rss"/>
    <outline text="Wire again" type="rss" xmlUrl="https://wire.example/rss"/>
  </body>
</opml>
"""


def test_opml_import_keeps_folders_as_tags_and_reports_bad_outlines() -> None:
    loaded = read_opml(OPML, source="subs.opml")
    assert [f.url for f in loaded.feeds] == ["https://dawn.example/feeds/world",
                                             "https://wire.example/rss"]
    dawn = loaded.feeds[0]
    assert dawn.name == "Dawn World" and dawn.language == "en"
    assert dawn.tags == ("South Asia", "pakistan")
    assert len(loaded.errors) == 2
    assert "Broken" in str(loaded.errors[0]) and "http(s)" in str(loaded.errors[0])
    assert "duplicate" in str(loaded.errors[1])


def test_opml_export_imports_back_unchanged() -> None:
    feeds = parse_feeds_yaml(GOOD_AND_BAD).feeds
    document = write_opml(feeds)
    assert document.startswith("<?xml") and "<opml" in document
    assert read_opml(document.encode()).feeds == feeds


def test_opml_that_is_not_xml_is_an_error_not_an_exception() -> None:
    loaded = read_opml(b"<opml><body><outline", source="x.opml")
    assert loaded.feeds == [] and "not valid OPML" in str(loaded.errors[0])


def test_opml_folders_nested_thousands_deep_are_read_without_recursion() -> None:
    # the outlines were walked by recursion: 5,000 nested folders raised RecursionError
    depth = 5_000
    opml = ("<opml version=\"2.0\"><body>"
            + "".join(f'<outline text="f{i}">' for i in range(depth))
            + '<outline text="Deep" xmlUrl="https://deep.example/rss"/>'
            + "</outline>" * depth
            + '<outline text="After" xmlUrl="https://after.example/rss"/></body></opml>')
    loaded = read_opml(opml.encode(), source="deep.opml")
    assert loaded.errors == []
    deep, after = loaded.feeds
    assert deep.url == "https://deep.example/rss" and after.url == "https://after.example/rss"
    assert deep.tags == tuple(f"f{i}" for i in range(16))  # the outer folders only
    assert after.tags == ()


def test_control_characters_in_a_feed_are_refused_so_the_opml_export_stays_readable() -> None:
    # a YAML file can spell "\x01"; export-opml then wrote XML that no reader could open
    loaded = parse_feeds_yaml('feeds:\n  - id: a\n    url: https://a.example/rss\n'
                              '    name: "Wire\\x01"\n  - id: b\n'
                              '    url: "https://b.example/\\x02"\n'
                              '  - id: c\n    url: https://c.example/rss\n'
                              '    name: "Tabs\\tand & <marks>"\n', source="f.yaml")
    assert [(e.line, e.field, e.message) for e in loaded.errors] == [
        (4, "name", "control character U+0001 in 'Wire\\x01'"),
        (6, "url", "control character U+0002 in 'https://b.example/\\x02'")]
    assert read_opml(write_opml(loaded.feeds).encode()).feeds == loaded.feeds


def test_a_key_given_twice_is_an_error_not_a_silent_overwrite() -> None:
    loaded = parse_feeds_yaml("feeds:\n  - id: a\n    url: https://a.example/\n"
                              "    url: https://b.example/\n", source="f.yaml")
    assert loaded.feeds == []
    assert loaded.errors[0].line == 4 and "a second time" in loaded.errors[0].message


# -- issue 15, defect 5: feed URLs at non-public addresses are refused when added --------------
def test_yaml_feeds_at_internal_addresses_are_refused_with_a_clear_message() -> None:
    from newswatch.ingest.address_policy import AddressPolicy

    text = """feeds:
  - id: meta
    url: http://169.254.169.254/latest/meta-data/
  - id: kafka
    url: http://2130706433:9092/
  - id: mapped
    url: http://[::ffff:10.0.0.1]/rss
  - id: good
    url: https://feeds.example.org/rss
"""
    loaded = parse_feeds_yaml(text, source="f.yaml", policy=AddressPolicy.parse(""))
    assert [f.id for f in loaded.feeds] == ["good"]
    messages = [str(e) for e in loaded.errors]
    assert len(messages) == 3
    assert messages[0].startswith("f.yaml:3: feed 'meta' field 'url': 169.254.169.254 is a "
                                  "link-local address")
    assert "loopback" in messages[1] and "NEWSWATCH_ALLOWED_HOSTS" in messages[1]
    assert "private-network" in messages[2]
    allowed = parse_feeds_yaml(text, policy=AddressPolicy.parse("10.0.0.0/8"))
    assert [f.id for f in allowed.feeds] == ["mapped", "good"]


def test_opml_feeds_at_internal_addresses_are_refused() -> None:
    from newswatch.ingest.address_policy import AddressPolicy

    opml = b"""<opml version="2.0"><body>
      <outline text="meta" xmlUrl="http://169.254.169.254/"/>
      <outline text="local" xmlUrl="http://localhost:8080/rss"/>
      <outline text="ok" xmlUrl="https://feeds.example.org/rss"/></body></opml>"""
    loaded = read_opml(opml, policy=AddressPolicy.parse(""))
    assert [f.url for f in loaded.feeds] == ["https://feeds.example.org/rss"]
    assert len(loaded.errors) == 2 and all(e.field == "url" for e in loaded.errors)
    assert "name for this machine" in str(loaded.errors[1])


@pytest.mark.parametrize("url", ["http://[::1]:8080/rss", "http://[fe80::1%25eth0]/rss",
                                 "https://[2001:db8::1]/feed", "http://[::ffff:1.2.3.4]/"])
def test_a_bare_ipv6_feed_url_gets_a_valid_derived_id(url: str) -> None:
    # issue 15, defect 10: the derived id started with ':' and the feed was refused
    from newswatch.ingest.registry import feed_id_for_url

    feed = FeedConfig(url=url)
    assert feed.id == feed_id_for_url(url) and feed.id[0].isalnum()
    assert feed_id_for_url(url) != feed_id_for_url(url + "?other")
