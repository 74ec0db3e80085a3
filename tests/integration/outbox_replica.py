"""One delivery replica for the duplicate-notification test, run as its own OS process.

    python outbox_replica.py URL NAME WORKDIR COUNT [--peers N] [--hold-at K] [--lease-s S]

It opens the alert store at URL, waits for WORKDIR/go (so replicas start together), queues
COUNT notifications with the same (route, group_key) every replica uses, waits until the N
peers have queued theirs, then claims, "delivers" (a short sleep, as a webhook call takes, and
one line per notification appended and fsynced to WORKDIR/NAME.deliveries) and marks them
sent until none is pending. With ``--hold-at K`` it stops after its K-th claim,
writes the claimed ids to WORKDIR/NAME.holding and sleeps, holding the claims, until killed.
WORKDIR/NAME.added gets how many of its enqueues added a row.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newswatch.sinks.alerts.store import open_store

from newswatch.contracts import Alert

ROUTE = "ops"


def group_keys(count: int) -> list[str]:
    return [f"article-{i:04d}|alert:1" for i in range(count)]


def _alert() -> Alert:
    at = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    return Alert(id="alert", rule_id="r", rule_name="Rule", severity="high", story_id="s",
                 title="Checkpoint attacked", article_id="article-0000",
                 latest_article_id="article-0000", first_seen_at=at, last_seen_at=at,
                 raised_at=at, updated_at=at)


def _append(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write("".join(f"{line}\n" for line in lines))
        out.flush()
        os.fsync(out.fileno())


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("name")
    parser.add_argument("workdir", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--peers", type=int, default=1)
    parser.add_argument("--hold-at", type=int, default=0)
    parser.add_argument("--deliver-s", type=float, default=0.01)
    parser.add_argument("--lease-s", type=float, default=2.0)
    parser.add_argument("--timeout-s", type=float, default=90.0)
    args = parser.parse_args(argv)
    work: Path = args.workdir
    store = open_store(args.url, work / "unused.sqlite3")
    (work / f"{args.name}.ready").touch()
    deadline = time.monotonic() + args.timeout_s
    while not (work / "go").exists():
        if time.monotonic() > deadline:
            return 3
        time.sleep(0.01)

    alert = _alert()
    keys = group_keys(args.count)
    random.Random(args.name).shuffle(keys)  # each replica races for the keys in its own order
    added = sum(store.enqueue(ROUTE, key, "new", [alert], datetime.now(UTC)) for key in keys)
    (work / f"{args.name}.added").write_text(str(added), encoding="utf-8")
    while len(list(work.glob("*.added"))) < args.peers:
        if time.monotonic() > deadline:
            return 3
        time.sleep(0.01)

    lease = timedelta(seconds=args.lease_s)
    deliveries = work / f"{args.name}.deliveries"
    claims = 0
    while time.monotonic() < deadline:
        claimed = store.claim(ROUTE, args.name, datetime.now(UTC), lease, limit=5)
        if not claimed:
            if store.outbox_counts().get((ROUTE, "pending"), 0) == 0:
                store.close()
                return 0
            time.sleep(0.05)  # the rest is leased to another replica: wait for its lease
            continue
        claims += 1
        if claims == args.hold_at:
            # written aside and renamed: the test kills this process once the file exists,
            # so it must never exist half-written
            _append(work / f"{args.name}.holding.tmp", [str(n.id) for n in claimed])
            os.replace(work / f"{args.name}.holding.tmp", work / f"{args.name}.holding")
            time.sleep(3600)  # a replica stuck mid-delivery: the test SIGKILLs it here
        time.sleep(args.deliver_s)
        _append(deliveries, [n.group_key for n in claimed])
        store.mark_sent([n.id for n in claimed], datetime.now(UTC))
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
