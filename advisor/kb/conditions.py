"""Conditions: parsed from a rule file's ``when``, and taken apart into alternatives.

Stage: kb. :func:`parse_condition` turns a schema-valid condition into the
model's :class:`~advisor.kb.knowledge_base.model.Test`, :class:`~advisor.kb.knowledge_base.model.All`,
:class:`~advisor.kb.knowledge_base.model.Any_` and :class:`~advisor.kb.knowledge_base.model.Not` records,
checking fields, operators and values against ``knowledge/fields.yaml``;
:func:`dnf` gives a condition's disjunctive normal form, which the compiler,
the explanations and the audit all reason over.
"""

from __future__ import annotations

from itertools import product
from typing import Any

from advisor.errors import did_you_mean
from advisor.io import Marks

from .fields import FieldSet
from .model import FIELD_ONLY_OPERATORS, All, Any_, Condition, Not, Test

__all__ = ["Literal", "MAX_ALTERNATIVES", "MAX_TESTS_PER_ALTERNATIVE", "parse_condition", "dnf", "raw_dnf",
           "count_alternatives", "widest_alternative"]

#: A rule's condition may expand to at most this many alternatives (its DNF).
MAX_ALTERNATIVES = 64
#: ...each of at most this many tests (durable joins at most 16 patterns; one is the start fact).
MAX_TESTS_PER_ALTERNATIVE = 14

_NUMERIC_OPS = ("less_than", "at_most", "greater_than", "at_least", "between")

Literal = tuple[bool, Test]  # (positive, test)


def parse_condition(raw: Any, path: tuple, marks: Marks, fields: FieldSet, *, report_at: Any, rel: tuple = ()) -> Condition | None:
    """Parse a schema-valid condition; semantic problems go to ``report_at(message, code, rel, ...)``."""
    loc = marks.location(path, node=raw)
    if "all" in raw or "any" in raw:
        key = "all" if "all" in raw else "any"
        items = []
        for index, sub in enumerate(raw[key]):
            parsed = parse_condition(sub, path + (key, index), marks, fields, report_at=report_at, rel=rel + (key, index))
            if parsed is None:
                return None
            items.append(parsed)
        return All(tuple(items), loc) if key == "all" else Any_(tuple(items), loc)
    if "not" in raw:
        inner = parse_condition(raw["not"], path + ("not",), marks, fields, report_at=report_at, rel=rel + ("not",))
        return None if inner is None else Not(inner, loc)
    if "fact" in raw:
        ops = [k for k in raw if k != "fact"]
        if not ops:
            return Test("fact", raw["fact"], "equals", True, loc)
        op = ops[0]
        return _expand(Test("fact", raw["fact"], op, raw[op], loc))
    name = raw["field"]
    for op in raw:
        if op != "field":
            break
    value = raw[op]
    f = fields.get(name)
    if f is None:
        report_at(f"unknown field {name!r}", "E301", rel + ("field",), expected="a field of knowledge/fields.yaml",
                  suggestion=did_you_mean(name, fields.names()))
        return None
    if op in FIELD_ONLY_OPERATORS and f.type != "multi":
        report_at(f"'{op}' applies to list fields, but {name!r} is a {f.type} field", "E305", rel + (op,),
                  expected="equals, in or not_in" if f.type == "choice" else "a comparison", key=True)
        return None
    if f.type == "multi" and op in ("equals", "in", "not_in"):
        report_at(f"{name!r} is a list field; '{op}' does not apply", "E305", rel + (op,),
                  expected="contains, contains_any or contains_all", key=True)
        return None
    if op in _NUMERIC_OPS and not f.is_numeric:
        report_at(f"'{op}' compares numbers, but {name!r} is a {f.type} field", "E305", rel + (op,),
                  expected="equals, in or not_in" if f.type == "choice" else "a test for its type", key=True)
        return None
    if f.is_numeric and op in ("in", "not_in"):
        report_at(f"'{op}' does not apply to the number field {name!r}", "E305", rel + (op,),
                  expected="less_than, at_most, greater_than, at_least or between", key=True)
        return None
    if op == "between" and value[0] > value[1]:
        report_at(f"between [{value[0]}, {value[1]}] is empty: the first bound is larger", "E304", rel + (op,),
                  expected="[low, high]")
        return None
    if op != "answered":
        values = value if isinstance(value, list) else [value]
        for v in values:
            problem, near = _value_problem(f, op, v)
            if problem:
                report_at(problem, "E304", rel + (op,), expected=_expected(f), suggestion=near)
                return None
    return _expand(Test("field", name, op, value, loc))


def _value_problem(f: Any, op: str, value: Any) -> tuple[str | None, str | None]:
    if f.type in ("choice", "multi"):
        if isinstance(value, (list, dict)) or value not in _choices(f):
            return f"{value!r} is not a choice of {f.id!r}", did_you_mean(str(value), f.choice_ids())
        return None, None
    if f.type == "boolean":
        return (None, None) if isinstance(value, bool) else (f"{f.id!r} is yes/no; {value!r} is not true or false", None)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{f.id!r} is a number; {value!r} is not", None
    return None, None


def _choices(f: Any) -> frozenset:
    """The field's choice ids as a set (kept on the field record; it is frozen, hence the detour)."""
    found = f.__dict__.get("_choice_set")
    if found is None:
        found = frozenset(f.choice_ids())
        object.__setattr__(f, "_choice_set", found)
    return found


def _expected(f: Any) -> str:
    if f.type in ("choice", "multi"):
        return "one of: " + ", ".join(f.choice_ids())
    if f.type == "boolean":
        return "true or false"
    return f"a number from {f.minimum:g} to {f.maximum:g}"


def _expand(test: Test) -> Condition:
    """Rewrite shorthand operators into the core ones the engines implement."""
    if test.op == "between":
        low, high = test.value
        return All((Test(test.kind, test.name, "at_least", low, test.location),
                    Test(test.kind, test.name, "at_most", high, test.location)), test.location)
    if test.op == "contains_all":
        return All(tuple(Test(test.kind, test.name, "contains", v, test.location) for v in test.value), test.location)
    if test.op in ("in", "not_in", "contains_any"):
        return Test(test.kind, test.name, test.op, tuple(test.value), test.location)
    return test


def count_alternatives(condition: Condition, negated: bool = False) -> int:
    """How many conjunctions the condition's disjunctive normal form has."""
    if isinstance(condition, Test):
        return 1
    if isinstance(condition, Not):
        return count_alternatives(condition.item, not negated)
    conjunctive = isinstance(condition, All) != negated
    counts = [count_alternatives(c, negated) for c in condition.items]
    if conjunctive:
        total = 1
        for c in counts:
            total *= c
            if total > 10 ** 6:
                return total
        return total
    return sum(counts)


def widest_alternative(condition: Condition, negated: bool = False) -> int:
    """The most tests any one alternative of the condition's DNF holds."""
    if isinstance(condition, Test):
        return 1
    if isinstance(condition, Not):
        return widest_alternative(condition.item, not negated)
    sizes = [widest_alternative(c, negated) for c in condition.items]
    return sum(sizes) if isinstance(condition, All) != negated else max(sizes)


def dnf(condition: Condition | None) -> list[tuple[Literal, ...]]:
    """The condition as alternatives of literals; ``None`` (no condition) is one empty alternative.

    Duplicate literals are dropped; an alternative holding a literal and its
    negation is dropped as it can never hold.
    """
    if condition is None:
        return [()]
    out = []
    seen = set()
    for alternative in _dnf(condition, False):
        unique: dict[Literal, None] = {}
        for literal in alternative:
            unique.setdefault(literal, None)
        lits = tuple(unique)
        if any((not pos, test) in unique for pos, test in lits):
            continue
        key = frozenset(lits)
        if key not in seen:
            seen.add(key)
            out.append(lits)
    return out


def _dnf(condition: Condition, negated: bool) -> list[list[Literal]]:
    if isinstance(condition, Test):
        return [[(not negated, condition)]]
    if isinstance(condition, Not):
        return _dnf(condition.item, not negated)
    parts = [_dnf(item, negated) for item in condition.items]
    conjunctive = isinstance(condition, All) != negated
    if conjunctive:
        return [[lit for alt in combo for lit in alt] for combo in product(*parts)]
    return [alt for part in parts for alt in part]


def raw_dnf(condition: Condition | None) -> list[list[Literal]]:
    """The DNF as built, duplicates and contradictions kept (the audit reasons about those)."""
    return [[]] if condition is None else _dnf(condition, False)
