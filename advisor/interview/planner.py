"""The interview's logic: which questions matter, which come next, and why one matters.

No input or output here: :mod:`advisor.interview.state` keeps an interview's state
on top of this planner, and :mod:`advisor.commands.ask` runs the terminal loop.
Nothing is listed by hand: everything follows from the rules, the derived
facts, the catalog (which mistakes target which items) and the ``ask_if``
conditions of the knowledge base.

* **Advice** is what a report advises, item by item (:mod:`advisor.inference.outcomes`):
  each recommendation and its strength, each warning and its severity, each
  item not advised, each plan step and KPI - after conflicts are decided as
  :mod:`advisor.inference.conclude` decides them. **Ranks are not advice**: an answer
  that can only add a supporting rule, or raise an item's priority, may move
  it within its strength or severity (a plan step within its phase), but it
  never changes what is advised, how strongly or how severely, so it is not
  asked for. Notes, roles, sources, KPI targets and the record of a conflict
  say why and how, and are not advice either.
* **Advice rules** are the rules that conclude something a report shows
  (recommend, avoid, warn, step, kpi). Rules that only derive facts matter
  through the rules that test those facts.
* Every condition is evaluated **three-valued** over the answers so far. A
  test on an *open* field (not answered, not skipped, still applicable) is
  unknown; an answered field behaves as in the engine and a skipped or
  inapplicable one as unanswered. A derived fact is known once the rules
  that could set it are decided; while it is unknown, a test on it is still
  decided when every value the fact can still take gives the same outcome.
* An undecided condition **depends on** the open fields left after
  simplification (``all`` drops parts already true, ``any`` parts already
  false), following derived facts to the open fields of the rules that can
  still set them.
* An advice item is **settled** when every way the undecided rules could go
  gives it the same outcome; an undecided rule **can change** an unsettled
  item when one of its conclusions can still move what the item's outcome
  depends on (:mod:`advisor.inference.outcomes` has the details). The **stakes** of a
  field are the undecided rules depending on it that can change an unsettled
  item. A field with no stakes cannot change any advice, whatever the other
  open fields are answered: skipped.
* A field whose ``ask_if`` is false does not apply (it stays unanswered); one
  whose ``ask_if`` is unknown waits, and the fields it waits on inherit its
  stakes, so a question that only opens others is asked when they matter.
* **Order**: the interview stays in the current group while it has questions
  that matter, then moves to the group that can change the most advice items;
  inside a group the field that can change the most items comes first (then
  the most rules; ties: the question whose likely answer settles the most
  items, then the order of ``knowledge/fields.yaml``). The result depends only
  on the answers, so an interrupted interview resumes exactly where it stopped.

Each step re-evaluates every rule once, then the items. Each condition is
compiled once per planner into a closure (:mod:`advisor.interview.compiled`;
:meth:`Planner._status` is the readable statement of what it computes): an
assessment of a random profile takes about 0.4 ms for the shipped base (217
rules; 0.9 ms with nothing answered) and 4 ms at 2,000 generated rules (16 ms
with nothing answered); a tie between questions also assesses their likely
answers. Answers only ever decide conditions, never reopen them, and a settled
item stays settled, so a skipped question never becomes relevant again unless
an earlier answer is changed.

Stage: interview.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Collection, Mapping

from advisor.inference import ADVICE_KINDS, Item, OutcomeModel, test_holds
from advisor.interview.compiled import ABSENT as _ABSENT
from advisor.interview.compiled import compile_status
from advisor.kb import (
    All,
    Condition,
    FieldSet,
    KnowledgeBase,
    Not,
    Rule,
    Test,
    dependency_levels,
    iter_tests,
    market_of_answers,
    markets_of,
    rewrite_fields,
)

__all__ = ["ADVICE_KINDS", "Assessment", "Planner", "Stake"]

_EMPTY: dict[str, Any] = {}
_NOTHING: frozenset[str] = frozenset()
_UNSET = ((_ABSENT,), _NOTHING)  # a derived fact no rule can set

Status = bool | frozenset  # a decided outcome, or the open fields it still depends on


@dataclass(frozen=True)
class Assessment:
    """Where an interview stands: what is open, what no longer applies, what matters."""

    open: frozenset[str]  # fields not answered, not skipped and still applicable
    inapplicable: frozenset[str]  # unanswered fields whose ask_if is false
    stakes: Mapping[str, frozenset[str]]  # open field -> undecided rules it feeds that can change unsettled items
    askable: tuple[str, ...]  # open fields with stakes whose ask_if holds, in field order
    waiting: tuple[str, ...]  # open fields with stakes whose ask_if is still unknown
    decided: frozenset[str]  # advice rules already decided (fire or not, whatever is still open)
    answers: Mapping[str, Any] = field(default_factory=dict)  # what this assessment was made from
    skipped: frozenset[str] = frozenset()
    unsettled: frozenset[Item] = frozenset()  # advice items whose outcome the open fields can still change
    reach: Mapping[str, frozenset[Item]] = field(default_factory=dict)  # undecided rule -> unsettled items it changes

    def remaining(self) -> int:
        """How many more questions there will be at most (if every waiting one comes to apply)."""
        return len(self.askable) + len(self.waiting)


@dataclass(frozen=True)
class Stake:
    """One piece of advice an answer can still change: a conclusion kind and its catalog item."""

    kind: str
    item: str
    title: str


class Planner:
    """Evaluates a knowledge base's rules over partial answers to plan an interview."""

    def __init__(self, kb: KnowledgeBase) -> None:
        # the catalog, not the knowledge base: a planner kept on its base must not refer back to it
        # (a cycle keeps a dropped base alive until the collector's rare full collection)
        self.catalog = kb.catalog
        self.fields = kb.fields
        self.markets = markets_of(kb)
        self._worded: dict[tuple[str | None, str], FieldSet] = {}
        self.ask_if: dict[str, Condition] = dict(kb.ask_if)
        never = set(kb.compiled.never)  # rules whose condition can never hold
        derivers: dict[str, list[tuple[Rule, Any]]] = defaultdict(list)
        for rule in kb.rules.rules:
            for conclusion in rule.then:
                if conclusion.kind == "derive" and rule.id not in never:
                    derivers[conclusion.target].append((rule, conclusion.value))
        # levels with an explicit stack: a chain of thousands of derived facts would overflow a recursion
        levels = dependency_levels([rule for rule in kb.rules.rules if rule.id not in never])
        rules = sorted((r for r in kb.rules.rules if r.id not in never), key=lambda r: (levels[r.id], r.id))
        # the engine's resolution order: highest priority first, then the smallest rule id
        self._derivers = {fact: sorted(pairs, key=lambda p: (-p[0].priority, p[0].id))
                          for fact, pairs in derivers.items()}
        # rules level by level; after each level, the facts whose every deriver has run
        fact_level = {fact: max(levels[r.id] for r, _ in pairs) for fact, pairs in self._derivers.items()}
        by_level: dict[int, list[Rule]] = defaultdict(list)
        for rule in rules:
            by_level[levels[rule.id]].append(rule)
        self._plan = [(by_level[level], sorted(f for f, lv in fact_level.items() if lv == level))
                      for level in sorted(set(by_level) | set(fact_level.values()))]
        # each condition compiled once (advisor.interview.compiled); _status stays the readable statement
        self._gates = {name: compile_status(cond) for name, cond in self.ask_if.items()}
        self._compiled_plan = [([(rule.id, compile_status(rule.when)) for rule in level_rules],
                                [(fact, tuple((r.id, value, ((value,), _NOTHING)) for r, value in self._derivers[fact]))
                                 for fact in resolved])
                               for level_rules, resolved in self._plan]
        self._advice = [r for r in rules if any(c.kind in ADVICE_KINDS for c in r.then)]
        self._outcomes = OutcomeModel(self._advice, kb.catalog)
        self._advice_ids = tuple(r.id for r in self._advice)
        self._advice_set = frozenset(self._advice_ids)
        self._names = tuple(self.fields.names())
        self._order = {f.id: i for i, f in enumerate(self.fields.fields)}
        self._gates_use_facts = any(t.kind == "fact" for cond in self.ask_if.values() for t in iter_tests(cond))
        self._group_order = {g.id: i for i, g in enumerate(self.fields.groups)}

    # ------------------------------------------------------------------ evaluation

    def fields_for(self, answers: Mapping[str, Any]) -> FieldSet:
        """The fields with their questions and choices naming the platforms of the market ``answers`` name."""
        from advisor.i18n import current

        market = market_of_answers(answers, self.fields)
        key = (market, current())
        if key not in self._worded:
            markets = self.markets
            self._worded[key] = rewrite_fields(self.fields, lambda _k, _n, text: markets.fill(text, market, key[1]))
        return self._worded[key]

    def assess(self, answers: Mapping[str, Any], skipped: Collection[str] = ()) -> Assessment:
        """Evaluate every rule and ``ask_if`` over ``answers``; see the module notes."""
        open_fields, gates, evaluated = self._close(answers, skipped)
        status, _ = evaluated or self._evaluate(answers, open_fields)
        stakes: dict[str, set[str]] = defaultdict(set)
        fired: list[str] = []
        undecided: list[str] = []
        for rule_id in self._advice_ids:
            s = status[rule_id]
            if s is True:
                fired.append(rule_id)
            elif s is not False:
                undecided.append(rule_id)
        decided = self._advice_set.difference(undecided)
        unsettled, reach = self._outcomes.open_items(fired, undecided)
        for rule_id in reach:  # only rules that can change an unsettled item make a field matter
            for name in status[rule_id]:  # type: ignore[union-attr]
                stakes[name].add(rule_id)
        waiting_on = {name: s - {name} for name, s in gates.items() if isinstance(s, frozenset)}
        changed = True
        while changed:  # a question that opens another inherits what the other can change
            changed = False
            for name, deps in waiting_on.items():
                mine = stakes.get(name)
                if not mine:
                    continue
                for dep in deps:
                    if not mine <= stakes[dep]:
                        stakes[dep] |= mine
                        changed = True
        skipped = frozenset(skipped)
        askable: list[str] = []
        waiting: list[str] = []
        closed: list[str] = []
        for name in self._names:
            if name in open_fields:
                if stakes.get(name):
                    (waiting if name in waiting_on else askable).append(name)
            elif name not in answers and name not in skipped:
                closed.append(name)
        return Assessment(open_fields, frozenset(closed),
                          {k: frozenset(v) for k, v in sorted(stakes.items()) if v and k in open_fields},
                          tuple(askable), tuple(waiting), decided, dict(answers), skipped, unsettled, reach)

    def _close(self, answers: Mapping[str, Any], skipped: Collection[str]) -> tuple[frozenset[str], dict, Any]:
        """The open fields once every ``ask_if`` that is false has closed its field, and the gates' status.

        Closing one question can close those that depend on it, hence the
        loop. Derived facts are only evaluated when some ``ask_if`` tests one;
        the last evaluation is returned so :meth:`assess` need not repeat it.
        """
        known = set(answers) | set(skipped)
        closed: set[str] = set()
        while True:
            open_fields = frozenset(f for f in self._names if f not in known and f not in closed)
            evaluated = self._evaluate(answers, open_fields) if self._gates_use_facts else None
            facts = evaluated[1] if evaluated else _EMPTY
            gates = {name: status(answers, open_fields, facts)
                     for name, status in self._gates.items() if name in open_fields}
            newly = {name for name, s in gates.items() if s is False}
            if not newly:
                return open_fields, gates, evaluated
            closed |= newly

    def inapplicable_answers(self, answers: Mapping[str, Any], skipped: Collection[str] = ()) -> list[str]:
        """Answered or skipped fields whose ``ask_if`` is now false (after an answer changed)."""
        answers = dict(answers)
        skipped = set(skipped)
        dropped: list[str] = []
        while True:
            open_fields, _, evaluated = self._close(answers, skipped)
            facts = evaluated[1] if evaluated else _EMPTY
            gone = [name for name in self.fields.names() if (name in answers or name in skipped)
                    and name in self.ask_if
                    and self._gates[name](answers, open_fields, facts) is False]
            if not gone:
                return dropped
            for name in gone:
                answers.pop(name, None)
                skipped.discard(name)
                dropped.append(name)

    def _evaluate(self, answers: Mapping[str, Any], open_fields: frozenset[str]) -> tuple[dict[str, Status], dict]:
        """Every rule's status, and every derived fact's (possible values, open fields it depends on)."""
        status: dict[str, Status] = {}
        facts: dict[str, tuple[tuple[Any, ...], frozenset[str]]] = {}
        for rules, resolved in self._compiled_plan:
            for rule_id, compiled in rules:
                status[rule_id] = compiled(answers, open_fields, facts)
            for fact, derivers in resolved:  # the derivers in the engine's order: the first that fires wins
                entry = _UNSET  # no deriver can fire
                possible: list[Any] | None = None  # the values, once an undecided deriver comes first
                for rule_id, value, fires in derivers:
                    s = status[rule_id]
                    if s is False:
                        continue
                    if possible is None:
                        if s is True:
                            entry = fires  # decided: the first deriver that can fire does
                            break
                        possible, depends = [value], s
                    else:
                        possible.append(value)
                        if s is True:
                            break
                        depends = depends | s
                else:
                    if possible is not None:
                        possible.append(_ABSENT)
                facts[fact] = entry if possible is None else (tuple(possible), depends)
        return status, facts

    def _status(self, cond: Condition | None, answers: Mapping[str, Any], open_fields: frozenset[str],
                facts: Mapping[str, tuple[tuple[Any, ...], frozenset[str]]]) -> Status:
        """The three-valued status of ``cond``, interpreted: the readable statement of what the compiled
        closures (:mod:`advisor.interview.compiled`) compute; a property test keeps the two in step."""
        if cond is None:
            return True
        if isinstance(cond, Test):
            if cond.kind == "field":
                if cond.name in open_fields:
                    return frozenset((cond.name,))
                return test_holds(cond, answers, _EMPTY)  # type: ignore[arg-type]
            possible, depends = facts.get(cond.name, ((_ABSENT,), frozenset()))
            outcomes = {test_holds(cond, _EMPTY, {} if v is _ABSENT else {cond.name: v}) for v in possible}
            return outcomes.pop() if len(outcomes) == 1 else depends
        if isinstance(cond, Not):
            inner = self._status(cond.item, answers, open_fields, facts)
            return (not inner) if isinstance(inner, bool) else inner
        conjunction = isinstance(cond, All)
        pending: list[frozenset] = []
        for item in cond.items:
            s = self._status(item, answers, open_fields, facts)
            if isinstance(s, bool):
                if s is not conjunction:
                    return s  # a false part decides `all`, a true part decides `any`
            else:
                pending.append(s)
        return frozenset().union(*pending) if pending else conjunction

    # ------------------------------------------------------------------ planning

    def choose(self, assessment: Assessment, after: str | None = None) -> str | None:
        """The next field to ask, or None when no answer can change the advice any more."""
        pool = list(assessment.askable) or list(assessment.waiting[:1])  # [:1]: ask_if conditions in a cycle
        if not pool:
            return None
        items = {name: self.items_at_stake(name, assessment) for name in pool}
        # what a question can change: the advice items, then (a finer measure, fewer ties) the rules
        at_stake = {name: (len(items[name]), len(assessment.stakes[name])) for name in pool}
        settles: dict[str, int] = {}

        def settled(name: str) -> int:
            if name not in settles:
                settles[name] = self.settled_by_default(name, assessment)
            return settles[name]

        group_of = {name: self.fields.get(name).group for name in pool}  # type: ignore[union-attr]
        current = self.fields.get(after).group if after and after in self.fields else None  # type: ignore[union-attr]
        if current not in group_of.values():
            group_items: dict[str, set[Item]] = defaultdict(set)
            group_rules: dict[str, set[str]] = defaultdict(set)
            for name in pool:
                group_items[group_of[name]] |= items[name]
                group_rules[group_of[name]] |= assessment.stakes[name]
            weight = {g: (len(group_items[g]), len(group_rules[g])) for g in group_items}
            top = max(weight.values())
            tied = [g for g in weight if weight[g] == top]
            current = min(tied, key=lambda g: (-max(settled(n) for n in pool if group_of[n] == g) if len(tied) > 1
                                               else 0, self._group_order.get(g, 0)))
        members = [name for name in pool if group_of[name] == current]
        top = max(at_stake[name] for name in members)
        tied = [name for name in members if at_stake[name] == top]
        return min(tied, key=lambda name: (-settled(name) if len(tied) > 1 else 0, self._order[name]))

    def items_at_stake(self, name: str, assessment: Assessment) -> frozenset[Item]:
        """The unsettled advice items an answer to ``name`` can change (through the rules of its stakes)."""
        reach = assessment.reach
        return frozenset(item for rule_id in assessment.stakes.get(name, ()) for item in reach.get(rule_id, ()))

    def settled_by_default(self, name: str, assessment: Assessment) -> int:
        """How many of the items ``name`` can change its default answer (the likely one) would settle.

        Breaks ties between equally important questions: of two questions that
        each half-decide an item, the one whose likely answer settles it comes
        first, and the other is often no longer needed.
        """
        f = self.fields.get(name)
        if f is None or f.default is None:
            return 0
        value = list(f.default) if isinstance(f.default, tuple) else f.default
        after = self.assess({**assessment.answers, name: value}, assessment.skipped)
        return len(self.items_at_stake(name, assessment) - after.unsettled)

    def stakes_of(self, name: str, assessment: Assessment) -> list[Stake]:
        """The advice an answer to ``name`` can still change, as catalog items, in a stable order.

        ``avoid`` stands for the "not advised" list, which a warning can also
        put a recommended item on.
        """
        out = []
        for kind, target in self.items_at_stake(name, assessment):
            item = self.catalog.item(target)
            out.append(Stake(kind, target, item.name if item else target))
        return sorted(out, key=lambda s: (ADVICE_KINDS.index(s.kind), s.title.lower(), s.item))
