"""Evidence marking in the console: spans wrapped in <mark>, everything else escaped."""

from __future__ import annotations

from newswatch.sinks.alerts.testing import tagged_article
from newswatch.sinks.console.evidence import Mark, highlight, marks_of

from newswatch.contracts import Span


def test_text_is_escaped_and_spans_marked() -> None:
    text = 'Militants <b>attacked</b> a "post" & fled'
    start = text.index("attacked")
    html = highlight(text, [Mark(start, start + 8, "event attack", "event")])
    assert html == ('Militants &lt;b&gt;<mark class="tag-event" title="event attack">attacked'
                    '</mark>&lt;/b&gt; a &quot;post&quot; &amp; fled')


def test_labels_are_escaped_too() -> None:
    html = highlight("abc", [Mark(0, 1, 'actor "x"><script>', "actor")])
    assert "<script>" not in html and 'title="actor &quot;x&quot;&gt;&lt;script&gt;"' in html


def test_overlapping_spans_merge_into_one_mark_naming_both() -> None:
    text = "Tehrik-i-Taliban Pakistan attacked"
    html = highlight(text, [Mark(0, 25, "actor ttp", "actor"),
                            Mark(17, 25, "country PK", "country")])
    assert html.count("<mark") == 1
    assert 'title="actor ttp; country PK"' in html
    assert html.endswith("</mark> attacked")


def test_marks_come_from_every_tag_and_bad_spans_are_dropped() -> None:
    article = tagged_article(
        "Gunmen attack checkpoint in Lakki Marwat",
        "Militants of the Tehrik-i-Taliban Pakistan attacked the post.",
        countries=[("PK", "Lakki Marwat")], events=[("attack", "attacked")],
        actors=[("ttp", "Tehrik-i-Taliban Pakistan", "armed_group")])
    text_marks = marks_of(article, "text")
    assert {m.label for m in text_marks} >= {"event attack", "actor ttp (armed_group)"}
    for m in text_marks:
        assert article.text[m.start:m.end] in ("attacked", "Tehrik-i-Taliban Pakistan")
    # a span that does not fit the text (edited article, bad record) marks nothing
    article.event_types[0].evidence.append(Span(start=0, end=9, text="Bombing!!", field="text"))
    article.event_types[0].evidence.append(Span(start=50, end=900, text="x", field="text"))
    assert len(marks_of(article, "text")) == len(text_marks)


def test_no_marks_is_plain_escaped_text() -> None:
    assert highlight("a < b", []) == "a &lt; b"
