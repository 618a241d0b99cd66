"""The advisor's version (read by the CLI, reports, the audit and the cache key)."""

__version__ = "0.1.0"
