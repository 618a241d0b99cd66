"""Instructions per profile under callgrind: the advisor beside its yardsticks, free of the machine's load.

``python3 -m benchmarks.instructions [--write FILE]`` runs each contestant of
:mod:`benchmarks.inference` (bound, advisor, durable raw) in a fresh process under
``valgrind --tool=callgrind`` twice: once setting up and warming up only, once
doing the same and then inferring ``2 x count`` fresh profiles. The difference of
the two instruction counts, divided by the profiles, is the cost of one profile:
setup, imports and the warm-up cancel out. Instruction counts do not change with
what else runs on the machine, so ratios of them are the steadiest measure a shared
machine allows (they weigh every instruction alike, where real time also pays for
cache misses). Needs valgrind; takes several minutes (everything runs about fifty
times slower under callgrind).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .measure import ROOT, SEED

#: rules -> profiles per counted pass (two passes are counted)
SIZES = {0: 300, 200: 300, 1000: 100, 5000: 20, 10000: 10}
CONTESTANTS = ("bound", "advisor", "raw")

_CHILD = r'''
import sys
sys.path.insert(0, {root!r})
from benchmarks.measure import profiles, rule_folder
from advisor.kb.knowledge_base import load_knowledge_base
shipped = load_knowledge_base()
n, who, count, counted = {n}, {who!r}, {count}, {counted}
kb = shipped if n == 0 else load_knowledge_base(rules=[rule_folder(n, shipped)])
sample = profiles(kb, count * 3)
warm, first, second = sample[:count], sample[count:2 * count], sample[2 * count:]
if who == "advisor":
    from advisor import api
    run = lambda chosen: [api.infer(kb, p) for p in chosen]
elif who == "raw":
    from benchmarks.durable_raw import RawDurable
    raw = RawDurable(kb)
    run = lambda chosen: [raw.run(p.answers) for p in chosen]
else:
    from benchmarks.bound import CompiledBound
    bound = CompiledBound(kb)
    run = lambda chosen: [bound.run(a) for a in [p.as_dict() for p in chosen]]
if who != "bound":  # the same preparation in every contestant's two runs
    [p.as_dict() for p in first + second]
run(warm)
if counted:
    run(first)
    run(second)
'''


def _instructions(n: int, who: str, count: int, counted: bool, work: Path) -> int:
    out = work / f"cg-{who}-{n}-{int(counted)}.out"
    script = _CHILD.format(root=str(ROOT), n=n, who=who, count=count, counted=counted)
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c", script],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
    text = out.read_text(errors="replace")
    found = re.search(r"^(?:summary|totals):\s+(\d+)", text, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no instruction total in {out}")
    return int(found.group(1))


def measure(sizes: dict[int, int] = SIZES) -> dict[int, dict[str, float]]:
    """Instructions per profile, per rule-base size and contestant."""
    work = Path(tempfile.mkdtemp(prefix="advisor-callgrind-"))
    os.environ.setdefault("ADVISOR_CACHE_DIR", str(work / "cache"))
    out: dict[int, dict[str, float]] = {}
    try:
        for n, count in sizes.items():
            out[n] = {}
            for who in CONTESTANTS:
                print(f"  ... callgrind: {who}, {'shipped' if n == 0 else f'{n:,} rules'}", file=sys.stderr, flush=True)
                subprocess.run([sys.executable, "-c", _CHILD.format(root=str(ROOT), n=n, who=who, count=2,
                                                                     counted=False)],
                               check=True, stdout=subprocess.DEVNULL, env=dict(os.environ))  # fill the cache
                base = _instructions(n, who, count, False, work)
                full = _instructions(n, who, count, True, work)
                out[n][who] = (full - base) / (2 * count)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def table(found: dict[int, dict[str, float]]) -> list[str]:
    lines = [
        "## Instructions per profile (callgrind)",
        "",
        "Produced by `python3 -m benchmarks.instructions`: each contestant in a fresh process under callgrind, "
        "with and without inferring fresh profiles; the difference per profile. Unmoved by the machine's load.",
        "",
        "| rule base | bound: compiled Python | advisor | durable raw | advisor / durable raw | advisor / bound | "
        "durable raw / bound | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for n, row in found.items():
        name = "shipped" if n == 0 else f"{n:,} generated, seed {SEED}"
        over_raw = row["advisor"] / row["raw"]
        over_bound = row["advisor"] / row["bound"]
        targets = [f"advisor / raw <= 1.3x: {'met' if over_raw <= 1.3 else f'missed by {over_raw / 1.3 - 1:.0%}'}"]
        if n == 0:
            targets.insert(0, "advisor / bound <= 4x: " + ("met" if over_bound <= 4 else
                                                           f"missed by {over_bound / 4 - 1:.0%}"))
        lines.append(f"| {name} | {_millions(row['bound'])} | {_millions(row['advisor'])} | {_millions(row['raw'])} | "
                     f"{over_raw:.2f}x | {over_bound:.2f}x | {row['raw'] / row['bound']:.2f}x | {'; '.join(targets)} |")
    return lines + [""]


def _millions(count: float) -> str:
    return f"{count / 1e6:.2f} M"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks.instructions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", metavar="FILE", help="also write the table to FILE")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    lines = table(measure())
    print("\n".join(lines))
    if args.write:
        Path(args.write).write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
