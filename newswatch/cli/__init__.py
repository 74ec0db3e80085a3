"""The one CLI, ``newswatch``: one module per subcommand, each with ``add_parser`` and ``run``."""
