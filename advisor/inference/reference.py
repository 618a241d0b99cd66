"""A second, independent evaluator of the rule semantics, in plain Python.

Written from the documented semantics (``docs/rules.md``), sharing nothing
with :mod:`advisor.kb.compiler` or :mod:`advisor.inference.engine`: it reads the typed
model and evaluates conditions directly. It serves three purposes:

* the oracle of the property and differential tests (it must agree with the
  durable-rules engine on exactly which rules fire, chaining included);
* the speed bound of the benchmarks;
* three-valued evaluation for explanations (which condition failed, which is
  unknown because a field is unanswered).

Semantics in brief: a test on an unanswered field is false (``answered: false``
is true); ``not`` is plain negation; ``{fact: x}`` holds when derived fact
``x`` is ``true``; rules run in strata so that every rule deriving a fact runs
before any rule that tests it; a derived fact takes the value of its
highest-priority deriver (ties: the smallest rule id).

Stage: inference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from advisor.kb import All, Condition, Not, Rule, RuleBase, Test

__all__ = ["ReferenceEvaluator", "Outcome", "compile_test", "test_holds", "UNKNOWN"]

Env = tuple[dict[str, Any], dict[str, Any]]  # (answers, derived values)
Predicate = Callable[[dict[str, Any], dict[str, Any]], bool]

UNKNOWN = None


def _same(a: Any, b: Any) -> bool:
    """Equality that keeps booleans apart from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def test_holds(test: Test, answers: dict[str, Any], derived: dict[str, Any]) -> bool:
    """Whether one test holds for the given answers and derived facts."""
    source = answers if test.kind == "field" else derived
    present = test.name in source
    if test.op == "answered":
        return present == bool(test.value)
    if not present:
        return False
    value = source[test.name]
    op, operand = test.op, test.value
    if op == "equals":
        return _same(value, operand)
    if op == "in":
        return any(_same(value, v) for v in operand)
    if op == "not_in":
        return not any(_same(value, v) for v in operand)
    if op == "contains":
        return any(_same(v, operand) for v in value)
    if op == "contains_any":
        return any(_same(v, o) for v in value for o in operand)
    if op in ("less_than", "at_most", "greater_than", "at_least"):
        if not (_number(value) and _number(operand)):
            return False
        return {
            "less_than": value < operand,
            "at_most": value <= operand,
            "greater_than": value > operand,
            "at_least": value >= operand,
        }[op]
    raise ValueError(f"unknown operator {op!r}")


_MISSING = object()


def compile_test(test: Test) -> Predicate:
    """A closure for one test, specialised by operator and operand type (the same
    semantics as :func:`test_holds`, which stays the readable statement of them;
    a property test keeps the two in step)."""
    name, op, operand = test.name, test.op, test.value
    on_fields = test.kind == "field"
    if op == "answered":
        wanted = bool(operand)
        if on_fields:
            return lambda a, d: (name in a) is wanted
        return lambda a, d: (name in d) is wanted
    text_only = isinstance(operand, str) or (
        isinstance(operand, tuple) and all(isinstance(v, str) for v in operand))
    if op in ("equals", "in", "not_in", "contains", "contains_any") and text_only:
        # strings compare only with strings, so plain == and set membership are exact here
        if op == "equals":
            return (lambda a, d: a.get(name) == operand) if on_fields else (lambda a, d: d.get(name) == operand)
        values = frozenset(operand)
        if op == "in":
            return (lambda a, d: a.get(name) in values) if on_fields else (lambda a, d: d.get(name) in values)
        if op == "not_in":
            if on_fields:
                return lambda a, d: (x := a.get(name, _MISSING)) is not _MISSING and x not in values
            return lambda a, d: (x := d.get(name, _MISSING)) is not _MISSING and x not in values
        if op == "contains":
            if on_fields:
                return lambda a, d: operand in a.get(name, ())
            return lambda a, d: operand in d.get(name, ())
        if on_fields:
            return lambda a, d: not values.isdisjoint(a.get(name, ()))
        return lambda a, d: not values.isdisjoint(d.get(name, ()))
    if op == "equals" and isinstance(operand, bool):  # booleans are singletons: identity is exact
        return (lambda a, d: a.get(name) is operand) if on_fields else (lambda a, d: d.get(name) is operand)
    if op == "equals" and _number(operand):
        def equal_number(a: dict[str, Any], d: dict[str, Any]) -> bool:
            x = (a if on_fields else d).get(name)
            return x is not None and x.__class__ in (int, float) and x == operand

        return equal_number
    if op in ("less_than", "at_most", "greater_than", "at_least") and _number(operand):
        compare = {"less_than": float.__lt__, "at_most": float.__le__,
                   "greater_than": float.__gt__, "at_least": float.__ge__}[op]
        bound = float(operand)

        def numeric(a: dict[str, Any], d: dict[str, Any]) -> bool:
            x = (a if on_fields else d).get(name)
            return x is not None and x.__class__ in (int, float) and compare(float(x), bound)

        return numeric
    return lambda a, d: test_holds(test, a, d)  # mixed types (derived values): the general path


def _compile(condition: Condition | None) -> Predicate:
    """A closure evaluating ``condition`` (compiled once per rule, for speed)."""
    if condition is None:
        return lambda answers, derived: True
    if isinstance(condition, Test):
        return compile_test(condition)
    if isinstance(condition, Not):
        inner = _compile(condition.item)
        return lambda answers, derived: not inner(answers, derived)
    parts = tuple(_compile(item) for item in condition.items)
    if len(parts) == 1:
        return parts[0]
    if isinstance(condition, All):
        if len(parts) == 2:
            first, second = parts
            return lambda a, d: first(a, d) and second(a, d)

        def every(a: dict[str, Any], d: dict[str, Any]) -> bool:
            for part in parts:
                if not part(a, d):
                    return False
            return True

        return every
    if len(parts) == 2:
        first, second = parts
        return lambda a, d: first(a, d) or second(a, d)

    def some(a: dict[str, Any], d: dict[str, Any]) -> bool:
        for part in parts:
            if part(a, d):
                return True
        return False

    return some


def evaluate3(condition: Condition | None, answers: dict[str, Any], derived: dict[str, Any],
              unknown: Callable[[Test], bool]) -> bool | None:
    """Three-valued evaluation: ``None`` where the outcome hinges on tests ``unknown`` marks."""
    if condition is None:
        return True
    if isinstance(condition, Test):
        return UNKNOWN if unknown(condition) else test_holds(condition, answers, derived)
    if isinstance(condition, Not):
        inner = evaluate3(condition.item, answers, derived, unknown)
        return None if inner is None else not inner
    values = [evaluate3(item, answers, derived, unknown) for item in condition.items]
    if isinstance(condition, All):
        if any(v is False for v in values):
            return False
        return True if all(v is True for v in values) else UNKNOWN
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else UNKNOWN


@dataclass(frozen=True)
class Outcome:
    """Rules fired (in stratum order, then id) and derived fact values."""

    fired: tuple[str, ...]
    derived: dict[str, Any]


class ReferenceEvaluator:
    """Evaluates a rule base over profiles, independently of the engine."""

    def __init__(self, base: RuleBase | Iterable[Rule]) -> None:
        rules = list(base.rules if isinstance(base, RuleBase) else base)
        self.rules = rules
        self.strata = _strata(rules)
        self._predicates = {rule.id: _compile(rule.when) for rule in rules}
        self._compiled_strata = [[(rule, self._predicates[rule.id]) for rule in stratum] for stratum in self.strata]
        self._derives = {rule.id: [(c.target, c.value) for c in rule.then if c.kind == "derive"] for rule in rules}

    def run(self, answers: dict[str, Any]) -> Outcome:
        """Fire the rule base over ``answers`` (field -> value; lists for list fields)."""
        derived: dict[str, Any] = {}
        claims: dict[str, tuple[int, str, Any]] = {}
        fired: list[str] = []
        for stratum in self._compiled_strata:
            fired_now = [rule for rule, holds in stratum if holds(answers, derived)]
            for rule in fired_now:
                fired.append(rule.id)
                for fact, value in self._derives[rule.id]:
                    best = claims.get(fact)
                    candidate = (-rule.priority, rule.id, value)
                    if best is None or candidate[:2] < best[:2]:
                        claims[fact] = candidate
            for fact, (_, _, value) in claims.items():
                derived[fact] = value
        return Outcome(tuple(fired), derived)


def _strata(rules: list[Rule]) -> list[list[Rule]]:
    """Group rules so every deriver of a fact comes in an earlier group than its users.

    Peels off, round by round, the rules whose tested facts have no deriver left
    among the remaining rules (Kahn's method); raises ValueError on a cycle.
    """
    remaining = sorted(rules, key=lambda r: r.id)
    strata: list[list[Rule]] = []
    while remaining:
        pending_facts = {fact for rule in remaining for fact in rule.facts_derived()}
        ready = [rule for rule in remaining if not (rule.facts_used() & pending_facts)]
        if not ready:
            raise ValueError("derived facts form a cycle")
        strata.append(ready)
        ready_ids = {rule.id for rule in ready}
        remaining = [rule for rule in remaining if rule.id not in ready_ids]
    return strata
