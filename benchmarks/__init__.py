"""Benchmarks of marketing-advisor: run ``python3 -m benchmarks`` (see :mod:`benchmarks.run`)."""
