"""HTML fragments from feeds -> clean text (ingest.text)."""

import pytest
from newswatch.ingest.text import clean_title, html_to_text


def test_tags_are_stripped_and_inline_markup_joins_words_as_rendered():
    assert html_to_text("<p>Flood <b>warning</b> for <a href='/x'>Sindh</a></p>") == (
        "Flood warning for Sindh"
    )


def test_paragraphs_become_blank_lines_and_br_a_line_break():
    html = "<p>First para.</p>\n<p>Second <br/>line two.</p><div>Third</div>"
    assert html_to_text(html) == "First para.\n\nSecond\nline two.\n\nThird"


def test_source_newlines_inside_html_are_only_whitespace():
    assert html_to_text("<p>one\ntwo\n\n   three</p>") == "one two three"


def test_plain_text_keeps_its_blank_line_paragraphs():
    assert html_to_text("Line one\ncontinues.\n\n  Next paragraph.  ") == (
        "Line one continues.\n\nNext paragraph."
    )


def test_script_style_and_comments_are_dropped_with_their_content():
    html = "<p>Kept</p><script>var x = '<p>no</p>';</script><style>p{}</style><!-- hidden -->"
    assert html_to_text(html) == "Kept"


def test_entities_are_decoded():
    assert html_to_text("Johnson &amp; Johnson &#8211; &quot;talc&quot;&nbsp;case") == (
        'Johnson & Johnson \u2013 "talc" case'
    )


def test_double_escaped_entities_are_decoded_twice():
    # A feed that escaped an already escaped description: '&amp;eacute;' in the XML.
    assert html_to_text("Le d&amp;eacute;put&amp;eacute; &amp;amp; co") == "Le député & co"


def test_entity_escaped_markup_is_stripped_after_decoding():
    assert html_to_text(
        "&lt;p&gt;Escaped &lt;b&gt;markup&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;"
    ) == ("Escaped markup\n\nTwo")


def test_less_than_in_prose_is_not_a_tag():
    assert html_to_text("Turnout < 40% in 3 < 5 districts") == "Turnout < 40% in 3 < 5 districts"


def test_invisible_characters_are_removed_and_text_is_nfc():
    decomposed = "Cafe\u0301\u200b \ufeffsoft\xadhyphen"
    assert html_to_text(decomposed) == "Caf\u00e9 softhyphen"


def test_an_invisible_character_between_spaces_leaves_no_double_or_trailing_space():
    assert html_to_text("uncle' \u200b") == "uncle'"
    assert html_to_text("a \u200b b") == "a b"
    assert html_to_text("<p>a \u200b b</p>") == "a b"


def test_non_latin_scripts_survive():
    assert html_to_text("<p>萨达姆之墓</p><p>Привет, мир</p>") == "萨达姆之墓\n\nПривет, мир"


@pytest.mark.parametrize("empty", [None, "", "   ", "<p> </p>", "<br/><br/>"])
def test_empty_input_gives_empty_text(empty):
    assert html_to_text(empty) == ""


def test_title_is_one_line():
    assert clean_title("\n        Big\n<br>news  ") == "Big news"
    assert clean_title("<p>One</p><p>Two</p>") == "One Two"
