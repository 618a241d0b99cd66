"""Which pieces of advice are still open while some rules are undecided, and which rules can change them.

The interview (:mod:`advisor.interview.planner`) asks a question only when its
answer can change the *report*, not merely which rules fire. This module
models the report's outcome for every advice item exactly as
:mod:`advisor.inference.conclude` and :mod:`advisor.report.build` decide it, from the
conclusions of the rules (nothing is listed by hand):

* ``recommend X``: left out, or kept with its strength. Depends on *for X*
  (+), *strength of X* (+) and *against X* (-).
* ``avoid X`` (the "not advised" list): X on it or not. Depends on *avoided
  X* (+), *warned X* (+), *against X* (+) and *for X* (either way: it puts a
  warned item on the list and, winning, takes it off).
* ``warn M``: left out, or kept with its severity. Depends on *severity of M*
  (+) and, for each item X that M targets, *for X* (-) and *against X* (+).
* ``step S``, ``kpi K``: present or not. Depends on whether a rule concluding
  it fires (+).

Each **feature** is a maximum over the rules that fire: *for X* the highest
priority of a rule recommending X, *strength of X* the highest strength among
them, *against X* the highest priority of a rule avoiding X or warning of a
mistake whose catalog entry ``targets`` X, *avoided*/*warned X* whether any
such rule fires, *severity of M* the highest severity of a warning of M. A
recommendation stands when *for X* > *against X* (caution wins ties), and then
withdraws the warnings that target X; "not advised" holds X when it is avoided,
or recommended and warned of, and the recommendation does not stand.

Given the rules already fired and those still undecided, each feature lies
between *low* (the fired rules only) and *high* (every undecided rule fires
too). An item is **settled** when its outcome is the same at every point of
that box: the outcome is monotone in each feature marked ``+`` or ``-``, so the
two opposite corners decide, and the one feature that acts both ways (*for X*
on "not advised") is tried at each value it can take. Treating the rules as
independent only widens the box, so "settled" is never wrong; at worst a
question is asked that, by a coincidence of the rules, could not matter.

An undecided rule **can change** an open item only when one of its
conclusions would raise a feature the item depends on above *low*: a rule
recommending X at a priority and strength some fired rule already reaches
adds a supporting rule and changes nothing.

Ranks, supporting-rule lists, notes, roles, sources and KPI targets are not
outcomes: they say why and how, not what is advised (see
:mod:`advisor.interview.planner`).

Stage: inference.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from advisor.kb import SEVERITIES, STRENGTHS, Rule

__all__ = ["Item", "OutcomeModel", "ADVICE_KINDS"]

#: Kinds of advice item, in the order explanations list them; ``avoid`` is the "not advised" list.
ADVICE_KINDS = ("recommend", "avoid", "warn", "step", "kpi")

Item = tuple[str, str]  # (kind of ADVICE_KINDS, catalog id)
Vector = list[float]  # a value per feature

_NONE = float("-inf")  # a feature no fired rule contributes to
_ONE = 1  # the value of a "does any rule fire" feature


class OutcomeModel:
    """The advice items of a rule base, the features their outcomes depend on, and each rule's contributions.

    Features are numbered; an assessment fills two vectors (*low*, *high*) and
    decides each item from a few entries of them, so that it stays cheap with
    thousands of rules.
    """

    def __init__(self, rules: Iterable[Rule], catalog: Any) -> None:
        index: dict[tuple[str, str], int] = {}

        def feature(kind: str, target: str) -> int:
            return index.setdefault((kind, target), len(index))

        targets_of: dict[str, tuple[str, ...]] = {}

        def targets(mistake: str) -> tuple[str, ...]:
            if mistake not in targets_of:
                entry = catalog.item(mistake)
                targets_of[mistake] = tuple(dict.fromkeys(entry.get("targets", ()) if entry else ()))
            return targets_of[mistake]

        found: dict[str, set[str]] = {kind: set() for kind in ADVICE_KINDS}
        self._contrib: dict[str, tuple[tuple[int, float], ...]] = {}
        for rule in rules:
            out: list[tuple[int, float]] = []
            for c in rule.then:
                if c.kind not in found:
                    continue
                found[c.kind].add(c.target)
                if c.kind == "recommend":
                    out += [(feature("for", c.target), rule.priority),
                            (feature("strength", c.target), STRENGTHS[c.strength or "moderate"])]
                elif c.kind == "avoid":
                    out += [(feature("against", c.target), rule.priority), (feature("avoided", c.target), _ONE)]
                elif c.kind == "warn":
                    entry = catalog.item(c.target)
                    default = entry.get("severity", "medium") if entry else "medium"
                    out.append((feature("severity", c.target), SEVERITIES[c.severity or default]))
                    for x in targets(c.target):
                        out += [(feature("against", x), rule.priority), (feature("warned", x), _ONE)]
                else:  # step, kpi
                    out.append((feature(c.kind, c.target), _ONE))
            if out:
                best: dict[int, float] = {}
                for f, value in out:  # one rule, one contribution per feature: its highest
                    best[f] = max(value, best.get(f, _NONE))
                self._contrib[rule.id] = tuple(sorted(best.items()))
        recommended, warned = found["recommend"], found["warn"]
        warned_of = {x for m in warned for x in targets(m)}

        # item -> (how its outcome is decided, the features it reads)
        self._items: dict[Item, tuple[Callable[..., bool], tuple[Any, ...]]] = {}
        for x in sorted(recommended):
            self._items[("recommend", x)] = (_recommendation_settled, (
                feature("for", x), feature("strength", x), feature("against", x)))
        for x in sorted(found["avoid"] | (recommended & warned_of)):
            self._items[("avoid", x)] = (_not_advised_settled, (
                feature("for", x), feature("against", x), feature("avoided", x), feature("warned", x)))
        for m in sorted(warned):
            self._items[("warn", m)] = (_warning_settled, (
                feature("severity", m), tuple((feature("for", x), feature("against", x)) for x in targets(m))))
        for kind in ("step", "kpi"):
            for s in sorted(found[kind]):
                self._items[(kind, s)] = (_presence_settled, (feature(kind, s),))
        self._size = len(index)
        self._items_of: list[list[Item]] = [[] for _ in range(self._size)]
        for item, (_, features) in self._items.items():
            for f in _flat(features):
                if item not in self._items_of[f]:
                    self._items_of[f].append(item)
        self._item_sets = [frozenset(items) for items in self._items_of]
        self._blank: Vector = [_NONE] * self._size

    def items(self) -> list[Item]:
        """Every advice item some rule can conclude, in a stable order."""
        return list(self._items)

    def open_items(self, fired: Iterable[str],
                   undecided: Iterable[str]) -> tuple[frozenset[Item], dict[str, frozenset[Item]]]:
        """The items not yet settled, and for each undecided rule the open items it can change.

        ``fired``: rule ids that fire whatever the open answers are; ``undecided``:
        rule ids that may or may not fire; every other rule does not fire.
        """
        low = self._blank.copy()
        contrib = self._contrib
        for rule_id in fired:
            for f, value in contrib.get(rule_id, ()):
                if value > low[f]:
                    low[f] = value
        high = low.copy()
        above: dict[int, set[float]] = {}  # values above `low` that undecided rules bring
        raising: list[tuple[str, list[int]]] = []  # undecided rule -> the features it would raise above `low`
        for rule_id in undecided:
            raised = []
            for f, value in contrib.get(rule_id, ()):
                if value > low[f]:
                    raised.append(f)
                    values = above.get(f)
                    if values is None:
                        above[f] = {value}
                    else:
                        values.add(value)
                    if value > high[f]:
                        high[f] = value
            if raised:
                raising.append((rule_id, raised))
        items, items_of = self._items, self._items_of
        candidates = {item for f in above for item in items_of[f]}
        unsettled = frozenset(item for item in candidates if not items[item][0](low, high, above, *items[item][1]))
        reach: dict[str, frozenset[Item]] = {}
        if unsettled:
            item_sets = self._item_sets
            open_of: dict[int, frozenset[Item]] = {}  # feature -> the unsettled items reading it
            for rule_id, raised in raising:
                changed = None
                for f in raised:
                    mine = open_of.get(f)
                    if mine is None:
                        mine = open_of[f] = item_sets[f] & unsettled
                    changed = mine if changed is None else changed | mine
                if changed:
                    reach[rule_id] = changed
        return unsettled, reach


def _flat(features: tuple[Any, ...]) -> Iterable[int]:
    for f in features:
        if isinstance(f, tuple):
            yield from _flat(f)
        else:
            yield f


# --------------------------------------------------------------------------- outcomes, as conclude.py decides them
#
# Each function is given the *low* and *high* vectors and says whether the item's
# outcome is the same over the whole box between them: it computes the outcome at
# the corner that makes it least and at the one that makes it most.


def _recommendation_settled(low: Vector, high: Vector, above: Any, for_: int, strength: int, against: int) -> bool:
    # the outcome is the strength if "for" beats "against" (caution wins ties), else left out (None)
    least = low[strength] if low[for_] > high[against] else None
    most = high[strength] if high[for_] > low[against] else None
    return least == most


def _not_advised_settled(low: Vector, high: Vector, above: Mapping[int, set[float]], for_: int, against: int,
                         avoided: int, warned: int) -> bool:
    def outcome(f: float, a: float, avoid: float, warn: float) -> bool:
        opposed = avoid > _NONE or (f > _NONE and warn > _NONE)  # avoided, or recommended and warned of
        return opposed and not f > a  # ...and the recommendation, if any, does not stand

    # "for X" acts both ways here (it puts a warned item on the list and takes it off): try each value it can take
    seen = set()
    for f in {low[for_], *above.get(for_, ())}:
        seen.add(outcome(f, low[against], low[avoided], low[warned]))
        seen.add(outcome(f, high[against], high[avoided], high[warned]))
        if len(seen) > 1:
            return False
    return True


def _warning_settled(low: Vector, high: Vector, above: Any, severity: int,
                     targets: tuple[tuple[int, int], ...]) -> bool:
    # the outcome is the severity unless no rule warns or a recommendation withdraws it (None)
    least = most = None
    sev = low[severity]
    if sev != _NONE:
        for f, a in targets:
            if high[f] > low[a]:  # a recommendation beats it
                break
        else:
            least = sev
    sev = high[severity]
    if sev != _NONE:
        for f, a in targets:
            if low[f] > high[a]:
                break
        else:
            most = sev
    return least == most


def _presence_settled(low: Vector, high: Vector, above: Any, feature: int) -> bool:
    return (low[feature] > _NONE) == (high[feature] > _NONE)
