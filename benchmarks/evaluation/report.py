"""Plain-text tables for the benchmark's stdout (the JSON summary is printed by the caller)."""

from __future__ import annotations

from collections import Counter

from benchmarks.evaluation.scoring import Outcome


def fmt(x: float) -> str:
    return f"{x:.3f}"


def score_table(title: str, n_docs: int, results: dict[str, dict[str, Outcome]]) -> str:
    """results: system -> field -> micro outcome. One row per field and system."""
    fields: list[str] = []
    for per_field in results.values():
        fields += [f for f in per_field if f not in fields]
    lines = [f"\n== {title} ({n_docs} docs)",
             f"{'field':<17}{'system':<17}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"]
    for f in fields:
        for system, per_field in results.items():
            o = per_field.get(f)
            if o is None:
                continue
            lines.append(f"{f:<17}{system:<17}{fmt(o.precision):>7}{fmt(o.recall):>7}"
                         f"{fmt(o.f1):>7}{o.tp:>6}{o.fp:>6}{o.fn:>6}")
    return "\n".join(lines)


def error_table(title: str, per_field: dict[str, Outcome], k: int) -> str:
    """The ``k`` most frequent misses and false positives per field of one system."""
    lines = [f"-- most frequent errors, {title}"]
    for f, o in per_field.items():
        missed = ", ".join(f"{x} x{n}" for x, n in Counter(o.missed).most_common(k))
        spurious = ", ".join(f"{x} x{n}" for x, n in Counter(o.spurious).most_common(k))
        lines.append(f"  {f}: missed [{missed}]  false positives [{spurious}]")
    return "\n".join(lines)


def speed_table(rows: list[dict]) -> str:
    lines = [("\n== speed: one pinned core, fresh subprocess per system and round, same "
              "documents; the fastest of interleaved rounds"),
             f"{'system':<17}{'docs/s':>10}{'doc bytes':>11}{'docs':>8}{'RSS +MB':>9}  note"]
    for r in rows:
        if "error" in r:
            lines.append(f"{r['system']:<17}{'-':>10}{'':>11}{'':>8}{'':>9}  {r['error']}")
        else:
            lines.append(f"{r['system']:<17}{r['docs_per_s']:>10.1f}{r['mean_doc_bytes']:>11}"
                         f"{r['docs']:>8}{r['rss_delta_mb']:>9.1f}  cpu {r['cpu']}; rounds "
                         + ", ".join(f"{x:.0f}" for x in r.get("rounds_docs_per_s", [])))
    lines += [stage_line(r) for r in rows if "stage_us" in r]
    lines += [per_kchar_line(r) for r in rows if "per_kchar" in r]
    return "\n".join(lines)


def per_kchar_line(row: dict) -> str:
    """The slowest document's time per 1,000 characters against the median document's."""
    k = row["per_kchar"]
    return (f"{row['system']} ms per 1,000 characters: median document {k['median_ms_per_kchar']:.3f}, "
            f"slowest {k['max_doc_ms_per_kchar']:.3f}, a 1 MB article {k['long_doc_ms_per_kchar']:.3f} "
            f"(max {k['max_over_median']:.2f}x the median)")


def stage_line(row: dict) -> str:
    """Where one system's time goes, from its ``stage_us`` (microseconds per document)."""
    st = row["stage_us"]
    floor = st["scan"] + st["output"]
    return (f"{row['system']} stages, us/doc: scan {st['scan']:.1f}, rules {st['rules']:.1f}, "
            f"output {st['output']:.1f} (the scan and the output are a floor the rules "
            f"cannot go below: {floor:.1f} us, {floor / sum(st.values()):.0%} of the time)")
