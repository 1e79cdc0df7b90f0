"""Settings: ``base`` (development default, SQLite), ``test`` and ``production`` (fails without its secrets)."""
