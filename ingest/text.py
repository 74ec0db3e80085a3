"""Feed HTML -> clean text.

Feed titles and summaries arrive as HTML fragments of every vintage: entity-escaped HTML,
double-escaped entities (``&amp;eacute;``), CDATA full articles with scripts and figures, or
plain text with blank lines. Downstream taggers want one thing: plain text whose offsets mean
something, with paragraph breaks kept as ``"\\n\\n"`` (they bound evidence spans) and every other
run of whitespace collapsed to one space.

Regular expressions instead of an HTML parser: this runs on every entry on the ingest hot path,
and ``html.parser`` is pure Python and several times slower. We only need tags removed and
block boundaries noticed, not a DOM. The output is plain text, not sanitised HTML: a consumer
that renders it as HTML must escape it.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["clean_title", "html_to_text"]

# Private markers for breaks we insert, so later whitespace collapsing cannot eat them.
# U+2028/U+2029 are Unicode's own line/paragraph separators, so reusing them is harmless.
_LINE = "\u2028"
_PARA = "\u2029"

# Elements whose content is never reader-visible text.
_INVISIBLE = re.compile(
    r"<(script|style|noscript|iframe|object|embed|svg|template|head|title)\b[^>]*>.*?</\1\s*>",
    re.DOTALL | re.IGNORECASE,
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_BLOCK = re.compile(
    r"</?(?:p|div|h[1-6]|blockquote|li|ul|ol|dl|dt|dd|table|thead|tbody|tfoot|tr|section|article"
    r"|header|footer|figure|figcaption|pre|hr|aside|nav|main|address|details|summary|center)\b[^<>]*>",
    re.IGNORECASE,
)
_BR = re.compile(r"<br\b[^<>]*>", re.IGNORECASE)
_CELL = re.compile(r"</?(?:td|th)\b[^<>]*>", re.IGNORECASE)
# A tag must start with a letter, '/', '!' or '?' so that prose like "a < b" survives.
_TAG = re.compile(r"<(?:/?[A-Za-z][^<>]*|![^<>]*|\?[^<>]*)>")
_HAS_TAG = re.compile(r"<(?:/?[A-Za-z]|!--)")
_NEEDS_WORK = re.compile(r"[<&\n\r\u2028\u2029]")
_HTML_WS = re.compile(r"[ \t\r\n\f\v]+")
_BLANK_LINE = re.compile(r"[ \t\r\f\v]*\n[ \t\r\f\v]*\n\s*")
# C0/C1 controls, zero-width space, BOM, soft hyphen: invisible, and they break word matching.
_JUNK = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u200b\ufeff\xad]")

# Entity decoding is repeated to undo double escaping, but a bounded number of times.
_MAX_ROUNDS = 3


def _strip_tags(s: str, *, first: bool) -> str:
    # Source whitespace in HTML is not layout. str.split() is ~6x faster than a regex here,
    # but it would also eat our markers, which exist only after the first round.
    s = " ".join(s.split()) if first else _HTML_WS.sub(" ", s)
    s = _COMMENT.sub(" ", s)
    s = _INVISIBLE.sub(" ", s)
    s = _BLOCK.sub(_PARA, s)
    s = _BR.sub(_LINE, s)
    s = _CELL.sub(" ", s)
    return _TAG.sub("", s)


def _plain_breaks(s: str) -> str:
    if "\n" not in s and "\r" not in s:
        return s
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _BLANK_LINE.sub(_PARA, s)
    return s.replace("\n", " ")


def _layout(s: str) -> str:
    """Markers -> newlines, every other whitespace run -> one space, empty lines dropped."""
    paragraphs = []
    for paragraph in s.split(_PARA):
        lines = [" ".join(line.split()) for line in paragraph.split(_LINE)]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def html_to_text(value: str | None) -> str:
    """Turn an HTML (or plain text) fragment into clean text with ``"\\n\\n"`` paragraph breaks.

    Tags are removed (script/style content with them), block elements become paragraph
    breaks and ``<br>`` a line break, entities are decoded -- repeatedly, because feeds double
    escape -- and whitespace is collapsed. Plain text keeps its blank-line paragraphs.
    """
    if not value:
        return ""
    s = value
    if not _NEEDS_WORK.search(s):  # most titles, names and categories: just whitespace
        if not s.isascii():
            s = _JUNK.sub("", s)  # before collapsing: a removed U+200B may sit between spaces
            if not unicodedata.is_normalized("NFC", s):
                s = unicodedata.normalize("NFC", s)
        return " ".join(s.split())
    if _HAS_TAG.search(s):
        s = _strip_tags(s, first=True)
    else:
        s = _plain_breaks(s)
    for _ in range(_MAX_ROUNDS):
        if "&" not in s:
            break
        decoded = html.unescape(s)
        if decoded == s:
            break
        s = decoded
        if _HAS_TAG.search(s):  # the entities hid markup (entity-escaped twice)
            s = _strip_tags(s, first=False)
    if not s.isascii():
        s = _JUNK.sub("", s)
        if not unicodedata.is_normalized("NFC", s):
            s = unicodedata.normalize("NFC", s)
    return _layout(s)


def clean_title(value: str | None) -> str:
    """Clean text on one line: titles never carry paragraph structure."""
    text = html_to_text(value)
    if "\n" in text:
        text = " ".join(text.split())
    return text
