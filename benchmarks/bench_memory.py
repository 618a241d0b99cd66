"""Resident memory of one process that reloads rules again and again (a service, a notebook).

Run from the repository root::

    python3 -m benchmarks.bench_memory                 # 1,000 cycles of each kind (a few minutes)
    python3 -m benchmarks.bench_memory --cycles 200

Each kind runs in a fresh process and prints the resident set size (RSS) after
the first cycle and after the last, and the growth per cycle:

* ``reload shipped`` - ``load_knowledge_base()`` of the shipped rules (warm
  disk cache: a new knowledge base object each time, the same content) and
  one profile advised with it; the previous knowledge base is dropped;
* ``reload 1,000 rules`` - the same with the seeded generated 1,000-rule base;
* ``edited shipped`` - the shipped rules with one rule's priority changed
  each cycle, compiled and advised: every cycle is a rule base the process has
  not seen (as when an author edits rules while a service reloads them);
* ``engine cycles`` - ``with Engine(compiled): infer one profile`` on the
  shipped rules: the C engine's rulesets created and freed each time.

The acceptance line of issue 15: RSS after 1,000 reloads of the shipped base
within 50 MB of RSS after the first.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time
from pathlib import Path

from .measure import ROOT, _rss_mb, rule_folder

KINDS = ("reload shipped", "reload 1,000 rules", "edited shipped", "engine cycles")
LIMIT_MB = 50.0


def _cycle(kind: str, folder: str | None) -> callable:
    from advisor.api import advise
    from advisor.inference import Engine, validate_answers
    from advisor.kb import load_knowledge_base
    from advisor.kb.compiler import compile_rules

    profile = json.loads((ROOT / "examples" / "tea-shop.json").read_text())
    if kind.startswith("reload"):
        rules = [folder] if folder else None

        def reload(_: int) -> None:
            kb = load_knowledge_base(rules=rules)
            advise(kb, profile)

        return reload
    kb = load_knowledge_base()
    checked = validate_answers(profile, kb.fields)
    if kind == "engine cycles":
        def engine(_: int) -> None:
            with Engine(kb.compiled) as running:
                running.infer_answers(checked.answers)

        return engine
    first = kb.rules.rules[0]

    def edited(n: int) -> None:
        rule = dataclasses.replace(first, priority=(first.priority + n) % 1000)
        rules = dataclasses.replace(kb.rules, rules=(rule,) + tuple(kb.rules.rules[1:]))
        changed = dataclasses.replace(kb, rules=rules, compiled=compile_rules(rules, kb.fields, prefix="kb"))
        advise(changed, checked)

    return edited


def run_one(kind: str, cycles: int, folder: str | None) -> dict[str, float]:
    """In this process: ``cycles`` cycles of ``kind``; RSS (MB) after the first and the last."""
    step = _cycle(kind, folder)
    step(0)
    first = _rss_mb()
    started = time.perf_counter()
    for n in range(1, cycles):
        step(n)
    return {"first": first, "last": _rss_mb(), "seconds": time.perf_counter() - started}


def measure(cycles: int) -> dict[str, dict[str, float]]:
    """Every kind, each in a fresh process."""
    from advisor.kb import load_knowledge_base

    folder = str(rule_folder(1000, load_knowledge_base()))
    out = {}
    for kind in KINDS:
        code = ("import json,sys; from benchmarks.bench_memory import run_one; "
                "print(json.dumps(run_one(sys.argv[1], int(sys.argv[2]), sys.argv[3] or None)))")
        done = subprocess.run([sys.executable, "-c", code, kind, str(cycles), folder if "1,000" in kind else ""],
                              capture_output=True, text=True, cwd=str(ROOT), check=True)
        out[kind] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def table(results: dict[str, dict[str, float]], cycles: int) -> list[str]:
    lines = [f"## Resident memory over {cycles:,} reloads in one process",
             "",
             "| cycle | RSS after the first | after the last | growth | per cycle | time per cycle |",
             "|---|---:|---:|---:|---:|---:|"]
    for kind, row in results.items():
        growth = row["last"] - row["first"]
        lines.append(f"| {kind} | {row['first']:.0f} MB | {row['last']:.0f} MB | {growth:+.1f} MB | "
                     f"{growth * 1024 / max(cycles - 1, 1):+.1f} KB | {row['seconds'] / max(cycles - 1, 1) * 1e3:.1f} ms |")
    shipped = results.get("reload shipped")
    if shipped is not None:
        growth = shipped["last"] - shipped["first"]
        verdict = "met" if growth <= LIMIT_MB else "missed"
        lines += ["", f"Target: RSS after {cycles:,} reloads of the shipped base within {LIMIT_MB:.0f} MB of RSS after "
                      f"the first: {growth:+.1f} MB, {verdict}."]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=1000, help="cycles of each kind (default 1,000)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(ROOT)))
    print("\n".join(table(measure(args.cycles), args.cycles)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
