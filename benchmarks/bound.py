"""The speed bound: each rule's condition compiled once into one plain-Python function.

What a programmer would write by hand if the rules were code: every rule's
``when`` becomes the source text of one function of the answers ``a`` and the
derived facts ``d`` (``lambda a, d: a.get("price_level") in K3 and ...``),
compiled once with :func:`compile`; per profile the rules are called level by
level, and a derived fact is settled after each level (highest priority wins,
ties to the smallest rule id), as :mod:`advisor.inference.reference` does.

The semantics are those of ``docs/rules.md``: a test on an unanswered field is
false (``answered: false`` is true), ``not`` is plain negation, booleans never
equal numbers. The reference evaluator (closures over the condition tree,
:class:`advisor.inference.reference.ReferenceEvaluator`) stays the independent
evaluator the tests trust; this module is checked against it before it is timed.
It reads the typed rule model only, sharing nothing with the durable compiler.
"""

from __future__ import annotations

from typing import Any, Callable

from advisor.inference.reference import ReferenceEvaluator, test_holds
from advisor.kb import All, Any_, Not, Test

_NUMERIC = {"less_than": "<", "at_most": "<=", "greater_than": ">", "at_least": ">="}


class _Source:
    """Builds one rule's expression, with the constants it needs named ``K0``, ``K1``..."""

    def __init__(self, constants: dict[str, Any]) -> None:
        self.constants = constants
        self.walrus = 0

    def const(self, value: Any) -> str:
        name = f"K{len(self.constants)}"
        self.constants[name] = value
        return name

    def temp(self) -> str:
        self.walrus += 1
        return f"x{self.walrus}"

    def test(self, test: Test) -> str:
        src = "a" if test.kind == "field" else "d"
        name, op, operand = repr(test.name), test.op, test.value
        if op == "answered":
            return f"({name} {'in' if operand else 'not in'} {src})"
        texts = isinstance(operand, str) or (isinstance(operand, tuple) and all(isinstance(v, str) for v in operand))
        if texts:  # strings equal only strings: plain == and set membership are exact
            if op == "equals":
                return f"({src}.get({name}) == {operand!r})"
            if op == "contains":
                return f"({operand!r} in {src}.get({name}, ()))"
            values = self.const(frozenset(operand))
            if op == "in":
                return f"({src}.get({name}) in {values})"
            if op == "not_in":
                x = self.temp()
                return f"(({x} := {src}.get({name}, M)) is not M and {x} not in {values})"
            if op == "contains_any":
                return f"(not {values}.isdisjoint({src}.get({name}, ())))"
        if op == "equals" and isinstance(operand, bool):
            return f"({src}.get({name}) is {operand!r})"
        number = isinstance(operand, (int, float)) and not isinstance(operand, bool)
        if number and (op == "equals" or op in _NUMERIC):
            x = self.temp()
            compare = "==" if op == "equals" else _NUMERIC[op]
            return f"(({x} := {src}.get({name})).__class__ in NUM and {x} {compare} {operand!r})"
        # anything else (mixed types, e.g. a derived value tested against a list): the reference test
        return f"T({self.const(test)}, a, d)"

    def condition(self, condition: Any) -> str:
        if condition is None:
            return "True"
        if isinstance(condition, Test):
            return self.test(condition)
        if isinstance(condition, Not):
            return f"(not {self.condition(condition.item)})"
        joiner = " and " if isinstance(condition, All) else " or "
        assert isinstance(condition, (All, Any_))
        return "(" + joiner.join(self.condition(item) for item in condition.items) + ")"


class CompiledBound:
    """Every rule a compiled Python function; :meth:`run` gives fired rule ids and derived values."""

    def __init__(self, kb: Any) -> None:
        reference = ReferenceEvaluator(kb.rules)  # for its strata only: the level order is not in question
        constants: dict[str, Any] = {"M": object(), "NUM": (int, float), "T": test_holds}
        lines = []
        self.levels: list[list[tuple[str, Callable[[dict, dict], bool], tuple]]] = []
        names = []
        for stratum in reference.strata:
            level = []
            for rule in stratum:
                source = _Source(constants)
                name = f"p{len(names)}"
                lines.append(f"def {name}(a, d):\n    return {source.condition(rule.when)}\n")
                names.append(name)
                derives = tuple((c.target, c.value) for c in rule.then if c.kind == "derive")
                level.append((rule.id, name, (-rule.priority, rule.id, derives)))
            self.levels.append(level)
        namespace = dict(constants)
        exec(compile("".join(lines), "<compiled rules>", "exec"), namespace)
        self.levels = [[(rule_id, namespace[name], claim) for rule_id, name, claim in level]
                       for level in self.levels]

    def run(self, answers: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
        """Rules fired (level order) and derived values, for ``answers`` (lists for list fields)."""
        derived: dict[str, Any] = {}
        best: dict[str, tuple] = {}
        fired = []
        for level in self.levels:
            for rule_id, holds, claim in level:
                if holds(answers, derived):
                    fired.append(rule_id)
                    if claim[2]:
                        for fact, value in claim[2]:
                            known = best.get(fact)
                            if known is None or claim[:2] < known[:2]:
                                best[fact] = (claim[0], claim[1], value)
            for fact, (_, _, value) in best.items():
                derived[fact] = value
        return fired, derived
