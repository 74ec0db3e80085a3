"""Article text as HTML with the tagger's evidence spans marked: ``<mark>`` around each span,
everything else escaped. Pure; the console inserts the result as HTML, so this module is the
one place that decides what markup an article's text can produce (none but ours).

A span is trusted only when ``article.<field>[start:end] == span.text``: a span that does not
fit the text it claims (a re-edited article, a bad record) is left out rather than marking the
wrong words. Overlapping spans merge into one mark that names every tag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from newswatch.contracts import TaggedArticle

__all__ = ["Mark", "highlight", "marks_of"]


@dataclass(frozen=True, slots=True)
class Mark:
    start: int
    end: int
    label: str  # what the span is evidence of, e.g. "country PK"
    kind: str  # country, admin1, place, actor, person, event, watchlist


def marks_of(article: TaggedArticle, field: str) -> list[Mark]:
    """Every valid evidence span of ``field`` ("title" or "text") in the article's tags."""
    text = getattr(article, field)
    found: list[Mark] = []
    r = article.regions
    groups: list[tuple[str, Iterable[tuple[str, object]]]] = [
        ("country", ((f"country {t.code}", t) for t in r.countries)),
        ("admin1", ((f"division {t.code}", t) for t in r.admin1)),
        ("place", ((f"place {t.name}", t) for t in r.places)),
        ("actor", ((f"actor {t.id} ({t.type})", t) for t in article.actors)),
        ("person", ((f"person {t.name}", t) for t in article.persons)),
        ("event", ((f"event {t.type}", t) for t in article.event_types)),
        ("watchlist", ((f"watchlist {t.watchlist}: {t.term}", t)
                       for t in article.watchlist_hits)),
    ]
    for kind, tags in groups:
        for label, tag in tags:
            for span in tag.evidence:  # type: ignore[attr-defined]
                if (span.field == field and 0 <= span.start < span.end <= len(text)
                        and text[span.start:span.end] == span.text):
                    found.append(Mark(span.start, span.end, label, kind))
    return found


def _merge(marks: Iterable[Mark]) -> list[Mark]:
    merged: list[Mark] = []
    for m in sorted(marks, key=lambda m: (m.start, -m.end)):
        if merged and m.start < merged[-1].end:
            last = merged[-1]
            labels = last.label if m.label in last.label.split("; ") else f"{last.label}; {m.label}"
            merged[-1] = Mark(last.start, max(last.end, m.end), labels, last.kind)
        else:
            merged.append(m)
    return merged


def highlight(text: str, marks: Iterable[Mark]) -> str:
    """``text`` escaped for HTML, each mark wrapped in ``<mark class=... title=...>``."""
    out: list[str] = []
    at = 0
    for m in _merge(marks):
        out.append(escape(text[at:m.start]))
        out.append(f'<mark class="tag-{escape(m.kind)}" title="{escape(m.label)}">'
                   f"{escape(text[m.start:m.end])}</mark>")
        at = m.end
    out.append(escape(text[at:]))
    return "".join(out)
