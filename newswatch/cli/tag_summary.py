"""``newswatch tag --format summary``: one readable block per tagged article.

For an analyst reading at a terminal: the title, then one line per tag - countries,
divisions, places, actors, persons, events - each with a short snippet of the text that
produced it (the tag's first evidence span, marked with [ ]), and the severity.
"""

from __future__ import annotations

import re

from newswatch.contracts import Span, TaggedArticle

__all__ = ["summary"]

_CONTEXT = 30  # characters of text either side of the evidence
_SPACE = re.compile(r"\s+")


def snippet(article: TaggedArticle, span: Span) -> str:
    """The evidence in its sentence: '…killed three [officers] on Monday…'."""
    text = getattr(article, span.field, None) or ""
    lo, hi = max(0, span.start - _CONTEXT), min(len(text), span.end + _CONTEXT)
    before = _SPACE.sub(" ", text[lo:span.start]).lstrip()
    after = _SPACE.sub(" ", text[span.end:hi]).rstrip()
    return (("…" if lo > 0 else "") + before + f"[{text[span.start:span.end]}]" + after
            + ("…" if hi < len(text) else ""))


def _line(label: str, evidence: list[Span], article: TaggedArticle) -> str:
    where = f"  {snippet(article, evidence[0])}" if evidence else ""
    return f"    {label}{where}"


def _section(name: str, lines: list[str]) -> list[str]:
    return [f"  {name} ({len(lines)})", *lines] if lines else [f"  {name}: none"]


def summary(article: TaggedArticle) -> str:
    """The block for one article, ending in a blank line."""
    reg = article.regions
    primary = f", primary {reg.primary_country}" if reg.primary_country else ""
    out = [f"== {article.id}: {article.title or '(no title)'}",
           f"  severity {article.severity:.2f}{primary}"]
    out += _section("countries", [_line(f"{c.code} {c.name}", c.evidence, article)
                                  for c in reg.countries])
    out += _section("divisions", [_line(f"{d.code} {d.name}", d.evidence, article)
                                  for d in reg.admin1])
    out += _section("places", [_line(f"{p.name} ({p.country or '?'})", p.evidence, article)
                               for p in reg.places])
    out += _section("actors", [_line(f"{a.name} [{a.type}{', ' + a.country if a.country else ''}]",
                                     a.evidence, article) for a in article.actors])
    out += _section("persons", [
        _line(f"{p.name}" + (f" ({p.role})" if p.role else "")
              + (f" [{p.country}]" if p.country else ""), p.evidence, article)
        for p in article.persons])
    out += _section("events", [_line(f"{e.type} {e.confidence:.2f}", e.evidence, article)
                               for e in article.event_types])
    if article.watchlist_hits:
        out += _section("watchlist", [_line(f"{w.watchlist}: {w.term}", w.evidence, article)
                                      for w in article.watchlist_hits])
    if article.parse_warnings:
        out += [f"  warning: {w}" for w in article.parse_warnings]
    return "\n".join(out) + "\n\n"
