"""The tagger: regions, actors, persons and event types with evidence spans.

    from newswatch.processors.tagging import Tagger
    tagger = Tagger(watchlist_path=None)      # loads all data once; thread-safe for reads
    tagged = tagger.tag(raw_article)          # pure and deterministic
    tagger.reload_watchlist_if_changed()      # cheap mtime check, call per batch
    tagger.version                            # code + data version
"""

import warnings

from newswatch.processors.tagging.compiled import IN_SOURCE_TREE, stale_modules
from newswatch.processors.tagging.tagger import Tagger
from newswatch.processors.tagging.watchlist import WatchlistError

__all__ = ["Tagger", "WatchlistError"]

if IN_SOURCE_TREE and (_stale := stale_modules()):
    warnings.warn(f"compiled tagging modules older than their source: {', '.join(_stale)}; the "
                  "old build runs until `pip install -e .` builds them again (or delete "
                  "processors/tagging/*.so)", RuntimeWarning, stacklevel=2)
