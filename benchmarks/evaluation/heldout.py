"""The hand-annotated held-out set (``benchmarks/gold/real-feeds.jsonl``) and the seed article.

The held-out annotations reference real feed items in ``shared/feeds/real`` by feed file and
entry guid (or link when the feed has no guid) and carry a hash of the text that was
annotated; the text itself is read from the feed at run time (it is not ours to copy into the
repository). An item whose text no longer hashes the same is skipped and reported as drifted.

Item text = title + body, where body is the entry's full content when the feed has
``content:encoded``, else its summary, as clean text (HTML removed, entities decoded,
whitespace collapsed); that text is what the annotation's hash covers. The tagger then gets it
through ingest's own text cleaning (``newswatch.ingest.text``), which also drops invisible characters
such as soft hyphens - what an ingest of the feed would hand it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from newswatch.ingest.text import clean_title, html_to_text

from benchmarks.evaluation.corpora import Doc
from benchmarks.evaluation.paths import GOLD_DIR
from benchmarks.evaluation.scoring import GoldEntities, GoldSet, surfaces

CODE_FIELDS = ("countries", "admin1", "event_types")
ENTITY_FIELDS = ("actors", "persons")


class _Text(HTMLParser):
    _BLOCK = frozenset({"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4",
                        "blockquote", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def clean_text(html: str) -> str:
    """HTML fragment -> plain text with paragraph breaks kept and spaces collapsed."""
    p = _Text()
    p.feed(unescape(html) if "&lt;" in html else html)
    p.close()
    text = "".join(p.parts).replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def entry_text(entry) -> tuple[str, str]:
    """(title, body) of a feedparser entry as clean text."""
    title = clean_text(entry.get("title", ""))
    content = entry.get("content")
    body = clean_text(content[0].get("value", "")) if content else ""
    return title, body or clean_text(entry.get("summary", ""))


def text_hash(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()[:16]


def entry_key(entry) -> str:
    return entry.get("id") or entry.get("link") or ""


def _entities(spec: dict, person: bool) -> GoldEntities:
    def ents(items):
        return tuple(surfaces([i["name"], *i.get("surfaces", [])], person) for i in items)

    req = spec.get("required", [])
    return GoldEntities(ents(req), ents(spec.get("optional", [])),
                        tuple(i["name"] for i in req))


def _gold(ann: dict) -> dict:
    gold: dict = {}
    for f in CODE_FIELDS:
        if f in ann:
            gold[f] = GoldSet.of(ann[f].get("required", []), ann[f].get("optional", []))
    for f in ENTITY_FIELDS:
        if f in ann:
            gold[f] = _entities(ann[f], person=(f == "persons"))
    return gold


@dataclass
class HeldOut:
    docs: list[Doc] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def load_heldout(shared: Path, path: Path = GOLD_DIR / "real-feeds.jsonl") -> HeldOut:
    """Annotated feed items with their text read from ``shared/feeds/real``."""
    import feedparser

    out = HeldOut()
    feeds_dir = shared / "feeds" / "real"
    parsed: dict[str, dict] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        ann = json.loads(line)
        feed = ann["feed"]
        if feed not in parsed:
            fp = feeds_dir / feed
            parsed[feed] = ({entry_key(e): e for e in reversed(
                feedparser.parse(fp.read_bytes()).entries)} if fp.exists() else {})
        entry = parsed[feed].get(ann["key"])
        if entry is None:
            out.skipped.append(f"line {n}: {feed} has no entry {ann['key']}")
            continue
        title, body = entry_text(entry)
        if text_hash(title, body) != ann["sha256"]:
            out.skipped.append(f"line {n}: text of {feed} {ann['key']} changed (hash drift)")
            continue
        # the tagger gets what ingest would hand it: ingest's own cleaning drops invisible
        # characters (Dawn's soft hyphens split "Palest\xadinian") that the hashed text keeps
        out.docs.append(Doc(corpus="held-out feeds", id=f"{feed}#{n}", title=clean_title(title),
                            text=html_to_text(body), gold=_gold(ann)))
    return out


# ---------------------------------------------------------------- seed article

@dataclass
class Seed:
    doc: Doc
    must_not: list[dict]


def load_seed(shared: Path) -> Seed:
    """The seed article with gold.json turned into scoring gold, plus machine checks for its
    ``must_not_report`` sentences (``benchmarks/gold/seed-checks.json``)."""
    seed_dir = shared / "seed"
    g = json.loads((seed_dir / "gold.json").read_text(encoding="utf-8"))
    text = (seed_dir / g["article"]).read_text(encoding="utf-8")
    gold: dict = {
        "countries": GoldSet.of(g["countries"]["required"], g["countries"]["optional"]),
        "admin1": GoldSet.of(g["admin1"]["required"], g["admin1"]["optional"]),
        "event_types": GoldSet.of(g["event_types"]["required"], g["event_types"]["optional"]),
        "macro_regions": GoldSet.of(g["macro_regions"]["required"],
                                    g["macro_regions"]["optional"]),
        "actors": _entities(g["actors"], person=False),
        "persons": _entities(g["persons"], person=True),
        "places": GoldEntities(tuple(surfaces([p]) for p in g["places"]["required"]),
                               tuple(surfaces([p]) for p in g["places"]["optional"]),
                               tuple(g["places"]["required"])),
    }
    checks = json.loads((GOLD_DIR / "seed-checks.json").read_text(encoding="utf-8"))
    doc = Doc(corpus="seed", id=g["article"], title="", text=text, gold=gold)
    return Seed(doc, checks["must_not_report"])
