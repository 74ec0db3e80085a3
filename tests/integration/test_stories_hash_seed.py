"""The story stage decides alike in every process: its results do not depend on the
interpreter's hash seed (which orders sets differently from one process to the next), so two
alert replicas, or one restarted, keep the same story states for the same articles."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

# every demo feed article, each twice (the copy from another outlet an hour later, so that
# stories grow and merge their counts), through the stage; the md5 of every story version
_REPLAY = """
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from newswatch.ingest.parse import parse_feed
from newswatch.processors.tagging import Tagger
from newswatch.sinks.stories.assign import assign
from newswatch.sinks.stories.config import StoryConfig
from newswatch.sinks.stories.index import MemoryStoryIndex

tagger, index, config = Tagger(), MemoryStoryIndex(), StoryConfig()
digest = hashlib.md5()
for path in sorted(Path({feeds!r}).glob("*.xml")):
    for raw in parse_feed(path.read_bytes(), feed_id=path.stem, feed_url="http://demo/x",
                          fetched_at=datetime(2026, 1, 1, tzinfo=UTC)).articles:
        if raw.published_at is None:
            continue
        tagged = tagger.tag(raw)
        copy = tagged.model_copy(update={{"id": tagged.id + "-copy", "feed_id": "other",
            "published_at": tagged.published_at + timedelta(hours=1)}})
        for article in (tagged, copy):
            change = assign(article, index, article.published_at, config)
            digest.update(change.state.to_json().encode())
print(digest.hexdigest())
"""


def _replay(seed: str, cwd: Path) -> str:
    code = _REPLAY.format(feeds=str(ROOT / "ingest" / "demo" / "feeds"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}, timeout=300,
                          cwd=cwd, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.mark.timeout(600)
def test_story_states_do_not_depend_on_the_hash_seed(tmp_path):
    first = _replay("1", tmp_path)  # (not from the checkout: the installed package)
    assert len(first) == 32
    assert _replay("2", tmp_path) == first
    assert _replay("3", tmp_path) == first
