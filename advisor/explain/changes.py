"""The smallest change of answers that brings an item in, found by trying and verified by the engine.

Assumptions
-----------
* Single-field changes are tried first, then pairs, over the values that
  matter to the rules involved (:func:`candidate_values`: the choices the
  rules name plus one they do not, yes and no, each list choice the rules name
  added or removed, numbers just below, at and above each threshold). Pairs
  combine only changes that make an unmet condition hold, somewhere in the
  rules involved or the rules deriving the facts they need, or break a met
  condition of a rule that fired.
* Each candidate is screened by the plain-Python evaluator
  (:mod:`advisor.inference.reference`, about three times faster than the engine) over
  the rules that can decide the goal (for an item: the rules about it and
  about what stands in a disagreement with it, and the rules deriving the
  facts those test), and every change offered has then been verified by
  running the engine over every rule. The
  search stops after ``max_runs`` candidates. Removing an answer is never
  offered as a change.

Stage: explain.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from advisor.i18n import _
from advisor.inference import Derivation, Inference, Profile, ReferenceEvaluator
from advisor.inference import test_holds as _holds
from advisor.kb import Field, Firing, KnowledgeBase, Rule

from .analysis import Analysis, analyse
from .kbindex import KbIndex
from .whatif import SECTIONS
from .whynot import Misses
from .wording import word

__all__ = ["Change", "candidate_values", "search_changes"]


@dataclass(frozen=True)
class Change:
    """A verified change of answers that reaches a goal, and what else it would change."""

    settings: tuple[tuple[str, Any], ...]  # field, new value
    gained: tuple[str, ...]  # "section:item" that would also come in
    lost: tuple[str, ...]  # "section:item" that would leave

    def describe(self) -> str:
        return _(" and ").join(f"{name} = {word(value)}" for name, value in self.settings)


def _thresholds(f: Field, constants: Iterable[Any]) -> list[Any]:
    step: float = 1
    if f.type == "number" and f.minimum is not None and f.maximum is not None and f.maximum - f.minimum < 10:
        step = (f.maximum - f.minimum) / 100
    out = set()
    for c in constants:
        if isinstance(c, bool) or not isinstance(c, (int, float)):
            continue
        for value in (c - step, c, c + step):
            if f.type == "integer":
                value = int(round(value))
            if (f.minimum is None or value >= f.minimum) and (f.maximum is None or value <= f.maximum):
                out.add(value)
    return sorted(out)


def candidate_values(f: Field, rules: Iterable[Rule], current: Any) -> list[Any]:
    """The values of ``f`` worth trying, given the rules that test it (see the module notes)."""
    named: list[Any] = []
    for rule in rules:
        for test in rule.tests():
            if test.kind == "field" and test.name == f.id:
                values = test.value if isinstance(test.value, (list, tuple)) else [test.value]
                named.extend(v for v in values if v not in named)
    if f.type == "boolean":
        values: list[Any] = [True, False]
    elif f.is_numeric:
        values = _thresholds(f, named)
    elif f.type == "choice":
        order = f.choice_ids()
        values = [c for c in order if c in named]
        values += [c for c in order if c not in named][:1]  # one value no rule names
    else:
        have = list(current or [])
        values = []
        for choice in f.choice_ids():
            if choice in named:
                values.append([c for c in have if c != choice] if choice in have else have + [choice])
        if current is None:
            values.append([])
    return [v for v in values if v != current]


def _outcomes(run: Analysis) -> set[str]:
    return {f"{section}:{item}" for section, kind in SECTIONS.items() for item in getattr(run.conclusions, kind)}


def search_changes(before: Analysis, goal: Callable[[Analysis], bool], rules: Iterable[Rule], *,
                   max_runs: int = 400, limit: int = 3,
                   deciding: Iterable[Rule] | None = None) -> tuple[list[Change], int]:
    """The smallest verified changes of answers after which ``goal`` holds.

    Parameters
    ----------
    before : the run as it is.
    goal : tells whether a run reaches the goal (e.g. an item is recommended).
    rules : the rules whose conditions matter (those that would conclude the
        item, and those that stand against it); their fields and the fields
        behind the derived facts they test are searched.
    max_runs : changed profiles to try; the search stops there. Each is
        screened by the reference evaluator (:mod:`advisor.inference.reference`, about
        three times faster) and, if it reaches the goal there, verified by the
        engine.
    limit : how many changes to return.
    deciding : rules enough to decide ``goal`` (with every rule deriving a fact
        they test); screening then evaluates only these. None: every rule.

    Returns
    -------
    (changes, runs)
        Changes of one field if any works, else of two fields; ordered by how
        little else they change; and the number of changed profiles tried.
    """
    kb = before.kb
    rules = list(rules)
    misses = before.misses
    fields = sorted(misses.fields_behind(rules), key=lambda n: kb.fields.get(n).order if kb.fields.get(n) else 0)
    touching = KbIndex.of(kb).reading(fields)
    answers = before.answers
    singles: list[tuple[str, Any]] = []
    for name in fields:
        f = kb.fields.get(name)
        if f is not None:
            singles.extend((name, v) for v in candidate_values(f, touching, answers.get(name)))
    baseline = _outcomes(before)
    reference = _reference(kb) if deciding is None else ReferenceEvaluator(KbIndex.of(kb).with_derivers(deciding))
    runs = 0
    seen: set[str] = set()

    def attempt(settings: tuple[tuple[str, Any], ...]) -> Change | None:
        # screened by the plain-Python evaluator, then verified by the engine
        nonlocal runs
        key = repr(settings)
        if key in seen:
            return None
        seen.add(key)
        runs += 1
        changed = dict(answers)
        changed.update(settings)
        outcome = reference.run(changed)
        screened = Inference(tuple(Firing(rule_id, 0, ()) for rule_id in outcome.fired),
                             tuple(Derivation(f, v, "", ()) for f, v in sorted(outcome.derived.items())))
        if not goal(Analysis(kb, before.profile, screened)):
            return None
        run = analyse(kb, _profile(kb, before.profile, changed))
        if not goal(run):  # the evaluators disagree: trust the engine
            return None
        now = _outcomes(run)
        return Change(settings, tuple(sorted(now - baseline)), tuple(sorted(baseline - now)))

    found: list[Change] = []
    for name, value in singles:
        if runs >= max_runs:
            break
        hit = attempt(((name, value),))
        if hit is not None:
            found.append(hit)
    if not found:
        useful = _useful(misses, rules, singles)
        for (a, va), (b, vb) in itertools.combinations(useful, 2):
            if runs >= max_runs:
                break
            if a == b:
                continue
            pair = ((a, va), (b, vb))
            hit = attempt(tuple(sorted(pair, key=lambda p: _setting_key(kb, *p))))
            if hit is not None:
                found.append(hit)
    found.sort(key=lambda c: (len(c.settings), len(c.lost), sum(1 for name, _ in c.settings if name in answers),
                              [_setting_key(kb, name, value) for name, value in c.settings]))
    return found[:limit], runs


def _reference(kb: KnowledgeBase) -> Any:
    """The knowledge base's reference evaluator, built once."""
    found = kb.__dict__.get("_reference_evaluator")
    if found is None:
        found = ReferenceEvaluator(kb.rules)
        object.__setattr__(kb, "_reference_evaluator", found)
    return found


def _profile(kb: KnowledgeBase, base: Profile, answers: dict[str, Any]) -> Profile:
    """A profile of ``answers``, which hold only values the fields allow (the search makes them so)."""
    ordered = tuple((f.id, tuple(answers[f.id]) if f.type == "multi" else answers[f.id])
                    for f in kb.fields.fields if answers.get(f.id) is not None)
    return Profile(ordered, base.name, base.source)


def _setting_key(kb: KnowledgeBase, name: str, value: Any) -> tuple:
    """Field order, then the value's place among the field's choices (or the number itself)."""
    f = kb.fields.get(name)
    if f is None:
        return (0, 0, repr(value))
    if f.is_numeric:
        return (f.order, value, "")
    choices = f.choice_ids()
    values = value if isinstance(value, list) else [value]
    return (f.order, tuple(choices.index(v) if v in choices else len(choices) for v in values), repr(value))


def _useful(misses: Misses, rules: list[Rule], singles: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Single changes that make an unmet literal hold, in some rule involved (or a deriver of a fact
    one needs), or break a met literal of a rule that fired; the pair search combines these."""
    pending = list(rules)
    seen: set[str] = set()
    literals: list[tuple[bool, Any, bool]] = []  # positive, test, currently met
    while pending:
        rule = pending.pop()
        if rule.id in seen:
            continue
        seen.add(rule.id)
        for alternative in misses.alternatives(rule):
            for positive, test in alternative:
                check = misses.check_literal(positive, test)
                literals.append((positive, test, check.state == "met"))
                if test.kind == "fact":
                    pending.extend(misses.derivers(test.name))
    out = []
    for name, value in singles:
        trial = dict(misses.answers)
        trial[name] = value
        for positive, test, met in literals:
            if test.kind != "field" or test.name != name:
                continue
            if (_holds(test, trial, misses.derived) == positive) != met:
                out.append((name, value))
                break
    return out
