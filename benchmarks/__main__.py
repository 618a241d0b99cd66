"""``python3 -m benchmarks``: print the benchmark table (``--help`` for options)."""

from .run import main

raise SystemExit(main())
