"""Derived facts in answers: each literal on a derived fact as one box of the answers it allows,
followed through every level of derivations (the notes of :mod:`advisor.audit.reasoning` say how).

Stage: audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from advisor.kb import All, Not, Rule, Test, count_alternatives, raw_dnf

from .domains import ListSet, Subject

if TYPE_CHECKING:
    from .reasoning import Alternative

__all__ = ["BoxReasoning", "MAX_NEGATED_ALTERNATIVES", "Reason", "describe_literal"]

State = dict
Literal = tuple[bool, Test]

#: ``not: {fact: X}`` is expanded through the negation of each deriver's condition; a negation of more
#: alternatives than this (``not`` of an ``any`` of ``all``s multiplies them) is not expanded: the
#: literal is then taken to allow every answer and the fact is reported as capped (A206).
MAX_NEGATED_ALTERNATIVES = 256


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


def describe_literal(literal: Literal) -> str:
    positive, test = literal
    text = test.describe()
    return text if positive else f"not ({text})"


class BoxReasoning:
    """The box methods of :class:`~advisor.audit.reasoning.Reasoner` (mixed into it)."""

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

