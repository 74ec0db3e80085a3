"""Sinks: the roles that turn tagged articles into something people act on.

``newswatch.sinks.alerts`` evaluates alert rules and keeps the alert store; ``newswatch.sinks.metrics`` exposes
Prometheus metrics about what the news is about. Neither talks to Kafka: the shared runner
consumes ``news.articles.tagged`` and calls them.
"""
