"""Run one benchmark: ``python benchmarks/run.py NAME [ARGS...]``.

Each benchmark is a module ``benchmarks/NAME.py`` with ``run(argv) -> dict``; it may print
tables first, and this runner prints its figures as one JSON object on the last line.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NAMES = ("processor", "tagger", "ingest", "parse", "alerts", "stories", "console", "soak")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in NAMES:
        print(f"usage: python benchmarks/run.py {{{'|'.join(NAMES)}}} [ARGS...]", file=sys.stderr)
        return 2
    # Run as a script, this folder is first on sys.path, where benchmarks/ingest.py would
    # hide the ingest package: import benchmarks as a package from the repo root instead.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    sys.path.insert(0, str(REPO))
    module = importlib.import_module(f"benchmarks.{argv[0]}")
    figures = module.run(argv[1:])
    print(json.dumps({"benchmark": argv[0], **figures}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
