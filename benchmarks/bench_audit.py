"""Time `advisor audit` on generated rule bases of 1,000 and 10,000 rules.

Prints, for each size, the whole audit's wall time (``advisor.audit.runner.run``, as
the command runs it) and its CPU time (steadier than wall time on a shared
machine), then where the CPU time goes: loading (the loader's collecting mode:
reading, schema, names) and each family of checks, with the findings per code.
Each figure is the median of ``--passes`` runs. The rule bases come from
``advisor.kb.generate`` with a fixed seed, so anyone can reproduce the numbers.
The target is under 5 s at 10,000 rules; the audit must stay well under a
minute.

    python3 benchmarks/bench_audit.py                 # 1,000 and 10,000 rules
    python3 benchmarks/bench_audit.py 2000 20000      # other sizes
    python3 benchmarks/bench_audit.py --passes 5 10000

``measure(folder)`` is what ``python3 -m benchmarks`` calls for its audit table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEED = 11


def measure(folder: Path | str) -> float:
    """Wall seconds of one whole audit of the rule files in ``folder`` (shipped knowledge)."""
    from advisor import audit

    start = time.perf_counter()
    audit.run([folder])
    return time.perf_counter() - start


def _timed_audit(folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one whole audit."""
    cpu = time.process_time()
    wall = measure(folder)
    return wall, time.process_time() - cpu


def _parts(folder: Path) -> tuple[float, list[tuple[str, float]], Counter, int, int]:
    """CPU seconds of loading and of each family of checks (run as ``audit.run`` runs them), and the findings."""
    from advisor.audit.checks import families
    from advisor.audit.context import AuditContext
    from advisor.kb.catalog import load_catalog
    from advisor.kb.fields import load_fields
    from advisor.kb.knowledge_base import default_paths
    from advisor.kb.loader import gc_paused, load_rule_base

    knowledge, _ = default_paths()
    catalog = load_catalog(knowledge)
    fields = load_fields(knowledge / "fields.yaml", catalog)
    with gc_paused():
        start = time.process_time()
        loaded = load_rule_base([folder], fields, catalog, strict=False)
        load = time.process_time() - start
        ctx = AuditContext(fields, catalog, knowledge, loaded)
        findings: list = []
        per_family = []
        for family in families():
            began = time.process_time()
            if hasattr(family, "run"):
                findings.extend(family.run(ctx))
            else:
                findings = family.finalize(ctx, findings)
            per_family.append((family.__name__.rsplit(".", 1)[1], time.process_time() - began))
    return load, per_family, Counter(f.code for f in findings), len(loaded.rules.rules), len(loaded.problems)


def bench(n: int, seed: int = SEED, passes: int = 3) -> dict[str, float]:
    """Print and return the median timings of auditing ``n`` generated rules."""
    from advisor.kb.catalog import load_catalog
    from advisor.kb.fields import load_fields
    from advisor.kb.generate import write_rule_base
    from advisor.kb.knowledge_base import default_paths

    knowledge, _ = default_paths()
    catalog = load_catalog(knowledge)
    fields = load_fields(knowledge / "fields.yaml", catalog)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_rule_base(folder, fields, catalog, n, seed=seed)
        whole = [_timed_audit(folder) for _ in range(passes)]
        parts = [_parts(folder) for _ in range(passes)]
    wall = statistics.median(w for w, _ in whole)
    cpu = statistics.median(c for _, c in whole)
    load = statistics.median(p[0] for p in parts)
    names = [name for name, _ in parts[0][1]]
    families = {name: statistics.median(p[1][i][1] for p in parts) for i, name in enumerate(names)}
    _, _, counts, rules, _ = parts[0]
    print(f"{n:>6,} generated rules ({rules:,} loaded): audit {wall:6.2f} s wall, {cpu:6.2f} s CPU "
          f"(median of {passes})")
    print(f"        CPU: load {load:5.2f} s + checks {sum(families.values()):5.2f} s; checks: " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in families.items()))
    print("        findings: " + (", ".join(f"{code} {count}" for code, count in sorted(counts.items())) or "none"))
    return {"wall": wall, "cpu": cpu, "load": load, **families}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="Time advisor audit on generated rule bases.")
    parser.add_argument("sizes", nargs="*", type=int, help="rule counts (default 1,000 and 10,000)")
    parser.add_argument("--passes", type=int, default=3, help="runs per figure; medians are shown")
    parser.add_argument("--seed", type=int, default=SEED, help="generator seed")
    args = parser.parse_args(argv)
    for n in args.sizes or [1_000, 10_000]:
        bench(n, args.seed, args.passes)


if __name__ == "__main__":
    main(sys.argv[1:])
