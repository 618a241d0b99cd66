"""Rule files -> :class:`~advisor.kb.model.Rule` records, with a location on everything.

Two modes over the same checks (as a linter and a compiler share a parser):

* ``load_rule_base(..., strict=True)`` for ``advise``: stops at the first
  problem and raises it as a :class:`~advisor.errors.RuleFileError`;
* ``strict=False`` (the audit) collects every problem, skipping only the rules
  that could not be understood, and returns them beside the rule base.

Checks made here: YAML syntax and the rule schema; unknown fields, values,
operators and catalog ids; citations to unknown documents or sections; duplicate
rule ids; derived facts used but never derived; cycles among derived facts;
conditions that expand into too many alternatives.

Stage: kb.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from advisor import schemas
from advisor.errors import AdvisorError, Location, RuleFileError, did_you_mean, elide
from advisor.io import Marks, load_yaml_file

from .catalog import Catalog
from .citations import CitationCheck, parse_citations
from .conditions import (
    MAX_ALTERNATIVES,
    MAX_TESTS_PER_ALTERNATIVE,
    count_alternatives,
    parse_condition,
    widest_alternative,
)
from .fields import FieldSet
from .levels import dependency_levels, find_cycle
from .model import Conclusion, Rule, RuleBase

__all__ = ["LoadResult", "load_rule_base", "gc_paused", "rule_files", "parse_condition", "dependency_levels", "MAX_ALTERNATIVES"]

_CONCLUSION_KINDS = ("derive", "recommend", "avoid", "warn", "step", "kpi")
_TARGET_KINDS = {
    "recommend": ("channel", "tactic"),
    "avoid": ("channel", "tactic"),
    "warn": ("mistake",),
    "step": ("step",),
    "kpi": ("kpi",),
}


@dataclass
class LoadResult:
    """A rule base and, in collecting mode, every problem met on the way."""

    rules: RuleBase
    problems: list[RuleFileError] = field(default_factory=list)
    marks: dict[str, Marks] = field(default_factory=dict)
    #: each rule's (file, line, column) -> the marks of its file and its data path there
    rule_paths: dict[tuple, tuple[Marks, tuple]] = field(default_factory=dict)
    #: each fact declared under ``facts:`` -> where its declarations are, file by file
    fact_declarations: dict[str, list[Location]] = field(default_factory=dict)


def rule_files(paths: Iterable[Path | str]) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files named by ``paths`` (folders are searched, sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            found.append(path)
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(str(path), path)
    return list(unique.values())


class _Collector:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.problems: list[RuleFileError] = []

    def add(self, error: RuleFileError) -> None:
        if self.strict:
            raise error
        self.problems.append(error)


def _error(message: str, code: str, location: Location, where: str | None = None, *,
           expected: str | None = None, suggestion: str | None = None) -> RuleFileError:
    return RuleFileError(message, code=code, location=location, where=where, expected=expected, suggestion=suggestion)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a rule base is built or checked.

    Loading creates millions of objects that all live on, and each full collection
    rescans every one of them to free nothing: about a third of the time of a
    10,000-rule load. Reference counting still frees what is dropped; the
    collector runs again afterwards (left alone when a caller had turned it off).
    What was made meanwhile joins the oldest generation at once (``freeze`` then
    ``unfreeze``), instead of being scanned as young objects by the next collection.
    """
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def load_rule_base(paths: Iterable[Path | str], fields: FieldSet, catalog: Catalog, *, strict: bool = True) -> LoadResult:
    """Load every rule file under ``paths``; see the module notes for the two modes."""
    with gc_paused():
        return _load_rule_base(paths, fields, catalog, strict)


def _load_rule_base(paths: Iterable[Path | str], fields: FieldSet, catalog: Catalog, strict: bool) -> LoadResult:
    collector = _Collector(strict)
    files = rule_files(paths)
    if not files:
        shown = ", ".join(str(p) for p in paths) or "(nothing)"
        raise RuleFileError(f"no rule files (*.yaml) found in {shown}", code="E401", location=Location(shown))
    rules: list[Rule] = []
    facts: dict[str, str] = {}
    fact_files: dict[str, str] = {}
    marks_by_file: dict[str, Marks] = {}
    rule_paths: dict[tuple, tuple[Marks, tuple]] = {}
    declarations: dict[str, list[Location]] = {}
    citations = CitationCheck(catalog)
    for path in files:
        try:
            data, marks = load_yaml_file(path, error=RuleFileError)
        except AdvisorError as exc:
            collector.add(exc if isinstance(exc, RuleFileError) else _error(exc.message, exc.code, exc.location))
            continue
        marks_by_file[str(path)] = marks
        file_rules, file_facts = _parse_file(data, marks, fields, catalog, collector, citations)
        rules.extend(file_rules)
        for rule, index in file_rules:
            loc = rule.location or Location()
            rule_paths[(loc.path, loc.line, loc.column)] = (marks, ("rules", index))
        for name, text in file_facts.items():
            facts.setdefault(name, text)
            fact_files.setdefault(name, str(path))
        declared = data.get("facts") if isinstance(data, dict) else None
        for name in declared if isinstance(declared, dict) else ():
            if isinstance(name, str):
                declarations.setdefault(name, []).append(marks.location(("facts", name), key=True))
    rules = [rule for rule, _ in rules]
    _check_ids(rules, collector)
    rules = _unique(rules)
    _check_facts(rules, collector)
    base = RuleBase(tuple(rules), dict(sorted(facts.items())), tuple(str(p) for p in files),
                    dict(sorted(fact_files.items())))
    declarations = {name: sorted(places, key=lambda loc: loc.path or "") for name, places in declarations.items()}
    return LoadResult(base, sorted(collector.problems, key=_problem_key), marks_by_file, rule_paths,
                      declarations)


def _problem_key(error: RuleFileError) -> tuple:
    loc = error.location or Location()
    return (loc.path or "", loc.line or 0, loc.column or 0, error.code)


def _parse_file(data: Any, marks: Marks, fields: FieldSet, catalog: Catalog, collector: _Collector,
                citations: CitationCheck) -> tuple[list[tuple[Rule, int]], dict[str, str]]:
    """The file's rules (each with its index in ``rules``) and declared facts."""
    bad_rules: set[int] = set()
    for problem in schemas.problems(data, "rule"):
        where = _breadcrumb(data, problem.path)
        collector.add(_error(problem.message, "E300", marks.location(problem.path, key=problem.key), where,
                             expected=problem.expected, suggestion=problem.suggestion))
        if len(problem.path) >= 2 and problem.path[0] == "rules" and isinstance(problem.path[1], int):
            if not _lenient(problem, collector):
                bad_rules.add(problem.path[1])
        elif not (isinstance(data, dict) and isinstance(data.get("rules"), list)):
            return [], {}
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return [], {}
    area = data.get("area", "") if isinstance(data.get("area"), str) else ""
    facts = {k: " ".join(str(v).split()) for k, v in (data.get("facts") or {}).items()} if isinstance(data.get("facts"), dict) else {}
    rules = []
    for index, raw in enumerate(data["rules"]):
        if index in bad_rules or not isinstance(raw, dict):
            continue
        rule = _parse_rule(raw, ("rules", index), area, marks, fields, catalog, collector, citations)
        if rule is not None:
            rules.append((rule, index))
    return rules, facts


#: Keys whose schema problems do not stop the audit (collecting mode) from reading the rest of the
#: rule: a missing rationale or a bad suppression is reported, and the rule is still checked.
_LENIENT_KEYS = ("because", "suppress")


def _lenient(problem: Any, collector: _Collector) -> bool:
    if collector.strict:
        return False
    if len(problem.path) >= 3:
        return problem.path[2] in _LENIENT_KEYS
    return problem.message in tuple(f"missing required key {key!r}" for key in _LENIENT_KEYS)


def _breadcrumb(data: Any, path: tuple) -> str | None:
    """``rule 'seo-first' > when > all[1]`` for a data path inside a rule file."""
    if len(path) < 2 or path[0] != "rules" or not isinstance(path[1], int):
        return None
    try:
        rule = data["rules"][path[1]]
    except (KeyError, IndexError, TypeError):
        return None
    name = f"rule {rule.get('id')!r}" if isinstance(rule, dict) and isinstance(rule.get("id"), str) else f"rules[{path[1]}]"
    parts = [name]
    for step in path[2:]:
        if isinstance(step, int) and parts:
            parts[-1] += f"[{step}]"
        else:
            parts.append(str(step))
    return " > ".join(parts)


def _parse_rule(raw: dict, path: tuple, area: str, marks: Marks, fields: FieldSet, catalog: Catalog,
                collector: _Collector, check_citation: CitationCheck) -> Rule | None:
    rule_id = raw["id"]
    loc = marks.location(path, node=raw)
    ok = True

    def report(message: str, code: str, sub: tuple, **kw: Any) -> None:
        nonlocal ok
        ok = False
        crumb = " > ".join([f"rule {rule_id!r}"] + [str(s) if not isinstance(s, int) else f"[{s}]" for s in sub])
        crumb = crumb.replace(" > [", "[")
        collector.add(_error(message, code, marks.location(path + sub, key=kw.pop("key", False)), crumb, **kw))

    when = None
    if "when" in raw:
        when = parse_condition(raw["when"], path + ("when",), marks, fields, report_at=report, rel=("when",))
        if when is None:
            ok = False
        elif count_alternatives(when) > MAX_ALTERNATIVES:
            report(f"condition expands into {count_alternatives(when)} alternatives, more than {MAX_ALTERNATIVES}",
                   "E308", ("when",), expected="fewer nested any/not combinations; split the rule")
        elif widest_alternative(when) > MAX_TESTS_PER_ALTERNATIVE:
            report(f"condition needs {widest_alternative(when)} tests to hold at once, more than "
                   f"{MAX_TESTS_PER_ALTERNATIVE}", "E308", ("when",),
                   expected="fewer tests per rule; move shared tests into a derived fact")
    conclusions = []
    for c_index, raw_c in enumerate(raw["then"]):
        conclusion = _parse_conclusion(raw_c, path + ("then", c_index), marks, catalog, report, ("then", c_index),
                                       fields)
        if conclusion is None:
            ok = False
        else:
            conclusions.append(conclusion)
    citations = parse_citations(raw, marks, path, check_citation, report)
    if not ok:
        return None
    # Only well-formed suppressions count; the schema problems of the others were reported above.
    suppress = tuple((s["code"], " ".join(s["reason"].split())) for s in _valid_suppressions(raw.get("suppress")))
    return Rule(
        id=rule_id,
        title=" ".join(raw["title"].split()),
        when=when,
        then=tuple(conclusions),
        because=" ".join(raw["because"].split()) if isinstance(raw.get("because"), str) else "",
        sources=tuple(citations),
        priority=raw.get("priority", 50),
        area=area,
        suppress=suppress,
        location=loc,
        basis=raw.get("basis", ""),
        judgement=" ".join(raw["judgement"].split()) if isinstance(raw.get("judgement"), str) else "",
        platform=raw.get("platform", ""),
    )



def _valid_suppressions(raw: Any) -> list[dict]:
    if not isinstance(raw, list):
        return []
    import re

    return [s for s in raw if isinstance(s, dict) and set(s) == {"code", "reason"} and isinstance(s["code"], str)
            and re.fullmatch(r"[A-Z][0-9]{3}", s["code"]) and isinstance(s["reason"], str)
            and len(s["reason"].strip()) >= 10]


def _parse_conclusion(raw: dict, path: tuple, marks: Marks, catalog: Catalog, report: Any, rel: tuple,
                      fields: FieldSet | None = None) -> Conclusion | None:
    kind = next(k for k in _CONCLUSION_KINDS if k in raw)
    target = raw[kind]
    loc = marks.location(path, node=raw)
    if kind == "derive":
        return Conclusion("derive", target, value=raw.get("value", True), location=loc)
    allowed = _TARGET_KINDS[kind]
    item = catalog.item(target)
    if item is None or item.kind not in allowed:
        candidates = catalog.ids(*allowed)
        what = " or ".join(allowed)
        if item is not None:
            message = f"{target!r} is a {item.kind}, but '{kind}' needs a {what}"
        else:
            message = f"unknown {what} {target!r}"
        report(message, "E302", rel + (kind,), expected=f"an id from the {what} catalog",
               suggestion=did_you_mean(target, candidates))
        return None
    start = raw.get("start")
    if start is not None and fields is not None and fields.practice(start) is None:
        known = [p.id for p in fields.practices]
        report(f"starts unknown practice {start!r}", "E311", rel + ("start",),
               expected="a practice of knowledge/fields.yaml: " + (", ".join(known) or "none is declared"),
               suggestion=did_you_mean(start, known))
        return None
    return Conclusion(
        kind, target,
        role=raw.get("role"),
        strength=raw.get("strength", "moderate") if kind == "recommend" else None,
        severity=raw.get("severity", item.get("severity")) if kind == "warn" else None,
        note=" ".join(raw["note"].split()) if raw.get("note") else None,
        kpi_target=raw.get("target"),
        location=loc,
        start=start,
    )


def _check_ids(rules: list[Rule], collector: _Collector) -> None:
    first: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in first:
            collector.add(_error(f"rule id {rule.id!r} is already used at {first[rule.id].location}", "E306",
                                 rule.location or Location(), f"rule {rule.id!r}", expected="a unique id"))
        else:
            first[rule.id] = rule


def _unique(rules: list[Rule]) -> list[Rule]:
    seen: set[str] = set()
    out = []
    for rule in rules:
        if rule.id not in seen:
            seen.add(rule.id)
            out.append(rule)
    return out


def _check_facts(rules: list[Rule], collector: _Collector) -> None:
    derived = {name for rule in rules for name in rule.facts_derived()}
    for rule in rules:
        for test in rule.tests():
            if test.kind == "fact" and test.name not in derived:
                collector.add(_error(f"derived fact {test.name!r} is never derived by any rule", "E309",
                                     test.location or rule.location or Location(), f"rule {rule.id!r}",
                                     suggestion=did_you_mean(test.name, derived)))
    cycle = find_cycle(rules)
    if cycle:
        where = next(r for r in rules if r.id == cycle[0][0])
        spelled = elide([f"{rule_id} derives {fact}" for rule_id, fact in cycle], " -> ")
        if len(cycle) > 7:  # summarised: the audit lists every step
            spelled = (f"a cycle of {len(cycle):,} rules: {spelled} -> back to {cycle[0][0]} "
                       "(`advisor audit --format json` lists every step)")
        collector.add(_error(f"derived facts depend on each other in a cycle: {spelled}", "E307",
                             where.location or Location(), f"rule {where.id!r}",
                             expected="derived facts that do not depend on themselves"))
