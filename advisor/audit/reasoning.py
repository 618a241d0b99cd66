"""Satisfiability of rule conditions: can a rule fire, can two fire together, for which profile.

Each condition is taken in disjunctive normal form (:func:`advisor.kb.knowledge_base.conditions.raw_dnf`: the
written tests, not copies, so each keeps its place in the file). An
alternative - a conjunction of tests and negated tests - is turned into a
*state*: for every subject it constrains, the set of values it allows
(:mod:`advisor.audit.domains`). The alternative can hold exactly when no set is
empty, because different subjects are independent.

Derived facts are followed through the rules that derive them:

* a rule *can fire* when one of its alternatives is satisfiable and every fact
  it needs (a value, not "not derived") has a deriver that can fire and whose
  own condition is consistent with the alternative (the least fixpoint, as
  forward chaining reaches it). This over-approximates, so "never fires" is
  only said when it is certain;
* :meth:`Reasoner.expand` replaces the needed facts by their derivers'
  conditions, one combination at a time, to build example profiles; every
  example is then checked with the reference evaluator, which settles what
  the approximation leaves open (negated facts, priorities between derivers);
* :meth:`Reasoner.box` expresses a literal on a derived fact in answers, at
  any depth: ``{fact: X}`` allows what the conditions of X's derivers allow
  (each fact they test replaced by its own box, down the levels), and
  ``not: {fact: X}`` what the negations of all of them allow together. A box
  is one state, the smallest that holds every alternative (per subject, the
  union of what they allow), so it over-approximates and "never" stays
  certain. An alternative whose own tests meet every box of the facts it tests
  in nothing can never hold (reason ``derived``), whatever the one-level check
  said; the smallest set of its tests that still clash is reported, with the
  chain of derivations behind each fact. The negation of a deriver's
  condition is expanded into at most :data:`MAX_NEGATED_ALTERNATIVES`
  alternatives; past that the negated fact is taken as allowing everything and
  the fact is listed in :attr:`Reasoner.capped` (reported as A206, never
  silently).

Stage: audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from advisor.kb import FieldSet, Rule, Test, raw_dnf

from .boxes import MAX_NEGATED_ALTERNATIVES, BoxReasoning, Reason, describe_literal
from .domains import Domains, ListSet, Subject

__all__ = ["Literal", "State", "Alternative", "Reason", "Exhausted", "Budget", "Reasoner", "describe_literal",
           "MAX_NEGATED_ALTERNATIVES"]


Literal = tuple[bool, Test]
State = dict  # Subject -> int mask | ListSet


@dataclass(frozen=True)
class Alternative:
    """One alternative of a rule's condition, with its state (None when it cannot hold)."""

    literals: tuple[Literal, ...]
    state: State | None
    reason: Reason | None = None
    needs: tuple[tuple[str, int], ...] = ()  # the facts it needs derived, with the values allowed


class Exhausted(Exception):
    """A search went over its budget; callers fall back to the safe answer."""


class Budget:
    """A step counter that raises :class:`Exhausted` past ``limit`` steps."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def tick(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise Exhausted()


class Reasoner(BoxReasoning):
    """Reasoning over one rule base (see the module notes)."""

    def __init__(self, rules: Iterable[Rule], fields: FieldSet) -> None:
        self.rules = sorted(rules, key=lambda r: r.id)
        self.by_id = {r.id: r for r in self.rules}
        #: each rule's tests in written order, and the derived facts they test (read once: the checks ask often)
        self.tests: dict[str, list[Test]] = {r.id: r.tests() for r in self.rules}
        self.facts_used: dict[str, frozenset[str]] = {
            rule_id: frozenset(t.name for t in tests if t.kind == "fact") for rule_id, tests in self.tests.items()}
        self.domains = Domains(fields, self.rules, self.tests)
        self.derivers: dict[str, list[tuple[Rule, Any]]] = {}
        for rule in self.rules:
            for c in rule.then:
                if c.kind == "derive":
                    self.derivers.setdefault(c.target, []).append((rule, c.value))
        for entries in self.derivers.values():
            entries.sort(key=lambda e: (-e[0].priority, e[0].id))
        # fact -> (deriving rule, the bit of its value in the fact's domain), best priority first
        self._deriver_bits: dict[str, list[tuple[Rule, int]]] = {}
        for fact, entries in self.derivers.items():
            domain = self.domains.finite(("fact", fact))
            self._deriver_bits[fact] = [(rule, 1 << (domain.index(value) or 0)) for rule, value in entries]
        self._alternatives: dict[str, list[Alternative]] = {}
        self._fire: set[str] | None = None
        self._checked: dict[int, Reason | None] | None = None
        self._boxes: dict[tuple[str, int], State | None] = {}  # (fact, mask) -> box (None: allows nothing)
        self._negated: dict[str, State | None] = {}  # rule id -> box of the negation of its condition
        self._deep: dict[int, Reason | None] = {}
        #: derived fact -> (rule whose negated condition went over the cap, its size), see MAX_NEGATED_ALTERNATIVES
        self.capped: dict[str, tuple[str, int]] = {}

    # ------------------------------------------------------------------ states
    def conjoin(self, literals: Iterable[Literal]) -> tuple[State | None, Reason | None]:
        """The state of a conjunction of literals, or None and why it cannot hold."""
        literals = tuple(literals)
        state: State = {}
        for index, (positive, test) in enumerate(literals):
            subject = (test.kind, test.name)
            allowed = self.domains.literal(positive, test)
            before = state.get(subject)
            if before is not None:
                allowed = before & allowed if isinstance(allowed, int) else before.meet(allowed)
            if (allowed == 0) if isinstance(allowed, int) else allowed.empty:
                # the literals on this subject up to the one that emptied its set (reported last)
                involved = tuple(lit for lit in literals[:index + 1] if (lit[1].kind, lit[1].name) == subject)
                if subject[0] == "fact":
                    kind = "underived" if subject[1] not in self.derivers else "value"
                    return None, Reason(kind, subject, involved)
                domain = self.domains.finite(subject)
                numeric = domain is not None and self.domains.fields.get(subject[1]) is not None \
                    and self.domains.fields.get(subject[1]).is_numeric
                return None, Reason("range" if numeric else "contradiction", subject, involved)
            if not self.is_full(subject, allowed):  # states hold only real constraints
                state[subject] = allowed
        return state, None

    @staticmethod
    def meet(a: State, b: State) -> State | None:
        """The state allowing what both allow, or None when that is nothing."""
        if len(a) < len(b):
            a, b = b, a
        out = dict(a)
        for subject, allowed in b.items():
            before = out.get(subject)
            if before is None:
                out[subject] = allowed
                continue
            if isinstance(allowed, int):
                both = before & allowed
                if not both:
                    return None
            else:
                both = before.meet(allowed)
                if both.empty:
                    return None
            out[subject] = both
        return out

    def is_full(self, subject: Subject, allowed: int | ListSet) -> bool:
        """True when ``allowed`` is every value of the subject (no constraint at all)."""
        if isinstance(allowed, ListSet):
            return allowed.full
        return allowed == self.domains.full_mask(subject)

    @staticmethod
    def canonical(state: State) -> frozenset:
        """A key equal for states that allow the same values (states never hold a full set)."""
        return frozenset(state.items())

    @staticmethod
    def implies(a: State, b: State) -> bool:
        """True when every profile allowed by ``a`` is allowed by ``b`` (sound, not complete)."""
        for subject, allowed in b.items():
            mine = a.get(subject)
            if mine is None:
                return False  # b constrains what a leaves free
            if isinstance(allowed, int):
                if mine & ~allowed:
                    return False
            elif not mine.within(allowed):
                return False
        return True

    def needs(self, state: State) -> list[tuple[str, int]]:
        """The facts a state needs derived (its set for them excludes "not derived"), by name."""
        return sorted((s[1], m) for s, m in state.items() if s[0] == "fact" and not m & 1)

    # ------------------------------------------------------------------ rules
    def alternatives(self, rule: Rule) -> list[Alternative]:
        """The alternatives of the rule's condition, in DNF order."""
        found = self._alternatives.get(rule.id)
        if found is None:
            raw = raw_dnf(rule.when)
            found = []
            for literals in raw:
                state, reason = self.conjoin(literals)
                needs = tuple(self.needs(state)) if state is not None else ()
                found.append(Alternative(tuple(literals), state, reason, needs))
            self._alternatives[rule.id] = found
        return found

    def fireable(self, rule: Rule | str) -> bool:
        """Whether the rule can fire for some profile (over-approximated; False is certain)."""
        if self._fire is None:
            self._fire = self._fixpoint()
        return (rule if isinstance(rule, str) else rule.id) in self._fire

    def _fixpoint(self) -> set[str]:
        from advisor.errors import RuleFileError
        from advisor.kb import dependency_levels

        try:
            levels = dependency_levels(self.rules)
        except (RuleFileError, RecursionError):
            levels = {}
        order = sorted(self.rules, key=lambda r: (levels.get(r.id, 0), r.id))
        self._fire = set()
        changed = True
        while changed:
            changed = False
            for rule in order:
                if rule.id not in self._fire and any(self.check(alt) is None for alt in self.alternatives(rule)):
                    self._fire.add(rule.id)
                    changed = True
        self._checked = {}  # the fixpoint is reached: from now on check() results can be kept
        return self._fire

    def check(self, alt: Alternative) -> Reason | None:
        """None when the alternative can hold (facts followed one level, then through every level
        as boxes, see :meth:`deep_check`), else why not."""
        if alt.state is None:
            return alt.reason
        if not alt.needs:
            return self.deep_check(alt)
        if self._fire is None:  # the facts' derivers are judged by the fixpoint: reach it first
            self._fire = self._fixpoint()
        cache = self._checked
        if cache is not None and id(alt) in cache:
            return cache[id(alt)]
        reason = self._check(alt)
        if reason is None:
            reason = self.deep_check(alt)
        if cache is not None:
            cache[id(alt)] = reason
        return reason

    def _check(self, alt: Alternative) -> Reason | None:
        fire = self._fire
        for fact, mask in alt.needs:
            subject = ("fact", fact)
            derivers = self._deriver_bits.get(fact)
            if not derivers:
                return Reason("underived", subject, self._involved(alt, subject))
            candidates = [rule for rule, bit in derivers if mask & bit]
            if not candidates:
                return Reason("value", subject, self._involved(alt, subject))
            live = [rule for rule in candidates if rule.id in fire]
            if not live:
                return Reason("dead", subject, self._involved(alt, subject), tuple(sorted(r.id for r in candidates)))
            if not any(other.state is not None and self.meet(alt.state, other.state) is not None
                       for rule in live for other in self.alternatives(rule)):
                return Reason("clash", subject, self._involved(alt, subject), tuple(sorted(r.id for r in live)))
        return None

    @staticmethod
    def _involved(alt: Alternative, subject: Subject) -> tuple[Literal, ...]:
        return tuple(lit for lit in alt.literals if (lit[1].kind, lit[1].name) == subject)

    # ------------------------------------------------------------------ examples
    def expand(self, state: State, budget: Budget, resolved: frozenset = frozenset()) -> Iterator[State]:
        """States refining ``state`` in which each needed fact is replaced by the condition of
        one of its (live) derivers; raises :class:`Exhausted` when ``budget`` runs out."""
        pending = [(f, m) for f, m in self.needs(state) if f not in resolved]
        if not pending:
            yield state
            return
        fact, mask = pending[0]
        for rule, bit in self._deriver_bits.get(fact, []):
            if not mask & bit or not self.fireable(rule):
                continue
            for alt in self.alternatives(rule):
                if alt.state is None:
                    continue
                budget.tick()
                merged = self.meet(state, alt.state)
                if merged is not None:
                    yield from self.expand(merged, budget, resolved | {fact})

    def witness(self, state: State, prefer_absent: bool = True) -> dict[str, Any]:
        """A profile (field -> answer) allowed by ``state``; unconstrained fields stay unanswered."""
        profile: dict[str, Any] = {}
        for subject in sorted(s for s in state if s[0] == "field"):
            allowed = state[subject]
            name = subject[1]
            if isinstance(allowed, ListSet):
                value = allowed.pick(self.domains.list_order.get(name, {}), prefer_absent)
                if value is not None:
                    profile[name] = value
                continue
            domain = self.domains.finite(subject)
            members = domain.members(allowed)
            if prefer_absent and 0 in members:
                continue
            answered = [i for i in members if i]
            if answered:
                profile[name] = domain.values[answered[0]]
        return profile

    def examples(self, state: State, limit: int = 64) -> Iterator[dict[str, Any]]:
        """Candidate profiles for ``state``, facts expanded, at most ``limit`` search steps."""
        seen: set[str] = set()
        try:
            for expanded in self.expand(state, Budget(limit)):
                for prefer_absent in (True, False):
                    profile = self.witness(expanded, prefer_absent)
                    key = repr(sorted(profile.items()))
                    if key not in seen:
                        seen.add(key)
                        yield profile
        except Exhausted:
            return
