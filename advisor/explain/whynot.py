"""Why a rule did not fire: its conditions checked one by one, nearest miss first.

Assumptions
-----------
* A rule fires when one alternative of its condition in disjunctive normal
  form (:func:`advisor.kb.compiler.dnf`) holds; the *closest* alternative is the
  one that needs the fewest changes. Each literal of it is ``met``, ``failed``
  (the answer or derived fact says otherwise), ``unanswered`` (the field has no
  answer yet) or ``not_derived`` (a derived fact it needs does not hold).
* The cost of a literal is 0 when met, 1 for a field, and for a missing
  derived fact the cost of the cheapest rule that derives it (recursively;
  derived facts form no cycles, the loader refuses them). A derived fact that
  holds but must not costs 1. This is an estimate that orders explanations; the
  changes offered to a person are always verified by running the engine
  (:mod:`advisor.explain.whatif`).
* Literals are evaluated with the reference semantics
  (:func:`advisor.inference.reference.test_holds`) on the run's answers and derived facts.

Stage: explain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from advisor.i18n import _, ngettext
from advisor.inference import test_holds as _holds
from advisor.kb import KnowledgeBase, Rule, Test

from .kbindex import KbIndex
from .wording import word

__all__ = ["Check", "NearMiss", "Misses", "rules_concluding", "GOAL_KIND"]

#: catalog kind -> the conclusion kind that puts such an item in the report
GOAL_KIND = {"channel": "recommend", "tactic": "recommend", "mistake": "warn", "step": "step", "kpi": "kpi"}

_FAR = 99  # cost of a derived fact no rule can derive


@dataclass(frozen=True)
class Check:
    """One literal of a rule's closest alternative, checked against the profile."""

    positive: bool
    test: Test
    state: str  # met, failed, unanswered, not_derived
    actual: str  # the answer or derived value, in words
    text: str  # the literal in words
    cost: int

    @property
    def subject(self) -> str:
        return self.test.name


@dataclass(frozen=True)
class NearMiss:
    """A rule and how far it is from firing (0 when it fired)."""

    rule_id: str
    fired: bool
    checks: tuple[Check, ...]
    cost: int
    alternatives: int

    def missing(self) -> list[Check]:
        return [c for c in self.checks if c.state != "met"]

    def summary(self) -> str:
        """``fired``, or e.g. ``1 condition failed, 2 questions unanswered``."""
        if self.fired:
            return _("fired")
        if not self.checks:
            return _("its condition can never hold")
        counts = {state: sum(1 for c in self.checks if c.state == state)
                  for state in ("failed", "unanswered", "not_derived")}
        parts = []
        for state, n in counts.items():
            if n:
                parts.append(_count_words(state, n))
        return _(", ").join(parts)


def _count_words(state: str, n: int) -> str:
    """``2 conditions failed``, ``1 question unanswered``, ``1 derived fact missing``."""
    if state == "failed":
        return ngettext("{count} condition failed", "{count} conditions failed", n).format(count=n)
    if state == "unanswered":
        return ngettext("{count} question unanswered", "{count} questions unanswered", n).format(count=n)
    return ngettext("{count} derived fact missing", "{count} derived facts missing", n).format(count=n)


def rules_concluding(kb: KnowledgeBase, target: str, kinds: Iterable[str]) -> list[Rule]:
    """Rules with a conclusion of one of ``kinds`` about ``target`` (an item id or, for ``derive``, a fact)."""
    return KbIndex.of(kb).concluding(target, kinds)


class Misses:
    """Checks rules against one run's answers and derived facts (memoised per run)."""

    def __init__(self, kb: KnowledgeBase, answers: dict[str, Any], derived: dict[str, Any],
                 fired: set[str]) -> None:
        self.kb = kb
        self.answers = answers
        self.derived = derived
        self.fired = fired
        self._fact_cost: dict[str, int] = {}
        self._index = KbIndex.of(kb)
        self._checked: dict[str, tuple[Rule, NearMiss]] = {}

    def derivers(self, fact: str) -> list[Rule]:
        """The rules that derive ``fact`` (a table made once per knowledge base)."""
        return self._index.derivers(fact)

    def alternatives(self, rule: Rule) -> list:
        """The rule's condition in disjunctive normal form (:func:`advisor.kb.compiler.dnf`), made once."""
        return self._index.alternatives(rule)

    def check_literal(self, positive: bool, test: Test) -> Check:
        text = self._index.words(positive, test)
        source = self.answers if test.kind == "field" else self.derived
        actual = word(source.get(test.name))
        if _holds(test, self.answers, self.derived) == positive:
            return Check(positive, test, "met", actual, text, 0)
        if test.kind == "field":
            state = "failed" if test.name in self.answers else "unanswered"
            return Check(positive, test, state, actual, text, 1)
        if test.name in self.derived or not positive:
            return Check(positive, test, "failed", actual if test.name in self.derived else _("not derived"), text, 1)
        return Check(positive, test, "not_derived", _("not derived"), text, self.fact_cost(test.name))

    def fact_cost(self, fact: str) -> int:
        """Estimated changes needed before ``fact`` is derived (0 when it is)."""
        if fact in self.derived:
            return 0
        cost = self._fact_cost.get(fact)
        if cost is None:
            self._fact_cost[fact] = _FAR  # guards against a cycle the loader should have refused
            cost = min((self.check(rule).cost for rule in self.derivers(fact)), default=_FAR)
            self._fact_cost[fact] = max(cost, 1)
        return self._fact_cost[fact]

    def check(self, rule: Rule) -> NearMiss:
        """The rule's closest alternative, checked literal by literal (once per rule)."""
        found = self._checked.get(rule.id)
        if found is not None and found[0] is rule:
            return found[1]
        miss = self._check(rule)
        self._checked[rule.id] = (rule, miss)
        return miss

    def _check(self, rule: Rule) -> NearMiss:
        alternatives = self.alternatives(rule)
        if not alternatives:  # a condition that can never hold
            return NearMiss(rule.id, rule.id in self.fired, (), _FAR, 0)
        best: tuple | None = None
        for index, alternative in enumerate(alternatives):
            checks = tuple(self.check_literal(pos, test) for pos, test in alternative)
            cost = min(sum(c.cost for c in checks), _FAR)
            failed = sum(1 for c in checks if c.state == "failed")
            key = (cost, failed, index)
            if best is None or key < best[0]:
                best = (key, checks)
        assert best is not None
        (cost, _, _), checks = best
        return NearMiss(rule.id, rule.id in self.fired, checks, cost, len(alternatives))

    def nearest(self, rules: Iterable[Rule]) -> list[NearMiss]:
        """Every rule checked, nearest first (fired rules first, then by cost, unanswered before
        failed, higher priority, id)."""
        by_id = {r.id: r for r in rules}
        checked = [self.check(rule) for rule in by_id.values()]

        def key(miss: NearMiss) -> tuple:
            failed = sum(1 for c in miss.checks if c.state == "failed")
            return (not miss.fired, miss.cost, failed, -by_id[miss.rule_id].priority, miss.rule_id)

        return sorted(checked, key=key)

    def fields_behind(self, rules: Iterable[Rule]) -> set[str]:
        """The fields the rules test, directly or through the rules deriving the facts they test."""
        fields: set[str] = set()
        seen: set[str] = set()
        pending = list(rules)
        while pending:
            rule = pending.pop()
            if rule.id in seen:
                continue
            seen.add(rule.id)
            fields |= rule.fields_used()
            for fact in rule.facts_used():
                pending.extend(self.derivers(fact))
        return fields
