"""Evaluation kit for the tagger benchmark (``benchmarks/tagger.py``).

Modules: ``scoring`` (pure micro P/R/F1 with required/optional gold), ``geo`` (country and
ISO 3166-2 resolution used to derive gold from toponym corpora), ``corpora`` (public
geoparsing corpora -> per-document gold), ``heldout`` (hand-annotated real feed items),
``seed`` (the seed article), ``systems`` (newswatch tagger and peer adapters), ``speed``
(single-core throughput and memory, run in fresh subprocesses), ``report`` (tables).
"""
