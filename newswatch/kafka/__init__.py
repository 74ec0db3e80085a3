"""Kafka edges shared by every role: client factories, the embedded broker and the one runner."""
