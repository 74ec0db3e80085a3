"""newswatch: shared contracts, settings, the Kafka runner and the CLI.

The roles live beside this package: ``ingest`` (feeds -> raw articles),
``processors`` (raw -> tagged articles) and ``sinks`` (tagged -> alerts, metrics).
"""

__version__ = "0.1.0"
