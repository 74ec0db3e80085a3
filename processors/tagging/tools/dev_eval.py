"""Development-set scores for the tagger: countries and admin1 on LGL and GeoVirus.

Why: accuracy work needs a set to look at errors on that is not the team's test data. LGL and
GeoVirus are the development split; GeoWebNews and TR-News stay test corpora (score them with
``benchmarks/tagger.py``, never tune on their errors), and the held-out real-feed gold is not
touched here at all. Gold comes from the team benchmark's corpus loader
(``benchmarks/evaluation/corpora.py``), so figures are comparable with its tables.

    python -m processors.tagging.tools.dev_eval [--errors 40]

Prints micro P/R/F1 per corpus and field and, with ``--errors``, the most frequent false
positives (with the surfaces that produced them) and misses.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from benchmarks.evaluation.corpora import load_corpus
from benchmarks.evaluation.paths import shared_dir
from benchmarks.evaluation.scoring import micro, score_codes
from newswatch.contracts import RawArticle
from processors.tagging import Tagger

DEV_CORPORA = ("LGL", "GeoVirus")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="dev_eval", description=__doc__.split("\n")[0])
    p.add_argument("--errors", type=int, default=0)
    args = p.parse_args(argv)
    root = shared_dir() / "benchmarks" / "geoparsing"
    if not root.is_dir():
        print(f"no corpora at {root} (set NEWSWATCH_SHARED)")
        return 1
    tagger = Tagger()
    fps: Counter = Counter()
    misses: Counter = Counter()
    for name in DEV_CORPORA:
        outcomes: dict[str, list] = {"countries": [], "admin1": []}
        for doc in load_corpus(root, name, None):
            t = tagger.tag(RawArticle(id="dev", title=doc.title, text=doc.text))
            pred = {"countries": {c.code for c in t.regions.countries},
                    "admin1": {a.code for a in t.regions.admin1}}
            evidence = {c.code: {e.text for e in c.evidence}
                        for c in [*t.regions.countries, *t.regions.admin1]}
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
    if args.errors:
        print("false positives:", "; ".join(
            f"{c}/{f}/{code} {s!r} x{n}" for (c, f, code, s), n in fps.most_common(args.errors)))
        print("misses:", "; ".join(
            f"{c}/{f}/{code} x{n}" for (c, f, code), n in misses.most_common(args.errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
