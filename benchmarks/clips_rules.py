"""The same rules in CLIPS (through clipspy), written the way a CLIPS user would: benchmark-only.

``pip install clipspy`` (the ``bench`` extra) enables it; ``python3 -m benchmarks``
then adds a row. The translation follows the advisor's semantics:

* facts (templates with slots ``f`` and ``v``): ``a`` per scalar answer, ``n``
  (the count) and ``m`` (each member) per list answer, ``d`` per derived fact,
  and ``(phase (l level))`` to let one level's rules complete;
* each alternative of a rule's condition (its disjunctive normal form) is one
  ``defrule``: the phase, the positive tests, then ``(not ...)`` for negations;
  its action appends the rule id to a global string and asserts a ``claim`` fact for
  each derived fact it concludes;
* derived facts are settled inside CLIPS: a ``settle`` rule of lower salience
  turns the best claim (highest priority, ties to the smallest rule id) into a
  ``d`` fact in the phase of the fact's last deriver, before the next level runs;
* per profile: ``reset``, then per level one ``load_facts`` call (the answers
  with the level-0 phase, then each later phase fact) and one ``run``; the
  fired rules and derived values are read once, at the end, from two globals.

No Python function is called from CLIPS, and clipspy's Python routers are
switched off (they are queried for every parsed token). It is checked against
the reference evaluator before it is timed.
"""

from __future__ import annotations

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

        self._symbol = clips.Symbol
        self.env = clips.Environment()
        from advisor.kb.loader import dependency_levels

        rules = list(kb.rules.rules)
        level = dependency_levels(rules)
        self.levels = 1 + max(level.values(), default=-1)
        settle: dict[str, int] = {}
        for rule in rules:
            for c in rule.then:
                if c.kind == "derive":
                    settle[c.target] = max(settle.get(c.target, 0), level[rule.id])
        self.multi = {f.id for f in kb.fields.fields if f.type == "multi"}
        for head in ("a", "n", "m", "d"):
            self.env.build(f"(deftemplate {head} (slot f) (slot v))")
        self.env.build("(deftemplate phase (slot l))")
        self.env.build("(deftemplate claim (slot f) (slot v) (slot p) (slot r) (slot s))")
        self.env.build('(defglobal ?*fired* = "" ?*derived* = (create$))')
        self.env.build(
            "(defrule settle (declare (salience -10)) (phase (l ?L)) (claim (f ?f) (v ?v) (p ?p) (r ?r) (s ?L))"
            " (not (claim (f ?f) (p ?q&:(> ?q ?p))))"
            " (not (claim (f ?f) (p ?p) (r ?o&:(< (str-compare ?o ?r) 0))))"
            " => (assert (d (f ?f) (v ?v))) (bind ?*derived* (create$ ?*derived* ?f ?v)))")
        for index, rule in enumerate(rules):
            action = f'(bind ?*fired* (str-cat ?*fired* " {rule.id}"))' + "".join(
                f'(assert (claim (f {c.target}) (v {_atom(c.value)}) (p {rule.priority}) (r "{rule.id}")'
                f" (s {settle[c.target]})))" for c in rule.then if c.kind == "derive")
            for alt, literals in enumerate(dnf(rule.when)):
                self.env.build(self._defrule(f"r{index}_{alt}", level[rule.id], literals, action))

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

    def _defrule(self, name: str, level: int, literals: tuple, action: str) -> str:
        positives, negatives = [], []
        for number, (positive, test) in enumerate(literals):
            if test.op == "answered" and not test.value:
                positive = not positive
            pattern = self._pattern(test, f"?v{number}")
            (positives if positive else negatives).append(pattern if positive else f"(not {pattern})")
        body = " ".join([f"(phase (l {level}))", *positives, *negatives])
        return f"(defrule {name} {body} => {action})"

    def run(self, answers: dict[str, Any]) -> tuple[set[str], dict[str, Any]]:
        """Fired rule ids and derived values for one profile."""
        env = self.env
        env.reset()
        parts = []
        for name, value in answers.items():
            if name in self.multi:
                parts.append(f"(n (f {name}) (v {len(value)}))")
                parts.extend(f"(m (f {name}) (v {_atom(item)}))" for item in value)
            else:
                parts.append(f"(a (f {name}) (v {_atom(value)}))")
        parts.append("(phase (l 0))")
        env.load_facts(" ".join(parts))
        env.run()
        for level in range(1, self.levels):
            env.load_facts(f"(phase (l {level}))")
            env.run()
        fired = set(env.eval("?*fired*").split())
        flat = env.eval("?*derived*")
        derived = {str(flat[i]): self._value(flat[i + 1]) for i in range(0, len(flat), 2)}
        return fired, derived

    def _value(self, value: Any) -> Any:
        if isinstance(value, self._symbol):
            return {"TRUE": True, "FALSE": False}.get(str(value), str(value))
        return value
