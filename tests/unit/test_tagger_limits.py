"""The tagger on hostile text: it never raises, its time grows linearly with the text, and a
field longer than its limit is tagged on its first part (issue 15, defect 1)."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newswatch.processors.tagging import Tagger

from newswatch.contracts import RawArticle
from newswatch.text_limits import MAX_TEXT_CHARS, cut_point

# words that make the rules work: places, bodies, roles, names, joiners, punctuation
WORDS = ["Pakistan", "Pakistan's", "Pakistani", "army", "government", "of", "the", "in", "and",
         ",", ".", "\n", "President", "Prime", "Minister", "Imran", "Khan", "said", "Kabul",
         "ISLAMABAD", ":", "(OLF)", "Oromo", "Liberation", "Front", "attack", "heart", "US",
         "British", "French", "troops", "office", "'s", "-", "Ministry", "Interior", "Georgia",
         "Paris", "police", "killed", "bombing", "\"", "Mr", "Taliban", "TTP", "UN", "—"]

# generous against flakiness on a loaded 2-core machine: real feed text tags at 0.4-1.4
# ms per 1,000 characters, text where nearly every word is a name at 2-7
MS_PER_KCHAR = 10.0
CONSTANT_S = 0.5


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    t = Tagger()
    t.tag(RawArticle(id="warm", title="Warm up", text="Floods in Sindh, Pakistan."))
    return t


def _bound_s(chars: int) -> float:
    return CONSTANT_S + MS_PER_KCHAR * chars / 1_000_000


texts = st.one_of(
    st.text(max_size=3_000),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=600)
    .map(" ".join),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=40)
    .flatmap(lambda ws: st.integers(1, 300).map(lambda n: " ".join(ws) * n)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(max_size=200), text=texts)
def test_the_tagger_never_raises_and_stays_within_a_time_per_character(tagger, title, text):
    started = time.perf_counter()
    out = tagger.tag(RawArticle(id="h", title=title, text=text))
    elapsed = time.perf_counter() - started
    assert elapsed < _bound_s(len(title) + len(text)), f"{elapsed:.2f} s for {len(text)} chars"
    for tag in [*out.regions.countries, *out.actors, *out.persons, *out.event_types]:
        for span in tag.evidence:  # the evidence contract holds on any text
            assert getattr(out, span.field)[span.start:span.end] == span.text


def test_a_megabyte_where_every_word_is_a_name_is_tagged_in_linear_time():
    """The old tagger was quadratic: 26.6 s for 800,000 characters of real feed text, and
    far longer for text this dense in names."""
    unit = ("Pakistan's army said the government of Pakistan and US, British and French "
            "troops. Oromo Liberation Front (OLF) and Kabul said. President Imran Khan's "
            "office. ")
    tagger = Tagger(max_chars=2_000_000)  # read it all: the tagger's own speed is under test
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    started = time.perf_counter()
    out = tagger.tag(RawArticle(id="long", text=text))
    elapsed = time.perf_counter() - started
    assert elapsed < 2 * _bound_s(len(text)), f"{elapsed:.2f} s"  # 21 s
    assert out.parse_warnings == [] and out.actors


def test_a_field_over_the_limit_is_tagged_on_its_first_part_and_kept_whole(tagger):
    story = "Gunmen killed five soldiers in Quetta, Pakistan, on Monday. "
    text = story + "Nothing else happened here at all. " * 2_000 + "Floods hit Lagos, Nigeria."
    out = Tagger(max_chars=10_000).tag(RawArticle(id="cut", text=text))
    assert out.text == text
    assert [c.code for c in out.regions.countries] == ["PK"]  # Nigeria lies beyond the cut
    read = cut_point(text, 10_000)
    assert 9_000 < read <= 10_000 and text[read] == " "  # cut at a word's end
    assert out.parse_warnings == [
        (f"tagged the first {read:,} of {len(text):,} characters of the text "
        "(tag_max_chars 10,000)")]
    whole = tagger.tag(RawArticle(id="cut", text=text))  # the default reads all of it
    assert len(text) < MAX_TEXT_CHARS and whole.parse_warnings == []
    assert {c.code for c in whole.regions.countries} == {"PK", "NG"}
