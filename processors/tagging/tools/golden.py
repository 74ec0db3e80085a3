"""Differential harness and speed probe for the tagger.

Why: speed work must not change what the tagger reports. ``save`` tags a fixed document set
and writes every output (JSON, ``tagger_version`` blanked) to a directory outside the repo;
``check`` tags the same set again and reports every document whose output differs. ``speed``
tags the corpus part of the set on one pinned core and reports documents per CPU-second.

The set: every string literal of at least 20 characters in ``tests/unit/test_tagging_*.py``
(the unit-test sentences), the seed article, and about 300 pieces of ~1.2 KB cut from the
public geoparsing corpora (GeoWebNews, LGL, TR-News, GeoVirus) in ``shared/benchmarks``. Every
document is tagged with and without the example watchlist; corpus pieces that have a title
keep it, so the title field is exercised too.

    python -m newswatch.processors.tagging.tools.golden save  /tmp/golden/base [--full]
    python -m newswatch.processors.tagging.tools.golden check /tmp/golden/base
    python -m newswatch.processors.tagging.tools.golden speed [--cpu 1] [--passes 5]

``$NEWSWATCH_SHARED`` overrides where ``shared/`` is (default: beside the repository).
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
TESTS = REPO / "tests" / "unit"
WATCHLIST = REPO / "processors" / "tagging" / "data" / "watchlist.example.yaml"
CORPORA = ("GeoWebNews", "LGL", "TR-News", "GeoVirus")
PER_CORPUS = 75
DOC_BYTES = 1200


def shared_dir() -> Path:
    return Path(os.environ.get("NEWSWATCH_SHARED") or REPO.parent / "shared")


def _test_sentences() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in sorted(TESTS.glob("test_tagging_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and len(node.value) >= 20 and "\n" not in node.value.strip("\n")):
                out.append(("", node.value))
    return list(dict.fromkeys(out))  # each once, in first-seen order


def _cut(text: str, size: int = DOC_BYTES) -> list[str]:
    """Pieces of ~``size`` bytes at sentence boundaries (keeps paragraph breaks)."""
    pieces: list[str] = []
    buf = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        if buf and len((buf + " " + sentence).encode()) > size:
            if len(buf.encode()) >= size * 0.75:
                pieces.append(buf)
            buf = ""
        buf = f"{buf} {sentence}".strip()
    if len(buf.encode()) >= size * 0.75:
        pieces.append(buf)
    return pieces


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"_golden_{path.parent.name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.load()


def corpus_docs(per_corpus: int = PER_CORPUS) -> list[tuple[str, str]]:
    """(title, text) pieces from the corpora: the first piece of each article keeps its title."""
    root = shared_dir() / "benchmarks" / "geoparsing"
    docs: list[tuple[str, str]] = []
    for name in CORPORA:
        if not (root / name / "load.py").exists():
            continue
        taken = 0
        for article in _load(root / name / "load.py"):
            for i, piece in enumerate(_cut(article["text"])):
                title = (article.get("title") or "") if i == 0 else ""
                docs.append((title.strip(), piece))
                taken += 1
                if taken >= per_corpus:
                    break
            if taken >= per_corpus:
                break
    return docs


def _variants(docs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Odd shapes real feeds have: all-caps headlines, no-break spaces, hard line breaks."""
    out = []
    for i, (title, text) in enumerate(docs):
        first = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0]
        if i % 3 == 0:
            out.append((first.upper(), text))
        elif i % 3 == 1:
            out.append((title, re.sub(r"(\S+) (\S+) ", "\\1\u00a0\\2 ", text)))
        else:
            out.append((title, re.sub(r"(?<=[.!?,]) ", "\n", text)))
    return out


def golden_docs(full: bool = False) -> list[tuple[str, str]]:
    """The fixed set; ``full``: every corpus piece plus odd-shaped variants of each."""
    docs = _test_sentences()
    seed = shared_dir() / "seed" / "article-2024-04-04-ttp-talks.txt"
    if seed.exists():
        docs.append(("", seed.read_text(encoding="utf-8")))
    corpus = corpus_docs(10_000 if full else PER_CORPUS)
    return docs + corpus + (_variants(docs + corpus) if full else [])


def _outputs(docs: list[tuple[str, str]]) -> list[str]:
    from newswatch.processors.tagging import Tagger

    from newswatch.contracts import RawArticle

    out = []
    for tagger in (Tagger(), Tagger(watchlist_path=WATCHLIST)):
        for i, (title, text) in enumerate(docs):
            tagged = tagger.tag(RawArticle(id=f"g{i}", title=title, text=text))
            data = tagged.model_dump(mode="json")
            data["tagger_version"] = ""
            out.append(json.dumps(data, ensure_ascii=False, sort_keys=True))
    return out


def save(target: Path, full: bool = False) -> int:
    docs = golden_docs(full)
    target.mkdir(parents=True, exist_ok=True)
    (target / "docs.json").write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
    outs = _outputs(docs)
    (target / "outputs.jsonl").write_text("\n".join(outs) + "\n", encoding="utf-8")
    print(f"saved {len(outs)} outputs of {len(docs)} documents to {target}")
    return 0


def check(target: Path, show: int = 3) -> int:
    docs = json.loads((target / "docs.json").read_text(encoding="utf-8"))
    docs = [tuple(d) for d in docs]
    # split on "\n" only: JSON escapes it, but U+2028 and friends stay raw in the lines
    want = (target / "outputs.jsonl").read_text(encoding="utf-8").split("\n")[:-1]
    got = _outputs(docs)
    bad = [i for i, (a, b) in enumerate(zip(want, got, strict=True)) if a != b]
    print(f"{len(got) - len(bad)}/{len(got)} outputs identical")
    for i in bad[:show]:
        a, b = json.loads(want[i]), json.loads(got[i])
        keys = sorted(k for k in a if a[k] != b.get(k))
        print(f"- doc {i % len(docs)} ({'watchlist' if i >= len(docs) else 'plain'}): "
              f"differs in {keys}")
        for k in keys[:2]:
            print(f"    want {k}: {json.dumps(a[k])[:600]}")
            print(f"    got  {k}: {json.dumps(b.get(k))[:600]}")
    return 1 if bad else 0


def speed(cpu: int | None, passes: int) -> int:
    """Docs per CPU-second over the corpus pieces (median of ``passes`` passes)."""
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    t0 = time.perf_counter()
    from newswatch.processors.tagging import Tagger

    from newswatch.contracts import RawArticle

    tagger = Tagger()
    init_s = time.perf_counter() - t0
    docs = [RawArticle(id=f"s{i}", title="", text=text)
            for i, (_t, text) in enumerate(corpus_docs())]
    for d in docs[:20]:
        tagger.tag(d)
    rates, refs, norm = [], [], []
    for _ in range(passes):
        ref_s = (_reference() + _reference()) / 2
        c0 = time.process_time()
        for d in docs:
            tagger.tag(d)
        rate = len(docs) / (time.process_time() - c0)
        rates.append(rate)
        refs.append(ref_s)
        norm.append(rate * ref_s / REFERENCE_NOMINAL_S)  # each pass scaled by its own load

    def median(xs: list[float]) -> float:
        return sorted(xs)[len(xs) // 2]

    print(json.dumps({"docs": len(docs), "mean_bytes": round(
        sum(len(d.text.encode()) for d in docs) / len(docs)),
        "docs_per_cpu_s": round(median(rates), 1), "best_docs_per_cpu_s": round(max(rates), 1),
        "all": [round(r) for r in rates],
        "reference_cpu_s": round(median(refs), 4),
        "normalised_docs_per_s": round(median(norm), 1), "init_s": round(init_s, 2)}))
    return 0


# CPU seconds of ``_reference`` on this project's 2-core VM when it was quiet; the speed probe
# scales its docs/s by (measured reference / this), so runs under different load compare.
REFERENCE_NOMINAL_S = 0.026


def _reference() -> float:
    """CPU seconds of a fixed pure-Python loop: divides out how slow the core is right now."""
    c0 = time.process_time()
    acc = 0
    words = ["the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog"]
    for i in range(200_000):
        acc += len(words[i % 9]) * (i & 7)
    return time.process_time() - c0


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="golden", description=__doc__.split("\n")[0])
    p.add_argument("cmd", choices=("save", "check", "speed"))
    p.add_argument("dir", nargs="?", type=Path, default=Path("/tmp/golden/base"))
    p.add_argument("--cpu", type=int, default=None)
    p.add_argument("--passes", type=int, default=9)
    p.add_argument("--full", action="store_true", help="save: all corpus pieces + variants")
    args = p.parse_args(argv)
    if args.cmd == "save":
        return save(args.dir, args.full)
    if args.cmd == "check":
        return check(args.dir)
    return speed(args.cpu, args.passes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
