"""Metrics sink: Prometheus metrics about what the tagged news is about."""
