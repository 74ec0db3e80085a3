"""Byte-level facts about a feed document, learned before (or instead of) parsing it.

These small checks decide which parser may read a document (see ``engine``): whether its
bytes match its declared encoding, whether it is well-formed XML, and a repair that makes
feedparser-rs read empty elements correctly. All pure functions over ``bytes``.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from email.message import Message

__all__ = [
    "charset_param",
    "declared_encoding",
    "repair_empty_elements",
    "undeclared_encoding_problem",
    "wellformedness_error",
    "xml_lang",
]

_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def declared_encoding(body: bytes) -> str | None:
    """The encoding named in the XML declaration, lower-cased, or None."""
    m = _XML_DECL.match(body[:512])
    return m.group(1).decode("ascii").lower() if m else None


def charset_param(content_type: str | None) -> str | None:
    """The ``charset`` parameter of an HTTP Content-Type header, lower-cased, or None."""
    if not content_type or "charset" not in content_type.lower():
        return None
    msg = Message()
    msg["content-type"] = content_type
    charset = msg.get_param("charset")
    return charset.strip().lower() if isinstance(charset, str) and charset.strip() else None


def undeclared_encoding_problem(body: bytes, content_type: str | None = None) -> str | None:
    """Why the fast parser cannot be trusted with this document's encoding, or None.

    feedparser-rs decodes a document without a declaration (or declaring UTF-8) as UTF-8 and
    replaces undecodable bytes with U+FFFD, silently: real feeds with undeclared windows-1252
    bytes lose every accented letter. feedparser tries the fallbacks and flags the override.
    An HTTP charset that names another encoding than the document is also left to feedparser,
    which implements the precedence rules between the two.
    """
    if body.startswith(_BOMS):
        return None  # a byte-order mark settles the encoding for every parser
    declared = declared_encoding(body)
    http = charset_param(content_type)
    if http and http not in _UTF8_NAMES and http != declared:
        return f"HTTP charset {http!r} differs from the document's ({declared or 'undeclared'})"
    if declared is None or declared in _UTF8_NAMES:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"bytes are not UTF-8 although the document implies it (byte {exc.start})"
    return None


def wellformedness_error(body: bytes) -> str | None:
    """Expat's complaint if the document is not well-formed XML, else None.

    feedparser-rs recovers from broken XML without always raising its bozo flag (it reads an
    invalid character reference without complaint), so well-formedness is checked here to
    report it honestly. Expat is C: ~10 ms per MB on these machines.
    """
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError as exc:
        if (
            exc.code
            == xml.parsers.expat.errors.codes[xml.parsers.expat.errors.XML_ERROR_UNKNOWN_ENCODING]
        ):
            return None  # expat lacks a multi-byte codec (e.g. gb2312); says nothing about syntax
        return str(exc)
    except ValueError:  # e.g. an encoding name Python's codecs refuse
        return None
    return None


_EMPTY_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)((?:\s[^<>]*?)?)\s*/>")
# Where a CDATA section or a comment starts; their ends are found with bytes.find (C speed).
_OPAQUE_START = re.compile(rb"<!\[CDATA\[|<!--")
# Feed-vocabulary elements that say nothing when empty and without attributes. (XHTML such as
# '<br/>' in Atom content is not in this list: dropping it would glue two lines together.)
_FEED_TEXT_ELEMENTS = frozenset(
    b"title link description author category comments guid pubDate source summary content "
    b"subtitle rights id updated published name email uri language copyright".split()
)


def _rewrite(m: re.Match[bytes]) -> bytes:
    name = m.group(1)
    if name is None:
        return m.group(0)
    attributes = m.group(2)
    if not attributes.strip() and (b":" in name or name in _FEED_TEXT_ELEMENTS):
        return b""
    return b"<" + name + attributes + b"></" + name + b">"


def _rewrite_markup(segment: bytes) -> bytes:
    # Walk the few '/>' with find() instead of letting a regex try every '<' (real feeds have
    # ~25 '<' per '/>').
    end = segment.find(b"/>")
    if end < 0:
        return segment
    out: list[bytes] = []
    pos = 0
    while end >= 0:
        start = segment.rfind(b"<", pos, end)
        if start >= 0:
            m = _EMPTY_ELEMENT.fullmatch(segment, start, end + 2)
            if m is not None:
                out.append(segment[pos:start])
                out.append(_rewrite(m))
                pos = end + 2
        end = segment.find(b"/>", end + 2)
    out.append(segment[pos:])
    return b"".join(out)


def repair_empty_elements(body: bytes) -> bytes:
    """Drop attribute-less empty feed elements and expand the other ``<x a="1"/>`` tags.

    feedparser-rs 0.7.1 mis-reads an empty text element: after ``<description/>``,
    ``<dc:creator />`` or ``<source url="..."/>`` the next element's text is taken as that
    element's value and the next element is lost (the Economist feed loses links, Al-Monitor
    loses guids, a pubDate after ``<description/>`` is lost). ``<x a="1"></x>`` is the same
    XML as ``<x a="1"/>`` and reads correctly. An empty element without attributes carries no
    information, yet an empty ``<dc:creator/>`` would still overwrite the item's ``<author>``
    in feedparser-rs, so those are removed. Tags inside CDATA sections and comments (an HTML
    ``<br/>`` in a description) are left as written.
    """
    if b"/>" not in body:
        return body
    out: list[bytes] = []
    pos = 0
    while True:
        m = _OPAQUE_START.search(body, pos)
        if m is None:
            out.append(_rewrite_markup(body[pos:]))
            return b"".join(out)
        out.append(_rewrite_markup(body[pos : m.start()]))
        end = body.find(b"]]>" if m.group(0) == b"<![CDATA[" else b"-->", m.end())
        end = len(body) if end < 0 else end + 3
        out.append(body[m.start() : end])
        pos = end


_XML_LANG = re.compile(rb"""xml:lang\s*=\s*["']([A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*)["']""")


def xml_lang(body: bytes) -> str | None:
    """The first ``xml:lang`` in the document: the feed's language when it names no other.

    feedparser exposes ``xml:lang`` per element; feedparser-rs does not, so the raw document
    is the one source both paths share.
    """
    m = _XML_LANG.search(body)
    return m.group(1).decode("ascii") if m else None
