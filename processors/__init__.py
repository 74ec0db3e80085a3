"""Stream processors: roles that read ``news.articles.raw`` and write enriched records.

``newswatch.processors.tagging`` holds the tagger (regions, actors, persons, event types with evidence).
"""
