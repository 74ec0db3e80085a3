"""Feed ingest: fetch feeds politely, parse and normalise entries, publish raw articles."""
