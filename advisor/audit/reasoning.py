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
from advisor.kb.conditions import count_alternatives
from advisor.kb.model import All, Not

from .domains import Domains, ListSet, Subject

__all__ = ["Literal", "State", "Alternative", "Reason", "Exhausted", "Budget", "Reasoner", "describe_literal",
           "MAX_NEGATED_ALTERNATIVES"]

#: ``not: {fact: X}`` is expanded through the negation of each deriver's condition; a negation of more
#: alternatives than this (``not`` of an ``any`` of ``all``s multiplies them) is not expanded: the
#: literal is then taken to allow every answer and the fact is reported as capped (A206).
MAX_NEGATED_ALTERNATIVES = 256

Literal = tuple[bool, Test]
State = dict  # Subject -> int mask | ListSet


@dataclass(frozen=True)
class Reason:
    """Why an alternative cannot hold.

    ``kind`` is ``range`` or ``contradiction`` (its own tests exclude each
    other on ``subject``), ``underived`` (a fact no rule derives), ``value``
    (no rule derives the fact with a value the test accepts), ``dead`` (the
    fact's derivers never fire), ``clash`` (they cannot fire together with
    the rest of the condition) or ``derived`` (followed through the levels of
    derived facts, the tests in ``literals`` - the smallest set found - allow
    no answers together; ``chain`` says, for each fact among them, what it
    needs in answers and through which rules).
    """

    kind: str
    subject: Subject
    literals: tuple[Literal, ...] = ()
    rules: tuple[str, ...] = ()
    chain: tuple[str, ...] = ()


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


def describe_literal(literal: Literal) -> str:
    positive, test = literal
    text = test.describe()
    return text if positive else f"not ({text})"


class Reasoner:
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

    # ------------------------------------------------------------------ boxes: facts in answers
    def union(self, a: State | None, b: State | None) -> State | None:
        """The smallest state holding both (None allows nothing); subjects only one constrains are dropped."""
        if a is None:
            return b
        if b is None:
            return a
        out: State = {}
        for subject, mine in a.items():
            theirs = b.get(subject)
            if theirs is None:
                continue
            if isinstance(mine, int):
                both = mine | theirs
            elif mine == theirs:
                both = mine
            else:
                continue  # a union of two list-answer sets is not one set: leave the subject free
            if not self.is_full(subject, both):
                out[subject] = both
        return out

    def box(self, fact: str, mask: int) -> State | None:
        """The answers for which the fact has a value in ``mask``, as one over-approximating state of
        fields only (None: no answers at all). Derivations are followed to any depth."""
        full = self.domains.full_mask(("fact", fact))
        mask &= full
        key = (fact, mask)
        if key in self._boxes:
            return self._boxes[key]
        if mask == full:
            return {}
        self._boxes[key] = {}  # while it is being built: a cycle gets "anything" (sound; A401 reports it)
        try:
            found = self._build_box(fact, mask)
        except RecursionError:
            found = {}
        self._boxes[key] = found
        return found

    def _build_box(self, fact: str, mask: int) -> State | None:
        derivers = self._deriver_bits.get(fact, [])
        if not derivers:
            return {} if mask & 1 else None
        out: State | None = None
        seen: set[str] = set()
        for rule, bit in derivers:
            if mask & bit and rule.id not in seen:
                seen.add(rule.id)
                for alt in self.alternatives(rule):
                    out = self.union(out, self.ground(alt.state))
                    if out == {}:
                        return out  # allows every answer already: nothing more can widen it
        if mask & 1:  # not derived: no deriver of another value fires
            none: State | None = {}
            for rule_id in sorted({rule.id for rule, bit in derivers if not mask & bit}):
                negated = self.negated_box(self.by_id[rule_id], fact)
                none = None if negated is None or none is None else self.meet(none, negated)
                if none is None:
                    break
            out = self.union(out, none)
        return out

    def negated_box(self, rule: Rule, fact: str = "") -> State | None:
        """The box of the answers for which the rule's condition does not hold."""
        size = count_alternatives(rule.when, negated=True) if rule.when is not None else 0
        if size > MAX_NEGATED_ALTERNATIVES and fact:
            self.capped.setdefault(fact, (rule.id, size))
        if rule.id in self._negated:
            return self._negated[rule.id]
        if rule.when is None:
            found: State | None = None
        elif isinstance(rule.when, All) and all(isinstance(t, Test) and t.kind == "field" for t in rule.when.items) \
                and len({t.name for t in rule.when.items}) > 1:
            found = {}  # not (a and b): not a, or not b - on two fields, that leaves every field free
        else:
            if size > MAX_NEGATED_ALTERNATIVES:
                found = {}
            else:
                found = None
                for literals in raw_dnf(Not(rule.when)):
                    state, _ = self.conjoin(literals)
                    found = self.union(found, self.ground(state))
                    if found == {}:
                        break  # allows every answer already
        self._negated[rule.id] = found
        return found

    def ground(self, state: State | None) -> State | None:
        """``state`` with each fact it constrains replaced by that fact's box (fields only)."""
        if state is None:
            return None
        out: State = {}
        facts = []
        for subject, allowed in state.items():
            if subject[0] == "fact":
                facts.append((subject[1], allowed))
            else:
                out[subject] = allowed
        for fact, mask in sorted(facts):
            found = self.box(fact, mask)
            if found is None:
                return None
            out = self.meet(out, found)
            if out is None:
                return None
        return out

    def deep_check(self, alt: Alternative) -> Reason | None:
        """None unless the alternative, its facts followed through every level, allows no answers;
        then the smallest clashing set of its tests and the derivations behind them."""
        if alt.state is None:
            return alt.reason
        if not any(s[0] == "fact" for s in alt.state):
            return None
        key = id(alt)
        if key in self._deep:
            return self._deep[key]
        reason = None
        if self.ground(alt.state) is None:
            core = self._core(alt.literals)
            facts = [lit for lit in core if lit[1].kind == "fact"]
            subject = (facts[0][1].kind, facts[0][1].name) if facts else (core[0][1].kind, core[0][1].name)
            chain, rules = self._chain(core)
            reason = Reason("derived", subject, core, rules, chain)
        self._deep[key] = reason
        return reason

    def _grounds_to_nothing(self, literals: Iterable[Literal]) -> bool:
        state, _ = self.conjoin(literals)
        return self.ground(state) is None

    def _core(self, literals: tuple[Literal, ...]) -> tuple[Literal, ...]:
        """A smallest set of the literals (none can be left out) that still allows no answers."""
        core = list(literals)
        index = 0
        while index < len(core):
            trial = core[:index] + core[index + 1:]
            if trial and self._grounds_to_nothing(trial):
                core = trial
            else:
                index += 1
        return tuple(core)

    def _chain(self, core: tuple[Literal, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """For each fact literal of the core: what it needs in answers (on the subjects the core's
        other literals test) and the rules it is derived through, level by level."""
        lines: list[str] = []
        rules: list[str] = []
        others: set[Subject] = set()
        for _, test in core:
            if test.kind == "field":
                others.add(("field", test.name))
        for positive, test in core:
            if test.kind != "fact":
                continue
            mask = self.domains.literal(positive, test)
            box = self.box(test.name, mask) or {}
            wanted = sorted(s for s in box if s in others) or sorted(box)
            needs = " and ".join(self.describe_allowed(s, box[s]) for s in wanted[:4]) or "no answers"
            lines.append(f"'{describe_literal((positive, test))}' needs {needs}")
            # the derivations it goes through, level by level (facts whose boxes constrain those subjects)
            todo, seen = [test.name], set()
            while todo and len(lines) < 12:
                fact = todo.pop(0)
                if fact in seen:
                    continue
                seen.add(fact)
                derivers = sorted({r.id for r, _ in self.derivers.get(fact, [])})
                if not derivers:
                    continue
                rules.extend(r for r in derivers if r not in rules)
                used = sorted({f for r in derivers for f in self.facts_used[r]})
                text = f"{fact!r} is derived by {', '.join(derivers)}"
                if used:
                    text += f", which test {', '.join(repr(f) for f in used)}"
                lines.append(text)
                for f in used:
                    sub = self.box(f, self.domains.full_mask(("fact", f)) & ~1) or {}
                    if any(s in sub for s in wanted):
                        todo.append(f)
        return tuple(lines), tuple(rules)

    def describe_allowed(self, subject: Subject, allowed: int | ListSet) -> str:
        """What a set of a subject's values allows, in words (``price_level is low or medium``)."""
        if isinstance(allowed, ListSet):
            return allowed.describe(subject[1])
        domain = self.domains.finite(subject)
        return f"{subject[1]} is {domain.describe(allowed)}"

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
