"""The same rules in CLIPS (through clipspy), for comparison: benchmark-only, optional.

``pip install clipspy`` enables it; ``python3 -m benchmarks`` then adds a column.
The translation follows the advisor's semantics as the engine adapter does:

* facts (templates with slots ``f`` and ``v``): ``a`` per scalar answer, ``n``
  (the count) and ``m`` (each member) per list answer, ``d`` per derived fact,
  and ``(phase (l level))`` to let one level's rules complete; each level's
  facts go in with one ``load_facts`` call (clipspy's Python routers are
  switched off once the translation is checked: they are queried for every
  parsed token);
* each alternative of a rule's condition (its disjunctive normal form) is one
  ``defrule``: the phase, the positive tests, then ``(not ...)`` for negations;
  the action hands the rule id and the indices of the matched facts to Python
  (the provenance the engine reports too);
* levels run in order; after each, derived facts whose every deriver has run
  are settled (highest priority wins, ties to the smallest rule id) and asserted.

It is checked against the reference evaluator before it is timed.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from advisor.kb.compiler import dnf
from advisor.kb.model import Test


def _atom(value: Any) -> str:
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


class ClipsBase:
    """A rule base loaded into one CLIPS environment."""

    def __init__(self, kb: Any) -> None:
        import clips

        self.env = clips.Environment()
        self.fired: list[tuple[str, tuple[int, ...]]] = []
        self.env.define_function(self._fire, name="fired")
        from advisor.kb.loader import dependency_levels

        rules = list(kb.rules.rules)
        self.level = dependency_levels(rules)
        self.levels = 1 + max(self.level.values(), default=-1)
        self.priority = {r.id: r.priority for r in rules}
        self.derives = {r.id: [(c.target, c.value) for c in r.then if c.kind == "derive"] for r in rules}
        last: dict[str, int] = {}
        for rule in rules:
            for fact, _ in self.derives[rule.id]:
                last[fact] = max(last.get(fact, 0), self.level[rule.id])
        self.settle: list[list[str]] = [[] for _ in range(self.levels)]
        for fact in sorted(last):
            self.settle[last[fact]].append(fact)
        self.multi = {f.id for f in kb.fields.fields if f.type == "multi"}
        for head in ("a", "n", "m", "d"):
            self.env.build(f"(deftemplate {head} (slot f) (slot v))")
        self.env.build("(deftemplate phase (slot l))")
        for index, rule in enumerate(rules):
            for alt, literals in enumerate(dnf(rule.when)):
                self.env.build(self._defrule(f"r{index}_{alt}", rule.id, self.level[rule.id], literals))

    def _fire(self, rule_id: str, *indices: int) -> None:
        self.fired.append((str(rule_id), tuple(indices)))

    def _pattern(self, test: Test, var: str) -> str:
        if test.kind == "fact":
            head, name = "d", test.name
        elif test.op in ("contains", "contains_any"):
            head, name = "m", test.name
        elif test.op == "answered" and test.name in self.multi:
            head, name = "n", test.name
        else:
            head, name = "a", test.name
        op, value = test.op, test.value
        if op == "answered":
            slot = "?"
        elif op in ("equals", "contains"):
            slot = _atom(value)
        elif op in ("in", "contains_any"):
            slot = f"{var}&" + "|".join(_atom(v) for v in value)
        elif op == "not_in":
            slot = f"{var}&" + "&".join("~" + _atom(v) for v in value)
        else:
            compare = {"less_than": "<", "at_most": "<=", "greater_than": ">", "at_least": ">="}[op]
            slot = f"{var}&:(numberp {var})&:({compare} {var} {_atom(value)})"
        return f"({head} (f {name}) (v {slot}))"

    def _defrule(self, name: str, rule_id: str, level: int, literals: tuple) -> str:
        positives, negatives, bound = [], [], []
        for number, (positive, test) in enumerate(literals):
            if test.op == "answered" and not test.value:
                positive = not positive
            pattern = self._pattern(test, f"?v{number}")
            if positive:
                positives.append(f"?f{number} <- {pattern}")
                bound.append(f"(fact-index ?f{number})")
            else:
                negatives.append(f"(not {pattern})")
        body = " ".join([f"(phase (l {level}))", *positives, *negatives])
        return f'(defrule {name} {body} => (fired "{rule_id}" {" ".join(bound)}))'

    def run(self, answers: dict[str, Any]) -> tuple[list[tuple[str, tuple[int, ...]]], dict[str, Any]]:
        """Fired (rule id, matched fact indices) and derived values for one profile."""
        env = self.env
        env.reset()
        self.fired = []
        parts = []
        for name, value in answers.items():
            if name in self.multi:
                parts.append(f"(n (f {name}) (v {len(value)}))")
                parts.extend(f"(m (f {name}) (v {_atom(item)}))" for item in value)
            else:
                parts.append(f"(a (f {name}) (v {_atom(value)}))")
        claims: dict[str, list[tuple[int, str, Any]]] = {}
        derived: dict[str, Any] = {}
        seen = 0
        for level in range(self.levels):
            parts.append(f"(phase (l {level}))")
            env.load_facts(" ".join(parts))  # one call per level, as the engine adapter does
            parts = []
            env.run()
            for rule_id, _ in self.fired[seen:]:
                for fact, value in self.derives[rule_id]:
                    claims.setdefault(fact, []).append((-self.priority[rule_id], rule_id, value))
            seen = len(self.fired)
            for fact in self.settle[level]:
                if fact in claims:
                    value = min(claims[fact], key=lambda c: (c[0], c[1]))[2]
                    derived[fact] = value
                    parts.append(f"(d (f {fact}) (v {_atom(value)}))")
        return self.fired, derived


def per_profile(kb: Any, profiles: list[Any], passes: int) -> float | None:
    """Median seconds per profile; None when clipspy is missing or disagrees with the reference."""
    try:
        base = ClipsBase(kb)
    except ImportError:
        return None
    from advisor.inference.reference import ReferenceEvaluator

    reference = ReferenceEvaluator(kb.rules)
    answers = [p.as_dict() for p in profiles]
    for plain in answers:
        fired, derived = base.run(plain)
        want = reference.run(plain)
        if {r for r, _ in fired} != set(want.fired) or derived != want.derived:
            raise AssertionError("CLIPS and the reference evaluator disagree; the translation has a bug")
    for router in list(base.env.routers()):
        router.deactivate()  # clipspy's Python routers cost more than CLIPS itself
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        for plain in answers:
            base.run(plain)
        times.append((time.perf_counter() - start) / len(answers))
    return statistics.median(times)
