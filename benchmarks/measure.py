"""The measurements behind ``python3 -m benchmarks`` (see :mod:`benchmarks.run` for the table)."""

from __future__ import annotations

import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SEED = 1
PROFILE_SEED = 7


# --------------------------------------------------------------------------- helpers


def median_time(func: Callable[[], Any], passes: int) -> float:
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def verdict(value: float | None, limit: float, *, lower_is_better: bool = True) -> str:
    if value is None:
        return "n/a"
    ok = value <= limit if lower_is_better else value >= limit
    if ok:
        return "met"
    if lower_is_better:
        return f"missed by {value / limit - 1:.0%}"
    return f"missed by {1 - value / limit:.0%}"


def machine() -> list[str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    from importlib import metadata

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return [
        f"- CPU: {cpu}; {os.cpu_count()} logical cores; load average at start: {load}",
        f"- {platform.system()} {platform.release()}; Python {platform.python_version()} "
        f"({platform.python_implementation()})",
        f"- durable-rules {version('durable-rules')}, fastjsonschema {version('fastjsonschema')}, "
        f"jsonschema {version('jsonschema')}, orjson {version('orjson')}",
    ]


def rule_folder(n: int, kb: Any) -> Path:
    """The seeded generated rule base of ``n`` rules (written once, reused)."""
    import hashlib
    import inspect

    from advisor.kb import generate
    from advisor.kb.generate import write_rule_base

    folder = RESULTS / f"rules-{n}-seed{SEED}"
    marker = folder / ".complete"
    # the generated rules depend on the profile fields, the catalogs and the generator itself
    basis = repr([(f.id, f.type, f.choice_ids(), f.minimum, f.maximum) for f in kb.fields.fields])
    basis += repr(kb.catalog.ids()) + repr([s.key() for s in kb.catalog.sections()]) + inspect.getsource(generate)
    stamp = hashlib.sha256(basis.encode()).hexdigest()[:16] + "\n"
    if not marker.exists() or marker.read_text() != stamp:
        for old in folder.glob("*.yaml"):
            old.unlink()
        write_rule_base(folder, kb.fields, kb.catalog, n, seed=SEED)
        marker.write_text(stamp)
    return folder


def profiles(kb: Any, count: int, seed: int = PROFILE_SEED) -> list[Any]:
    from advisor.inference.profile import validate_answers
    from advisor.kb.generate import random_profile

    rng = random.Random(seed)
    return [validate_answers(random_profile(kb.fields, rng), kb.fields) for _ in range(count)]


# --------------------------------------------------------------------------- sections


def bench_load(folder: Path | None, passes: int) -> tuple[float, float]:
    """Cold (no cache) and warm-cache load times of the shipped knowledge with ``folder``'s rules."""
    from advisor.kb.knowledge_base import load_knowledge_base

    rules = [folder] if folder is not None else None
    cold = median_time(lambda: load_knowledge_base(rules=rules, use_cache=False), max(1, passes // 2))
    load_knowledge_base(rules=rules)  # fills the cache
    warm = median_time(lambda: load_knowledge_base(rules=rules), passes)
    return cold, warm


def bench_advise(passes: int) -> dict[str, Any]:
    """``advisor advise`` in a fresh process (warm cache, bytecode written) beside a bare interpreter.

    Each round starts a bare ``python -c pass``, then ``advise -f json``, then ``advise``
    (text), so that the three meet the same load; wall time and CPU time (user + system
    of the child) are kept, and the ratios are medians of the per-round ratios.
    """
    import resource

    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    example = str(ROOT / "examples" / "tea-shop.json")
    commands = {
        "python": [sys.executable, "-c", "pass"],
        "json": [sys.executable, "-m", "advisor", "advise", example, "-f", "json"],
        "text": [sys.executable, "-m", "advisor", "advise", example],
    }

    def run(args: list[str]) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(args, env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)

    for args in commands.values():
        run(args)  # warm the cache and the bytecode
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(max(passes, 5) * 2):
        for name, args in commands.items():
            found[name].append(run(args))
    out: dict[str, Any] = {}
    for name, runs in found.items():
        out[name] = statistics.median(w for w, _ in runs)
        out[name + "-cpu"] = statistics.median(c for _, c in runs)
        if name != "python":
            out[name + "-ratio"] = statistics.median(w / p[0] for (w, _), p in zip(runs, found["python"]))
            out[name + "-cpu-ratio"] = statistics.median(c / p[1] for (_, c), p in zip(runs, found["python"])
                                                         if p[1] > 0)
    return out


def bench_explain(kb: Any, count: int, passes: int) -> dict[str, float | None]:
    """Graph and explanation cost per profile, beside the cost of the inference they explain.

    "Explaining a profile" is measured two ways, each given the engine's inference (what
    ``advisor.api.infer`` returned; deciding the conclusions and reading the engine's record
    are inside the timing):

    * ``explain``: the top recommendation (or warning) - what ``advisor explain PROFILE ITEM``
      does for one item;
    * ``explain_all``: every concluded item (recommendations, warnings, items not advised, plan
      steps, KPIs) - the explanation of the whole advice, why each item was concluded down to
      the answers and the quoted sources, as the HTML report shows it. This is the honest
      reading of "explaining a profile costs no more than inferring it"; the top item alone
      was the measure until the explanations stopped building the networkx graph.

    The what-if search is left out (it runs the engine again, by design). Each pass infers every
    profile, then explains every profile, so that a busy machine slows both alike; the ratios are
    medians of the per-pass ratios.
    """
    from advisor import api

    out: dict[str, float | None] = {"infer": None, "graph": None, "explain": None, "explain_all": None,
                                    "ratio": None, "ratio_all": None, "items": None}
    sample = profiles(kb, count, seed=PROFILE_SEED + 1)
    inferences = [api.infer(kb, p) for p in sample]
    out["infer"] = median_time(lambda: [api.infer(kb, p) for p in sample], passes) / count
    try:
        from advisor.explain.graph import build_graph
    except ImportError:
        build_graph = None
    if build_graph is not None:
        try:
            out["graph"] = median_time(
                lambda: [build_graph(kb, p, i) for p, i in zip(sample, inferences)], passes) / count
        except Exception as exc:
            print(f"  graph benchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    try:
        from advisor.explain.analysis import Analysis
        from advisor.explain.explanation import explain
    except ImportError:
        return out
    try:
        tops, alls = [], []
        for profile, inference in zip(sample, inferences):  # what to explain, found once
            report = Analysis(kb, profile, inference).report
            items = report.get("recommendations") or report.get("warnings") or []
            tops.append([items[0]["id"]] if items else [])
            alls.append([e["id"] for key in ("recommendations", "warnings", "not_advised", "plan", "kpis")
                         for e in report[key]])
        out["items"] = sum(map(len, alls)) / count
        clock = time.perf_counter
        for key, targets in (("explain", tops), ("explain_all", alls)):
            spent, ratios = [], []
            for _ in range(passes):
                start = clock()
                for profile in sample:
                    api.infer(kb, profile)
                middle = clock()
                for profile, inference, wanted in zip(sample, inferences, targets):
                    run = Analysis(kb, profile, inference)
                    for target in wanted:
                        explain(run, target, search=False)
                end = clock()
                spent.append((end - middle) / count)
                ratios.append((end - middle) / (middle - start))
            out[key] = statistics.median(spent)
            out["ratio" if key == "explain" else "ratio_all"] = statistics.median(ratios)
    except Exception as exc:
        print(f"  explain benchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    return out


def bench_audit(folders: dict[int, Path], passes: int) -> dict[int, float | None]:
    out: dict[int, float | None] = {n: None for n in folders}
    measure = None
    try:
        from . import bench_audit as helper  # written with the audit

        measure = getattr(helper, "measure", None)
    except ImportError:
        pass
    if measure is None:
        try:
            from advisor import audit
        except ImportError:
            return out
        measure = _audit_measure(audit)
    for n, folder in folders.items():
        try:
            out[n] = statistics.median(measure(folder) for _ in range(passes))
        except Exception as exc:
            print(f"  audit benchmark failed at {n} rules: {type(exc).__name__}: {exc}", file=sys.stderr)
    return out


def _audit_measure(audit: Any) -> Callable[[Path], float]:
    def measure(folder: Path) -> float:
        start = time.perf_counter()
        audit.run([folder])
        return time.perf_counter() - start

    return measure


#: the keys a platform that shows only the diagnosis and the moves asks for (``advisor batch --keys``)
DIAGNOSIS_KEYS = ("summary", "diagnosis", "next_moves")


def bench_batch(kb: Any, count: int, passes: int) -> dict[Any, tuple[float, float, float]]:
    """Profiles per second through :func:`advisor.report.batch.run_lines` (worker start included), the
    cores the run really got (CPU seconds of the process and its workers / wall seconds), and the CPU
    milliseconds per profile; for 1 and 2 jobs with whole reports, and for 1 job with
    :data:`DIAGNOSIS_KEYS` only (key ``"keys"``)."""
    import json
    import resource

    from advisor.kb.generate import random_profile
    from advisor.report.batch import run_lines

    rng = random.Random(PROFILE_SEED + 2)
    lines = [(i, json.dumps(random_profile(kb.fields, rng)).encode()) for i in range(1, count + 1)]

    def cpu() -> float:
        own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime

    out: dict[Any, tuple[float, float, float]] = {}
    for label, jobs, keys in ((1, 1, None), (2, 2, None), ("keys", 1, DIAGNOSIS_KEYS)):
        def go() -> None:
            for _ in run_lines(lines, kb, jobs=jobs, keys=keys):
                pass
        go()
        walls, cores, cpus = [], [], []
        for _ in range(passes):
            used, start = cpu(), time.perf_counter()
            go()
            wall = time.perf_counter() - start
            spent = cpu() - used
            walls.append(wall)
            cores.append(spent / wall)
            cpus.append(spent / count)
        out[label] = (count / statistics.median(walls), statistics.median(cores), statistics.median(cpus) * 1000)
    return out


def bench_batch_parts(kb: Any, count: int, passes: int) -> dict[str, float]:
    """Where one batch profile's CPU time goes, in ms (best of ``passes``, each step over every profile):
    reading and checking the line, inference, the report without its unanswered questions, the
    unanswered questions (the interview planner's pass), the fired rules' matches, and the JSON text."""
    import json

    from advisor.inference import infer, validate_answers
    from advisor.io import parse_json
    from advisor.kb.generate import random_profile
    from advisor.report import build
    from advisor.report.batch import compact_json

    rng = random.Random(PROFILE_SEED + 2)
    texts = [json.dumps(random_profile(kb.fields, rng)) for _ in range(count)]

    def best(step: Callable[[Any], Any], items: list[Any], keep: bool = False) -> tuple[float, list[Any]]:
        """Each result is dropped as soon as it is made, as the batch drops each report once written
        (hundreds of reports kept would make every garbage collection on the way longer), unless kept."""
        times, out = [], []
        for _ in range(passes):
            start = time.process_time()
            if keep:
                out = [step(x) for x in items]
            else:
                for x in items:
                    step(x)
            times.append(time.process_time() - start)
        return min(times) / len(items) * 1000, out

    read, profiles = best(lambda t: validate_answers(parse_json(t, "x"), kb.fields, source="x"), texts, keep=True)
    inferring, inferences = best(lambda p: infer(kb, p), profiles, keep=True)
    pairs = list(zip(profiles, inferences))
    for profile, inference in pairs:  # every firing's matches read once, as the engine's memo keeps them
        [firing.fact_keys() for firing in inference.firings]
    advice, _ = best(lambda pi: build.build_report(kb, pi[0], pi[1], whole=False), pairs)
    questions, _ = best(lambda pi: build.unanswered_fields(build.for_market(kb, pi[0]), pi[0], pi[1]), pairs)
    fired, _ = best(lambda pi: [f.fact_keys() for f in pi[1].firings], pairs)
    reports = [build.build_report(kb, p, i) for p, i in pairs]
    writing, _ = best(compact_json, reports)
    del reports
    return {"read and check": read, "inference": inferring, "report without unanswered questions": advice,
            "unanswered questions": questions, "fired rules' matches": fired, "JSON text": writing}


def bench_memory(kb: Any, count: int) -> tuple[float, float] | None:
    """Resident memory (MB) before and after inferring ``count`` distinct profiles."""
    from advisor import api
    from advisor.inference.profile import Profile
    from advisor.kb.generate import random_profile

    if not Path("/proc/self/status").exists():
        return None
    # generated profiles are valid by construction, so they are built directly
    # (100,000 schema validations would take longer than the inference)
    multi = {f.id for f in kb.fields.fields if f.type == "multi"}
    order = [f.id for f in kb.fields.fields]
    rng = random.Random(PROFILE_SEED + 3)

    def make() -> Profile:
        raw = random_profile(kb.fields, rng)
        return Profile(tuple((k, tuple(raw[k]) if k in multi else raw[k]) for k in order if k in raw))

    for _ in range(2000):  # warm-up: engine built, memos filled
        api.infer(kb, make())
    before = _rss_mb()
    for _ in range(count):
        api.infer(kb, make())
    return before, _rss_mb()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _spin(_: int) -> float:
    total = 0
    for i in range(3_000_000):
        total += i * i
    return float(total)


def parallel_capacity() -> float:
    """How much faster two CPU-bound processes finish than the same work in one (2.0: two free cores)."""
    import multiprocessing

    start = time.perf_counter()
    _spin(0)
    _spin(1)
    alone = time.perf_counter() - start
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_spin, [0, 1])  # workers started and warm
        start = time.perf_counter()
        pool.map(_spin, [0, 1], chunksize=1)
        together = time.perf_counter() - start
    return alone / together
