"""What if the profile were different: compare two runs, and search for the smallest
change of answers that brings an item in.

Assumptions
-----------
* A comparison runs the engine on the profile as it is and as changed, and
  reports what entered or left each list of the report (recommendations,
  warnings, not advised, plan, KPIs) and each derived fact, with the rules
  responsible: rules that now fire or no longer fire (and the condition that
  decided it), or a disagreement decided the other way.
* The change search tries single-field changes first, then pairs, over the
  values that matter to the rules involved (choices the rules name plus one
  they do not, both yes/no, each list choice added or removed, numbers just
  below, at and above each threshold the rules use). Every change offered has
  been verified by running the engine; the search stops after ``max_runs``
  runs. Removing an answer is never offered as a change.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from .analysis import Analysis, analyse
from .engine import Derivation, Inference
from .errors import InputError, close_matches
from .fields import Field
from .graph import word
from .kb import KnowledgeBase
from .model import Firing, Rule
from .profile import Profile
from .reference import test_holds as _holds
from .whynot import Misses

__all__ = ["SECTIONS", "Difference", "Comparison", "Change", "parse_value", "parse_settings", "apply_changes",
           "compare", "whatif", "search_changes", "candidate_values"]

#: report section -> the conclusion kind that fills it
SECTIONS = {"recommendations": "recommend", "warnings": "warn", "not_advised": "avoid", "plan": "step", "kpis": "kpi"}

_TRUE = {"yes", "y", "true", "t", "1", "on"}
_FALSE = {"no", "n", "false", "f", "0", "off"}


# --------------------------------------------------------------------------- parsing --set


def _bad(message: str, *, expected: str | None = None, suggestion: str | None = None) -> InputError:
    return InputError(message, code="E502", where="--set", expected=expected, suggestion=suggestion)


def parse_value(f: Field, text: str) -> Any:
    """An answer for field ``f`` from command-line text (lists comma-separated, yes/no, numbers).

    >>> from advisor.fields import Field, Choice
    >>> stores = Field("offline", "multi", "g", "Offline", "", "", choices=(Choice("shops", "S"), Choice("phone", "P")))
    >>> parse_value(stores, "shops, phone")
    ['shops', 'phone']
    >>> parse_value(Field("viral", "boolean", "g", "Viral", "", ""), "Yes")
    True
    """
    raw = text.strip()
    if f.type == "boolean":
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise _bad(f"{f.id}={text!r}: not a yes/no value", expected="yes, no, true or false")
    if f.is_numeric:
        try:
            number = float(raw)
        except ValueError:
            raise _bad(f"{f.id}={text!r}: not a number",
                       expected=f"a number from {f.minimum:g} to {f.maximum:g}") from None
        if f.type == "integer":
            if number != int(number):
                raise _bad(f"{f.id}={text!r}: not a whole number", expected="a whole number")
            number = int(number)
        if (f.minimum is not None and number < f.minimum) or (f.maximum is not None and number > f.maximum):
            raise _bad(f"{f.id}={text!r}: out of range", expected=f"a number from {f.minimum:g} to {f.maximum:g}"
                       + (f" ({f.unit})" if f.unit else ""))
        return number
    allowed = f.choice_ids()
    values = [part.strip() for part in raw.split(",") if part.strip()] if f.type == "multi" else [raw]
    for value in values:
        if value not in allowed:
            near = close_matches(value, allowed, n=1)
            raise _bad(f"{f.id}={value!r}: not a choice of {f.id}", expected="one of: " + ", ".join(allowed),
                       suggestion=near[0] if near else None)
    if f.type == "multi":
        if len(set(values)) != len(values):
            raise _bad(f"{f.id}={text!r}: a choice is listed twice", expected="each choice once")
        return values
    return values[0]


def _field(kb: KnowledgeBase, name: str, option: str) -> Field:
    f = kb.fields.get(name)
    if f is None:
        near = close_matches(name, kb.fields.names(), n=1)
        raise InputError(f"unknown field {name!r}", code="E502", where=option,
                         expected="a field of `advisor fields`", suggestion=near[0] if near else None)
    return f


def parse_settings(kb: KnowledgeBase, sets: Iterable[str] = (), unsets: Iterable[str] = ()) -> dict[str, Any]:
    """``["price_level=high"]``, ``["seo"]`` -> ``{"price_level": "high", "seo": None}``."""
    changes: dict[str, Any] = {}
    for text in sets:
        name, sep, value = text.partition("=")
        if not sep:
            raise _bad(f"{text!r} has no '='", expected="FIELD=VALUE, e.g. price_level=high")
        f = _field(kb, name.strip(), "--set")
        if f.id in changes:
            raise _bad(f"{f.id} is set twice", expected="each field once")
        changes[f.id] = parse_value(f, value)
    for name in unsets:
        f = _field(kb, name.strip(), "--unset")
        if f.id in changes:
            raise InputError(f"{f.id} is both set and unset", code="E502", where="--unset",
                             expected="each field once")
        changes[f.id] = None
    return changes


def apply_changes(kb: KnowledgeBase, profile: Profile, changes: dict[str, Any]) -> Profile:
    """``profile`` with ``changes`` applied (None removes an answer), validated."""
    return profile.with_answers(changes, kb.fields)


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Difference:
    """One item or derived fact that differs between two runs, and the rules responsible."""

    section: str  # a key of SECTIONS, or "derived_facts"
    item: str
    title: str
    change: str  # added, removed, changed
    before: str
    after: str
    rules: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """What changing some answers changes."""

    changes: tuple[tuple[str, Any, Any], ...]  # field, before, after (None: unanswered)
    differences: tuple[Difference, ...]

    def by_section(self, section: str) -> list[Difference]:
        return [d for d in self.differences if d.section == section]


def _why_fired(misses: Misses, rule: Rule, changed: set[str]) -> str:
    """The met conditions of a rule that involve what changed, in words."""
    check = misses.check(rule)
    relevant = [c.text + f" ({c.actual})" for c in check.checks if c.subject in changed] or \
               [c.text for c in check.checks]
    return "; ".join(relevant) if relevant else "it has no condition"


def _why_not(misses: Misses, rule: Rule) -> str:
    check = misses.check(rule)
    missing = check.missing()
    if not missing:
        return "it lost a disagreement"
    return "; ".join(f"{c.text} (now {c.actual})" for c in missing)


def _signature(run: Analysis, kind: str, item: str) -> tuple:
    """What ranks an item, apart from its neighbours: strength or severity, and priority."""
    supports = getattr(run.conclusions, kind).get(item, [])
    return tuple(sorted((s.rule_id, s.priority, s.conclusion.strength or "", s.conclusion.severity or "")
                        for s in supports))


def _state(run: Analysis, section: str, item: str) -> str:
    """The item as the report shows it: ``#2, essential``, ``#1, high``, a phase or a priority."""
    entry = next((e for e in run.report[section] if e["id"] == item), None)
    if entry is None:
        return ""
    if section == "recommendations":
        return f"#{entry['rank']}, {entry['strength']}"
    if section == "warnings":
        return f"#{entry['rank']}, {entry['severity']}"
    if section == "plan":
        return f"phase {entry['phase']}"
    return f"priority {entry['priority']}"


def compare(before: Analysis, after: Analysis) -> Comparison:
    """The differences between two runs of the same knowledge base."""
    kb = after.kb
    old_answers, new_answers = before.answers, after.answers
    changed_fields = sorted(set(old_answers) | set(new_answers),
                            key=lambda n: (kb.fields.get(n).order if kb.fields.get(n) else 0, n))
    field_changes = tuple((name, old_answers.get(name), new_answers.get(name)) for name in changed_fields
                          if old_answers.get(name) != new_answers.get(name))
    changed = {name for name, _, _ in field_changes}
    changed |= {f for f in set(before.derived) | set(after.derived) if before.derived.get(f) != after.derived.get(f)}
    new_misses = Misses(kb, new_answers, after.derived, after.fired)
    out: list[Difference] = []
    for section, kind in SECTIONS.items():
        old_table, new_table = getattr(before.conclusions, kind), getattr(after.conclusions, kind)
        for item in sorted(set(old_table) | set(new_table)):
            entry = kb.catalog.item(item)
            title = entry.name if entry else item
            old_rules = {s.rule_id for s in old_table.get(item, [])}
            new_rules = {s.rule_id for s in new_table.get(item, [])}
            if old_rules == new_rules and _signature(before, kind, item) == _signature(after, kind, item):
                continue
            rules: list[str] = []
            reasons: list[str] = []
            for rid in sorted(new_rules - old_rules):
                rule = kb.rule(rid)
                rules.append(rid)
                if rid in before.fired:  # it fired before but lost a disagreement then
                    decision = before.conclusions.overruled.get(f"{kind}:{item}")
                    reasons.append(f"{rid} no longer loses a disagreement"
                                   + (f" (before: {decision.reason})" if decision else ""))
                else:
                    reasons.append(f"{rid} now fires: {_why_fired(new_misses, rule, changed)}")
            for rid in sorted(old_rules - new_rules):
                rule = kb.rule(rid)
                rules.append(rid)
                if rid in after.fired:
                    decision = after.conclusions.overruled.get(f"{kind}:{item}")
                    reasons.append(f"{rid} still fires but is overruled"
                                   + (f": {decision.reason}" if decision else ""))
                else:
                    reasons.append(f"{rid} no longer fires: {_why_not(new_misses, rule)}")
            if not new_rules:
                change = "removed"
            elif not old_rules:
                change = "added"
            else:
                change = "changed"
                if not rules:
                    rules = sorted(new_rules)
                    reasons.append("the same rules, with a different strength or priority")
            out.append(Difference(section, item, title, change, _state(before, section, item),
                                  _state(after, section, item), tuple(rules), tuple(reasons)))
    old_facts = {d.fact: d for d in before.inference.derived}
    new_facts = {d.fact: d for d in after.inference.derived}
    for fact in sorted(set(old_facts) | set(new_facts)):
        old, new = old_facts.get(fact), new_facts.get(fact)
        if old is not None and new is not None and old.value == new.value and type(old.value) is type(new.value):
            continue
        if new is None:
            assert old is not None
            rules = old.supporters
            reasons = tuple(f"{rid} no longer fires: {_why_not(new_misses, kb.rule(rid))}" for rid in rules
                            if kb.rule(rid) is not None and rid not in after.fired)
            change = "removed"
        else:
            rules = (new.rule_id,)
            reasons = (f"{new.rule_id} sets it: {_why_fired(new_misses, kb.rule(new.rule_id), changed)}",)
            change = "added" if old is None else "changed"
        out.append(Difference("derived_facts", fact, fact.replace("_", " "), change,
                              word(old.value) if old else "", word(new.value) if new else "", tuple(rules), reasons))
    return Comparison(field_changes, tuple(out))


def whatif(kb: KnowledgeBase, profile: Profile, changes: dict[str, Any],
           before: Analysis | None = None) -> Comparison:
    """Compare ``profile`` with ``profile`` changed by ``changes``."""
    base = before if before is not None else analyse(kb, profile)
    return compare(base, analyse(kb, apply_changes(kb, profile, changes)))


# --------------------------------------------------------------------------- searching


@dataclass(frozen=True)
class Change:
    """A verified change of answers that reaches a goal, and what else it would change."""

    settings: tuple[tuple[str, Any], ...]  # field, new value
    gained: tuple[str, ...]  # "section:item" that would also come in
    lost: tuple[str, ...]  # "section:item" that would leave

    def describe(self) -> str:
        return " and ".join(f"{name} = {word(value)}" for name, value in self.settings)


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
                   max_runs: int = 400, limit: int = 3) -> tuple[list[Change], int]:
    """The smallest verified changes of answers after which ``goal`` holds.

    Parameters
    ----------
    before : the run as it is.
    goal : tells whether a run reaches the goal (e.g. an item is recommended).
    rules : the rules whose conditions matter (those that would conclude the
        item, and those that stand against it); their fields and the fields
        behind the derived facts they test are searched.
    max_runs : changed profiles to try; the search stops there. Each is
        screened by the reference evaluator (:mod:`advisor.reference`, about
        three times faster) and, if it reaches the goal there, verified by the
        engine.
    limit : how many changes to return.

    Returns
    -------
    (changes, runs)
        Changes of one field if any works, else of two fields; ordered by how
        little else they change; and the number of changed profiles tried.
    """
    kb = before.kb
    rules = list(rules)
    misses = Misses(kb, before.answers, before.derived, before.fired)
    fields = sorted(misses.fields_behind(rules), key=lambda n: kb.fields.get(n).order if kb.fields.get(n) else 0)
    touching = [r for r in kb.rules.rules if r.fields_used() & set(fields)]
    answers = before.answers
    singles: list[tuple[str, Any]] = []
    for name in fields:
        f = kb.fields.get(name)
        if f is not None:
            singles.extend((name, v) for v in candidate_values(f, touching, answers.get(name)))
    baseline = _outcomes(before)
    reference = _reference(kb)
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
    from .reference import ReferenceEvaluator

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
