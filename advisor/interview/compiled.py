"""The planner's three-valued evaluation of a condition, compiled once into a closure.

:meth:`advisor.interview.planner.Planner._status` states the evaluation: a
readable interpreter walking a condition tree. Every assessment runs it over
every rule and ``ask_if``, so the planner compiles each condition once into a
closure ``status(answers, open_fields, facts)`` giving exactly what ``_status``
gives - ``True``/``False`` when decided, else the frozenset of open fields the
outcome still depends on:

* a test on a field is the constant ``{field}`` while the field is open, else
  the engine's predicate (:func:`advisor.inference.reference.compile_test`,
  specialised by operator and operand type, the semantics of ``test_holds``);
* a test on a derived fact tries every value the fact can still take
  (``facts[name] = (values, depends)``, :data:`ABSENT` for "not set"): decided
  when they all agree, else the fact's ``depends``;
* ``not`` negates a decided part; ``all`` (``any``) stops at the first false
  (true) part and otherwise joins the open fields of the undecided parts. It
  checks its (possibly negated) tests on fields, then its tests of a fact for
  a boolean, inline, and calls the closures of its other parts last: the
  order of the parts never changes the status, only how soon it is known.

A property test (tests/test_planner_compiled.py) keeps the two in step.
Python source generated for every condition and compiled with ``compile()``
was tried: it evaluated about a quarter faster than these closures did before
``all``/``any`` checked their tests inline, but compiling the shipped base's
conditions took about 60 ms, against 4 ms for building the whole planner.

Stage: interview.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from advisor.inference import compile_test, test_holds
from advisor.kb import All, Condition, Not, Test

__all__ = ["ABSENT", "Compiled", "compile_status"]

ABSENT = object()  # a derived fact that no rule sets
_EMPTY: dict[str, Any] = {}

Status = bool | frozenset  # a decided outcome, or the open fields it still depends on
Facts = Mapping[str, tuple[tuple[Any, ...], frozenset]]
Compiled = Callable[[Mapping[str, Any], frozenset, Facts], Status]


def _true(answers: Mapping[str, Any], open_fields: frozenset, facts: Facts) -> Status:
    return True


def _false(answers: Mapping[str, Any], open_fields: frozenset, facts: Facts) -> Status:
    return False


def compile_status(cond: Condition | None) -> Compiled:
    """A closure giving ``Planner._status(cond, answers, open_fields, facts)``."""
    if cond is None:
        return _true
    if isinstance(cond, Test):
        return _field_test(cond) if cond.kind == "field" else _fact_test(cond)
    if isinstance(cond, Not):
        return _negation(compile_status(cond.item))
    if not cond.items:
        return _true if isinstance(cond, All) else _false
    return _junction(cond.items, isinstance(cond, All))


def _field_test(test: Test) -> Compiled:
    name = test.name
    pending = frozenset((name,))
    holds = compile_test(test)

    def field(answers: Mapping[str, Any], open_fields: frozenset, facts: Facts) -> Status:
        if name in open_fields:
            return pending
        return holds(answers, _EMPTY)  # type: ignore[arg-type]

    return field


def _fact_test(test: Test) -> Compiled:
    name = test.name
    # the outcome when no rule sets the fact, as test_holds gives it
    unset = test_holds(test, _EMPTY, _EMPTY)
    if test.op == "equals" and isinstance(test.value, bool):
        wanted = test.value  # booleans are singletons: identity is the exact test (ABSENT is no bool)

        def boolean(answers: Mapping[str, Any], open_fields: frozenset, facts: Facts) -> Status:
            entry = facts.get(name)
            if entry is None:
                return unset
            possible = entry[0]
            return possible[0] is wanted if len(possible) == 1 else _mixed(possible, entry[1], wanted)

        return boolean
    holds = compile_test(test)

    def outcome(value: Any) -> bool:
        return unset if value is ABSENT else holds(_EMPTY, {name: value})  # type: ignore[arg-type]

    def general(answers: Mapping[str, Any], open_fields: frozenset, facts: Facts) -> Status:
        entry = facts.get(name)
        if entry is None:
            return unset
        possible = entry[0]
        first = outcome(possible[0])
        for value in possible[1:]:
            if outcome(value) is not first:
                return entry[1]
        return first

    return general


def _negation(inner: Compiled) -> Compiled:
    def negation(answers: Mapping[str, Any], open_fields: frozenset, facts: Facts) -> Status:
        s = inner(answers, open_fields, facts)
        if s is True:
            return False
        if s is False:
            return True
        return s

    return negation


def _mixed(possible: tuple[Any, ...], depends: frozenset, wanted: bool) -> Status:
    """A fact tested for a boolean, over several possible values: decided when they agree, else ``depends``."""
    first = possible[0] is wanted
    for value in possible[1:]:
        if (value is wanted) is not first:
            return depends
    return first


def _parts(items: tuple[Condition, ...]) -> tuple[tuple, tuple, tuple[Compiled, ...]]:
    """The parts of an ``all`` or ``any``, in three groups that a junction checks inline, one group after
    another: tests on fields, tests of a fact for a boolean (each possibly negated) and the rest. The
    order of the parts does not change a junction's status (a decisive part decides it wherever it is,
    and the open fields of the others are joined in a set), only how soon it is found."""
    fields: list[tuple[str, frozenset, Any, bool]] = []
    flags: list[tuple[str, bool, bool, bool]] = []
    rest: list[Compiled] = []
    for item in items:
        negated = isinstance(item, Not) and isinstance(item.item, Test)
        test = item.item if negated else item
        if isinstance(test, Test) and test.kind == "field":
            fields.append((test.name, frozenset((test.name,)), compile_test(test), negated))
        elif isinstance(test, Test) and test.op == "equals" and isinstance(test.value, bool):
            flags.append((test.name, test.value, test_holds(test, _EMPTY, _EMPTY), negated))
        else:
            rest.append(compile_status(item))
    return tuple(fields), tuple(flags), tuple(rest)


def _junction(items: tuple[Condition, ...], conjunction: bool) -> Compiled:
    """``all`` (``conjunction``) or ``any`` of ``items``: a part whose truth is ``decisive`` (false for
    ``all``, true for ``any``) decides the junction; else the open fields of the undecided parts, or, when
    every part is decided, the other outcome."""
    if len(items) == 1:
        return compile_status(items[0])
    fields, flags, rest = _parts(items)
    decisive = not conjunction

    def junction(answers: Mapping[str, Any], open_fields: frozenset, facts: Facts) -> Status:
        pending = None
        for name, mark, holds, negated in fields:
            if name in open_fields:
                pending = mark if pending is None else pending | mark
            elif (holds(answers, _EMPTY) is not negated) is decisive:
                return decisive
        for name, wanted, unset, negated in flags:
            entry = facts.get(name)
            if entry is None:
                if (unset is not negated) is decisive:
                    return decisive
                continue
            possible = entry[0]
            if len(possible) == 1:
                if ((possible[0] is wanted) is not negated) is decisive:
                    return decisive
                continue
            s = _mixed(possible, entry[1], wanted)
            if s is True or s is False:
                if (s is not negated) is decisive:
                    return decisive
            else:
                pending = s if pending is None else pending | s
        for part in rest:
            s = part(answers, open_fields, facts)
            if s is decisive:
                return decisive
            if s is not conjunction:  # undecided: its open fields
                pending = s if pending is None else pending | s
        return conjunction if pending is None else pending

    return junction
