"""Per-profile inference: the advisor beside its yardsticks, on the same rules and profiles.

Contestants (each checked against the reference evaluator before it is timed):

* ``bound`` - :class:`benchmarks.bound.CompiledBound`: each rule's condition compiled
  once into one Python function, called level by level (the speed bound);
* ``advisor`` - ``advisor.api.infer``: facts encoded, every level run on durable-rules,
  firings with their provenance (read when asked for);
* ``raw`` - :class:`benchmarks.durable_raw.RawDurable`: the same compiled rulesets
  driven with the least adapter possible (the floor durable sets);
* ``clips`` - :class:`benchmarks.clips_rules.ClipsBase` when clipspy is installed;
* ``reference`` - :class:`advisor.inference.reference.ReferenceEvaluator`, the
  independent evaluator the tests trust (closures over the condition tree).

Timing: each pass gives every contestant the same fresh profiles (none seen in an
earlier pass, so no memo is warmed by repetition) and times each contestant's whole
block of profiles in CPU time of this process (``time.process_time``: other jobs on
the machine lengthen wall time, much less CPU time); the order of the contestants
rotates from pass to pass so that none always runs first or last. Times are medians
over passes; ratios are medians of the per-pass ratios.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from typing import Any, Callable

from .measure import profiles

NAMES = ("bound", "advisor", "raw", "clips", "reference")


def load() -> str:
    """The machine's 1-minute load average, as text."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def _contestants(kb: Any, clips: bool) -> dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]]:
    """name -> (prepare a profile, run one prepared profile) -> (fired rule ids, derived values)."""
    from advisor import api
    from advisor.inference.reference import ReferenceEvaluator

    from .bound import CompiledBound
    from .durable_raw import RawDurable

    bound, raw, reference = CompiledBound(kb), RawDurable(kb), ReferenceEvaluator(kb.rules)
    plain = lambda p: p.as_dict()  # noqa: E731
    out = {
        "bound": (plain, bound.run),
        "advisor": (lambda p: p, lambda p: api.infer(kb, p)),
        "raw": (lambda p: p.answers, raw.run),
        "reference": (plain, reference.run),
    }
    if clips:
        try:
            from .clips_rules import ClipsBase

            base = ClipsBase(kb)
            for router in list(base.env.routers()):
                router.deactivate()  # clipspy's Python routers cost more than CLIPS itself
            out["clips"] = (plain, base.run)
        except Exception as exc:  # an optional comparison must not sink the run
            print(f"  clipspy comparison failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    return {name: out[name] for name in NAMES if name in out}


def _outcome(name: str, result: Any) -> tuple[set[str], dict[str, Any]]:
    if name == "advisor":
        return set(result.fired_ids()), {d.fact: d.value for d in result.derived}
    if name == "reference":
        return set(result.fired), dict(result.derived)
    return set(result[0]), dict(result[1])


def bench_inference(kb: Any, count: int, passes: int, clips: bool = False) -> dict[str, Any]:
    """Median CPU seconds per profile of each contestant, their ratios, and what was checked."""
    contestants = _contestants(kb, clips)
    sample = profiles(kb, count * (passes + 1))
    check, sets = sample[:count], [sample[count * (i + 1):count * (i + 2)] for i in range(passes)]
    disagree = {name: 0 for name in contestants}
    fired = 0
    for profile in check:  # warm-up, and the check that every contestant agrees with the reference
        want = _outcome("reference", contestants["reference"][1](contestants["reference"][0](profile)))
        fired += len(want[0])
        for name, (prepare, run) in contestants.items():
            if _outcome(name, run(prepare(profile))) != want:
                disagree[name] += 1
    times: dict[str, list[float]] = {name: [] for name in contestants}
    names = list(contestants)
    clock = time.process_time
    load_before = load()
    for number, chosen in enumerate(sets):
        order = names[number % len(names):] + names[:number % len(names)]
        for name in order:
            prepare, run = contestants[name]
            prepared = [prepare(p) for p in chosen]
            start = clock()
            for item in prepared:
                run(item)
            times[name].append((clock() - start) / len(chosen))
    load_after = load()

    def ratio(a: str, b: str) -> float | None:
        if a not in times or b not in times:
            return None
        return statistics.median(x / y for x, y in zip(times[a], times[b]))

    return {
        "rules": len(kb.rules.rules),
        "shards": kb.compiled.shard_count(),
        "levels": kb.compiled.level_count,
        "fired": fired / len(check),
        "time": {name: statistics.median(found) for name, found in times.items()},
        "over_bound": {name: ratio(name, "bound") for name in names},
        "over_raw": ratio("advisor", "raw"),
        "disagree": {name: n for name, n in disagree.items() if n},
        "load": (load_before, load_after),
        "passes": passes,
        "count": count,
    }
