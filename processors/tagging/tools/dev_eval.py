"""Development-set scores for the tagger: countries and admin1 on LGL and GeoVirus, and every
field on the hand-annotated dev feed items.

Why: accuracy work needs a set to look at errors on that is not the team's test data. LGL and
GeoVirus are the development split; GeoWebNews and TR-News stay test corpora (score them with
``benchmarks/tagger.py``, never tune on their errors). The real-feed gold has two parts:
``benchmarks/gold/dev-feeds.jsonl`` (for tuning: scored here, errors listed) and
``real-feeds.jsonl`` (held out: not touched here at all). Gold comes from the team benchmark's
loaders (``benchmarks/evaluation/corpora.py``, ``heldout.py``) and the dev feeds are scored by
the benchmark's own ``evaluate`` (``benchmarks/tagger.py``), so figures are comparable with its
tables.

    python -m newswatch.processors.tagging.tools.dev_eval [--feeds | --corpora] [--errors 40]

Prints micro P/R/F1 per corpus and field (dev feeds: countries, admin1, actors, persons, event
types) and, with ``--errors``, the most frequent false positives (corpora: with the surfaces
that produced them) and misses, and for the dev feeds every item's misses and false positives.
``--feeds`` scores only the dev feeds (fast), ``--corpora`` only LGL and GeoVirus.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from newswatch.processors.tagging import Tagger

from benchmarks.evaluation import report
from benchmarks.evaluation.corpora import load_corpus
from benchmarks.evaluation.heldout import load_heldout
from benchmarks.evaluation.paths import GOLD_DIR, shared_dir
from benchmarks.evaluation.scoring import micro, score_codes
from benchmarks.evaluation.systems import build
from benchmarks.tagger import evaluate, totals
from newswatch.contracts import Admin1Tag, CountryTag, RawArticle

DEV_CORPORA = ("LGL", "GeoVirus")
DEV_FEEDS = GOLD_DIR / "dev-feeds.jsonl"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="dev_eval", description=__doc__.split("\n")[0])
    p.add_argument("--errors", type=int, default=0)
    only = p.add_mutually_exclusive_group()
    only.add_argument("--feeds", action="store_true", help="only the dev feed items")
    only.add_argument("--corpora", action="store_true", help="only LGL and GeoVirus")
    p.add_argument("--gold", type=Path, default=DEV_FEEDS,
                   help="annotated feed items to score (default: the dev set); a new batch is "
                        "worth scoring once before any tuning on it, as a fresh held-out check")
    args = p.parse_args(argv)
    shared = shared_dir()
    if not shared.is_dir():
        print(f"no shared data at {shared} (set NEWSWATCH_SHARED)")
        return 1
    if not args.feeds:
        _score_corpora(shared / "benchmarks" / "geoparsing", args.errors)
    if not args.corpora:
        _score_feeds(shared, args.errors, args.gold)
    return 0


def _score_feeds(shared: Path, errors: int, gold: Path = DEV_FEEDS) -> None:
    """The dev feed items, scored by the benchmark's own evaluate/totals (one scoring)."""
    dev = load_heldout(shared, gold)
    for s in dev.skipped:
        print(f"dev feeds: skipped {s}")
    if not dev.docs:
        return
    outcomes, _ = evaluate(dev.docs, {"newswatch": build("newswatch")})
    res = totals(outcomes)
    print(report.score_table(f"{gold.name}: feed items (hand-annotated, for tuning)",
                             len(dev.docs), res))
    if errors:
        print(report.error_table("dev feeds, newswatch", res["newswatch"], errors))
        per_field = outcomes["newswatch"]
        for i, doc in enumerate(dev.docs):
            wrong = [f"    {f}: missed {os_[i].missed} false positives {os_[i].spurious}"
                     for f, os_ in per_field.items() if os_[i].missed or os_[i].spurious]
            if wrong:
                print(f"  {doc.id}: {doc.title[:90]}", *wrong, sep="\n")


def _score_corpora(root: Path, errors: int) -> None:
    if not root.is_dir():
        print(f"no corpora at {root} (set NEWSWATCH_SHARED)")
        return
    tagger = Tagger()
    fps: Counter = Counter()
    misses: Counter = Counter()
    for name in DEV_CORPORA:
        outcomes: dict[str, list] = {"countries": [], "admin1": []}
        for doc in load_corpus(root, name, None):
            t = tagger.tag(RawArticle(id="dev", title=doc.title, text=doc.text))
            pred = {"countries": {c.code for c in t.regions.countries},
                    "admin1": {a.code for a in t.regions.admin1}}
            tags: list[CountryTag | Admin1Tag] = [*t.regions.countries, *t.regions.admin1]
            evidence = {c.code: {e.text for e in c.evidence} for c in tags}
            for field, got in pred.items():
                o = score_codes(doc.gold[field], got)
                outcomes[field].append(o)
                for code in o.spurious:
                    for surface in evidence.get(code, ()):
                        fps[(name, field, code, surface)] += 1
                for code in o.missed:
                    misses[(name, field, code)] += 1
        for field, os_ in outcomes.items():
            m = micro(os_)
            print(f"{name:<9} {field:<10} P={m.precision:.3f} R={m.recall:.3f} F1={m.f1:.3f} "
                  f"tp={m.tp} fp={m.fp} fn={m.fn}")
    if errors:
        print("false positives:", "; ".join(
            f"{c}/{f}/{code} {s!r} x{n}" for (c, f, code, s), n in fps.most_common(errors)))
        print("misses:", "; ".join(
            f"{c}/{f}/{code} x{n}" for (c, f, code), n in misses.most_common(errors)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
