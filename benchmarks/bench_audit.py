"""Time `advisor audit` on generated rule bases of 1,000 and 10,000 rules.

Prints, for each size, the whole audit's wall time, split into loading (the
loader's collecting mode: YAML, schema, names) and the checks, with the
findings per code, and the CPU time (steadier than wall time on a shared
machine). The rule bases come from ``advisor.generate`` with a fixed
seed, so anyone can reproduce the numbers. The target is under 5 s at 10,000
rules; the audit must stay well under a minute.

    python3 benchmarks/bench_audit.py             # 1,000 and 10,000 rules
    python3 benchmarks/bench_audit.py 2000 20000  # other sizes
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from advisor.audit.checks import families  # noqa: E402
from advisor.audit.context import AuditContext  # noqa: E402
from advisor.catalog import load_catalog  # noqa: E402
from advisor.fields import load_fields  # noqa: E402
from advisor.generate import write_rule_base  # noqa: E402
from advisor.kb import default_paths  # noqa: E402
from advisor.loader import load_rule_base  # noqa: E402


def bench(n: int, seed: int = 11) -> None:
    knowledge, _ = default_paths()
    catalog = load_catalog(knowledge)
    fields = load_fields(knowledge / "fields.yaml", catalog)
    with tempfile.TemporaryDirectory() as folder:
        write_rule_base(folder, fields, catalog, n, seed=seed)
        start, cpu = time.perf_counter(), time.process_time()
        loaded = load_rule_base([folder], fields, catalog, strict=False)
        loaded_at = time.perf_counter()
        ctx = AuditContext(fields, catalog, knowledge, loaded)
        findings: list = []
        per_family = []
        for family in families():
            began = time.perf_counter()
            if hasattr(family, "run"):
                findings.extend(family.run(ctx))
            else:
                findings = family.finalize(ctx, findings)
            per_family.append((family.__name__.rsplit(".", 1)[1], time.perf_counter() - began))
        done, cpu = time.perf_counter(), time.process_time() - cpu
    rules = len(loaded.rules.rules)
    print(f"{n:>6,} generated rules ({rules:,} loaded): audit {done - start:6.2f} s "
          f"= load {loaded_at - start:5.2f} s + checks {done - loaded_at:5.2f} s (CPU {cpu:.2f} s)")
    print("        checks: " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in per_family))
    counts = Counter(f.code for f in findings)
    print("        findings: " + (", ".join(f"{code} {count}" for code, count in sorted(counts.items())) or "none"))


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1_000, 10_000]
    for n in sizes:
        bench(n)


if __name__ == "__main__":
    main(sys.argv[1:])
