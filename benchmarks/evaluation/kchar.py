"""Issue 15's figure alone: the tagger's time per 1,000 characters, without the full benchmark.

``python benchmarks/run.py tagger`` reports ``max_ms_per_kchar`` against
``median_ms_per_kchar`` after scoring every corpus; this probe times only that part, on the
same documents (``speed.speed_docs`` over the same seeded corpus sample) and the same 1 MB
article, pinned to one core, and keeps each document's fastest of ``--passes`` sweeps. It also
names the slowest documents, so that a change can be judged on the one that sets the ratio.
It reads the process's CPU time by default (``--clock wall``: the benchmark's wall clock), so
that time the shared machine gives to others is not counted.

    python -m benchmarks.evaluation.kchar docs /tmp/kchar-docs.json   # write the speed set
    python -m benchmarks.evaluation.kchar time --docs /tmp/kchar-docs.json [--cpu 1]
        [--passes 9] [--rounds 1] [--no-long] [--slowest 5] [--clock process|wall]
    python -m benchmarks.evaluation.kchar one --docs /tmp/kchar-docs.json --match "Riley Oliver"
        [--index I] [--repeat 200]   # tag one document (without either: all of them) over
        and over (for callgrind or perf)

``time`` and ``one`` import nothing from ``benchmarks`` and read the documents from the file,
so the same file can drive another checkout's interpreter: run this file by path with that
checkout's ``python`` to compare two builds interleaved on one machine. ``docs`` needs the
shared folder (``$NEWSWATCH_SHARED``, default beside the repository).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

LONG_DOC_CHARS = 1_000_000  # as speed.LONG_DOC_CHARS
SPEED_CORPORA = ("GeoWebNews", "LGL", "TR-News")  # the corpora benchmarks/tagger.py times
SAMPLE = 75  # benchmarks/tagger.py's default --limit


def write_docs(out: Path) -> int:
    """The speed set of ``benchmarks/run.py tagger`` (default sample), as a JSON list."""
    import random

    from benchmarks.evaluation import corpora, speed
    from benchmarks.evaluation.paths import shared_dir

    root = shared_dir() / "benchmarks" / "geoparsing"
    texts: list[str] = []
    for name in corpora.CORPORA:
        if name not in SPEED_CORPORA or not (root / name / "load.py").exists():
            continue
        raw = corpora._load_module(root / name / "load.py").load()
        if len(raw) > SAMPLE:  # load_corpus's seeded sample, without deriving the gold
            raw = random.Random(f"13:{name}").sample(raw, SAMPLE)
        texts += [d["text"] for d in raw]
    docs = speed.speed_docs(texts)
    out.write_text(json.dumps(docs), encoding="utf-8")
    return len(docs)


def _long_doc(docs: list[str], chars: int = LONG_DOC_CHARS) -> str:
    text = "\n\n".join(docs)  # as speed.long_doc
    return (text * (chars // max(1, len(text)) + 1))[:chars]


def _sweeps(tagger, texts: list[str], passes: int, clock) -> list[float]:
    """Each text's fastest of ``passes`` sweeps over all of them, in ms per 1,000 chars."""
    from newswatch.contracts import RawArticle

    articles = [RawArticle(id="kchar", title="", text=x) for x in texts]
    best = [float("inf")] * len(articles)
    for _ in range(passes):
        for i, article in enumerate(articles):
            t0 = clock()
            tagger.tag(article)
            best[i] = min(best[i], clock() - t0)
    return [b * 1e3 / (len(x) / 1000) for b, x in zip(best, texts, strict=True)]


def time_kchar(docs: list[str], passes: int, long: bool, slowest: int, clock) -> dict:
    from newswatch.processors.tagging import Tagger

    tagger = Tagger()
    texts = [d for d in docs if d]
    _sweeps(tagger, texts[:20], 1, clock)  # warm-up, as the benchmark's worker
    costs = _sweeps(tagger, texts, passes, clock)
    order = sorted(range(len(costs)), key=costs.__getitem__)
    median = costs[order[len(order) // 2]]
    worst = costs[order[-1]]
    out = {"median_doc": order[len(order) // 2], "median_ms_per_kchar": round(median, 4),
           "max_doc_ms_per_kchar": round(worst, 4),
           "max_doc_over_median": round(worst / median, 3)}
    if long:
        long_cost = _sweeps(Tagger(max_chars=LONG_DOC_CHARS), [_long_doc(docs)], 3, clock)[0]
        out["long_doc_ms_per_kchar"] = round(long_cost, 4)
        out["long_doc_over_median"] = round(long_cost / median, 3)
        # the benchmark's figure: the slower of the two against the median
        out["max_over_median"] = round(max(worst, long_cost) / median, 3)
    out["slowest"] = [{"doc": i, "over_median": round(costs[i] / median, 3),
                       "chars": len(texts[i]), "opens": texts[i][:40]}
                      for i in reversed(order[-slowest:])] if slowest else []
    return out


def _load(path: str) -> list[str]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="kchar", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("docs")
    d.add_argument("out")
    t = sub.add_parser("time")
    t.add_argument("--docs", required=True)
    t.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)))
    t.add_argument("--passes", type=int, default=9)
    t.add_argument("--rounds", type=int, default=1)
    t.add_argument("--no-long", action="store_true")
    t.add_argument("--slowest", type=int, default=3)
    t.add_argument("--clock", choices=("process", "wall"), default="process")
    o = sub.add_parser("one")
    o.add_argument("--docs", required=True)
    o.add_argument("--match", help="a string of the document's text")
    o.add_argument("--index", type=int, help="the document's place in the file")
    o.add_argument("--repeat", type=int, default=1)
    a = p.parse_args(argv)
    if a.cmd == "docs":
        print(f"{write_docs(Path(a.out))} documents written to {a.out}")
        return 0
    docs = _load(a.docs)
    if a.cmd == "one":
        from newswatch.processors.tagging import Tagger

        from newswatch.contracts import RawArticle

        tagger = Tagger()
        if a.match is None and a.index is None:  # the whole set, each once per repeat
            texts = [d for d in docs if d]
        else:
            texts = [docs[a.index] if a.match is None else next(x for x in docs if a.match in x)]
        articles = [RawArticle(id="kchar", title="", text=x) for x in texts]
        from newswatch.processors.tagging.records import tagged_article

        # every lexicon loaded and every path warm before repeating; through ``resolve``,
        # not ``tag``, so that callgrind's --toggle-collect on ``Tagger.tag`` (its C symbol
        # in the compiled build: '__pyx_pw_*Tagger_*tag') counts the repeats alone
        for article in articles:
            tagged_article(*tagger.resolve(article))
        for _ in range(a.repeat):
            for article in articles:
                tagger.tag(article)
        return 0
    os.sched_setaffinity(0, {a.cpu})
    clock = time.process_time if a.clock == "process" else time.perf_counter
    for _ in range(a.rounds):
        print(json.dumps(time_kchar(docs, a.passes, not a.no_long, a.slowest, clock)),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
