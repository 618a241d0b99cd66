"""The values each profile field and derived fact can take, as finite sets the audit can reason over.

Assumptions (the documented rule semantics, ``docs/rules.md``):

* a field or fact is either unanswered (:data:`ABSENT`) or holds one value of
  its domain; a test on an unanswered subject is false, except
  ``answered: false``;
* choice and yes/no fields have finite domains; a derived fact's domain is the
  set of values rules derive for it;
* a number field's range ``[minimum, maximum]`` is cut at every threshold the
  rule base compares it with, into points and open intervals: within one piece
  every test has the same truth, so each piece acts as one value (its
  representative, an integer for integer fields);
* a list field's answer is a set of its choices, described by :class:`ListSet`.

A set of values of a finite subject is a bit mask over its domain, bit 0
standing for :data:`ABSENT`, so conjunction is ``&`` and inclusion a mask test.

Stage: audit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

from advisor.inference import test_holds
from advisor.kb import Field, FieldSet, Rule, Test

__all__ = ["ABSENT", "Subject", "FiniteDomain", "ListSet", "Domains", "value_key", "word"]

Subject = tuple[str, str]  # ("field", name) or ("fact", name)


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


#: The value of an unanswered field or an underived fact.
ABSENT = _Absent()

_COMPARISONS = ("less_than", "at_most", "greater_than", "at_least", "equals")


def value_key(value: Any) -> Any:
    """A hashable key that keeps ``True`` apart from ``1`` (as the rule semantics do)."""
    if isinstance(value, (list, tuple)):
        return tuple(value_key(v) for v in value)
    return (type(value).__name__, value)


@dataclass(frozen=True)
class FiniteDomain:
    """The values of one subject; index 0 is :data:`ABSENT`."""

    subject: Subject
    values: tuple[Any, ...]
    labels: tuple[str, ...]

    @property
    def full(self) -> int:
        return (1 << len(self.values)) - 1

    def index(self, value: Any) -> int | None:
        """The position of ``value`` in the domain (None when it is not a value of it)."""
        table = self.__dict__.get("_index")
        if table is None:
            table = {value_key(v): i for i, v in enumerate(self.values) if i}
            object.__setattr__(self, "_index", table)
        return table.get(value_key(value))

    def members(self, mask: int) -> list[int]:
        return [i for i in range(len(self.values)) if mask >> i & 1]

    def describe(self, mask: int) -> str:
        """The values in ``mask`` in words, e.g. ``high or luxury`` or ``unanswered``."""
        words = [self.labels[i] for i in self.members(mask)]
        return " or ".join(words) if words else "nothing"


def _region_label(low: float, high: float, low_closed: bool, high_closed: bool) -> str:
    if low == high:
        return f"{low:g}"
    return f"{'[' if low_closed else '('}{low:g}, {high:g}{']' if high_closed else ')'}"


def _number_domain(subject: Subject, f: Field, thresholds: Iterable[float]) -> FiniteDomain:
    low = float(f.minimum) if f.minimum is not None else -1e15
    high = float(f.maximum) if f.maximum is not None else 1e15
    points = sorted({low, high} | {float(t) for t in thresholds if low <= t <= high})
    integer = f.type == "integer"
    values: list[Any] = [ABSENT]
    labels = ["unanswered"]
    for i, point in enumerate(points):
        if not integer or point == int(point):
            values.append(int(point) if integer or point == int(point) else point)
            labels.append(f"{point:g}")
        if i + 1 < len(points):
            nxt = points[i + 1]
            inside = math.floor(point) + 1  # the smallest integer above the point
            if inside < nxt:
                values.append(inside)
            elif integer:
                continue  # no whole number lies strictly between
            else:
                values.append(round((point + nxt) / 2, 6))
            labels.append(_region_label(point, nxt, False, False))
    return FiniteDomain(subject, tuple(values), tuple(labels))


@dataclass(frozen=True)
class ListSet:
    """The answers a list field may hold: unanswered (``absent``), or (``present``) a set of
    choices including every choice of ``must``, none of ``must_not``, and at least one
    choice of each set in ``any_of``. Kept normalised, so equal sets compare equal."""

    absent: bool = True
    present: bool = True
    must: frozenset = frozenset()
    must_not: frozenset = frozenset()
    any_of: frozenset = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.absent or self.present)

    @property
    def full(self) -> bool:
        return self == FULL_LIST

    @staticmethod
    def of(positive: bool, test: Test) -> "ListSet":
        """The answers for which the literal (``test`` or its negation) holds."""
        op, value = test.op, test.value
        if op == "answered":
            wants_answer = bool(value) == positive
            return ListSet(absent=not wants_answer, present=wants_answer)
        values = frozenset([value] if op == "contains" else value)
        if positive:
            if op == "contains":
                return _normal(False, True, values, frozenset(), frozenset())
            return _normal(False, True, frozenset(), frozenset(), frozenset([values]))
        return _normal(True, True, frozenset(), values, frozenset())

    def meet(self, other: "ListSet") -> "ListSet":
        """The answers both sets allow."""
        return _normal(self.absent and other.absent, self.present and other.present, self.must | other.must,
                       self.must_not | other.must_not, self.any_of | other.any_of)

    def within(self, other: "ListSet") -> bool:
        """True when every answer of this set is one of ``other`` (checked soundly, not completely)."""
        if self.absent and not other.absent:
            return False
        if not self.present:
            return True
        if not other.present or not other.must <= self.must or not other.must_not <= self.must_not:
            return False
        for wanted in other.any_of:
            if not (wanted & self.must or any(mine <= wanted for mine in self.any_of)):
                return False
        return True

    def pick(self, order: dict[str, int], prefer_absent: bool = True) -> list[str] | None:
        """One answer of the set (None = unanswered), or raises ValueError when empty."""
        if self.absent and (prefer_absent or not self.present):
            return None
        if not self.present:
            raise ValueError("empty set of answers")
        chosen = set(self.must)
        for wanted in sorted(self.any_of, key=lambda s: sorted(s)):
            if not wanted & chosen:
                chosen.add(min(wanted, key=lambda c: order.get(c, 0)))
        return sorted(chosen, key=lambda c: order.get(c, 0))

    def describe(self, name: str) -> str:
        parts = []
        if self.present:
            if self.must:
                parts.append(f"{name} includes {', '.join(sorted(self.must))}")
            for wanted in sorted(self.any_of, key=sorted):
                parts.append(f"{name} includes any of {', '.join(sorted(wanted))}")
            if self.must_not:
                parts.append(f"{name} includes none of {', '.join(sorted(self.must_not))}")
        text = " and ".join(parts) or (f"{name} is answered" if self.present else "")
        if self.absent:
            return f"{name} is unanswered" + (f" or {text}" if text and self.present else "")
        return text or "nothing"


def _normal(absent: bool, present: bool, must: frozenset, must_not: frozenset, any_of: frozenset) -> ListSet:
    if present:
        reduced = set()
        for wanted in any_of:
            if wanted & must:
                continue  # already met by a required choice
            left = wanted - must_not
            if not left:
                present = False
                break
            reduced.add(frozenset(left))
        if must & must_not:
            present = False
        if present:
            # a clause implied by a smaller one says nothing more
            kept = frozenset(w for w in reduced if not any(o < w for o in reduced))
            return ListSet(absent, True, must, must_not, kept)
    return ListSet(absent, False)


FULL_LIST = ListSet()


class Domains:
    """Domains of every field and derived fact of one rule base, and literal -> value set."""

    def __init__(self, fields: FieldSet, rules: Iterable[Rule], tests: dict[str, list[Test]] | None = None) -> None:
        rules = list(rules)
        self.fields = fields
        thresholds: dict[str, set[float]] = {}
        derived: dict[str, dict[Any, Any]] = {}
        for rule in rules:
            for test in (tests[rule.id] if tests is not None else rule.tests()):
                if test.kind == "field" and test.op in _COMPARISONS and _is_number(test.value):
                    thresholds.setdefault(test.name, set()).add(float(test.value))
            for c in rule.then:
                if c.kind == "derive":
                    derived.setdefault(c.target, {}).setdefault(value_key(c.value), c.value)
        self._finite: dict[Subject, FiniteDomain] = {}
        self.list_order: dict[str, dict[str, int]] = {}
        for f in fields.fields:
            subject = ("field", f.id)
            if f.type == "multi":
                self.list_order[f.id] = {c: i for i, c in enumerate(f.choice_ids())}
            elif f.is_numeric:
                self._finite[subject] = _number_domain(subject, f, thresholds.get(f.id, ()))
            else:
                values = tuple(f.domain() or ())
                self._finite[subject] = FiniteDomain(subject, (ABSENT,) + values,
                                                     ("unanswered",) + tuple(word(v) for v in values))
        for name, values in derived.items():
            ordered = sorted(values.values(), key=lambda v: (type(v).__name__, str(v)))
            self._finite[("fact", name)] = FiniteDomain(("fact", name), (ABSENT,) + tuple(ordered),
                                                        ("not derived",) + tuple(word(v) for v in ordered))
        self._masks: dict[tuple, Any] = {}
        self._by_test: dict[tuple[bool, int], tuple[Test, Any]] = {}  # (positive, id(test)) -> (test, set)
        self._full: dict[Subject, int] = {}

    def finite(self, subject: Subject) -> FiniteDomain | None:
        """The finite domain of ``subject`` (None for list fields)."""
        found = self._finite.get(subject)
        if found is None and subject[0] == "fact":
            found = FiniteDomain(subject, (ABSENT,), ("not derived",))  # derived by no rule
            self._finite[subject] = found
        return found

    def full_mask(self, subject: Subject) -> int:
        """The mask of every value of a finite subject."""
        found = self._full.get(subject)
        if found is None:
            domain = self.finite(subject)
            found = domain.full if domain is not None else -1
            self._full[subject] = found
        return found

    def is_list(self, subject: Subject) -> bool:
        return subject[0] == "field" and subject[1] in self.list_order

    def literal(self, positive: bool, test: Test) -> int | ListSet:
        """The values of the test's subject for which the literal holds."""
        known = self._by_test.get((positive, id(test)))
        if known is not None and known[0] is test:  # the same test object asked again: no key to build
            return known[1]
        key = (positive, test.kind, test.name, test.op, value_key(test.value))
        found = self._masks.get(key)
        if found is None:
            found = self._compute(positive, test)
            self._masks[key] = found
        self._by_test[(positive, id(test))] = (test, found)
        return found

    def _compute(self, positive: bool, test: Test) -> int | ListSet:
        subject = (test.kind, test.name)
        if self.is_list(subject):
            return ListSet.of(positive, test)
        domain = self.finite(subject)
        assert domain is not None
        mask = 0
        for i, value in enumerate(domain.values):
            source = {} if value is ABSENT else {test.name: value}
            holds = test_holds(test, source, source)
            if holds == positive:
                mask |= 1 << i
        return mask


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def word(value: Any) -> str:
    """A value as a person writes it: yes/no for booleans, lists in brackets."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(word, value)) + "]"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)
