"""What if the profile were different: changed answers parsed from the command line, and two
runs compared.

Assumptions
-----------
* A comparison runs the engine on the profile as it is and as changed, and
  reports what entered or left each list of the report (recommendations,
  warnings, not advised, plan, KPIs) and each derived fact, with the rules
  responsible: rules that now fire or no longer fire (and the condition that
  decided it), or a disagreement decided the other way.
* Values are read by the field's type: choices by id, lists comma-separated,
  yes/no/true/false, numbers within the field's range.

The search for the smallest change that brings an item in is
:mod:`advisor.explain.changes`.

Stage: explain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from advisor.errors import InputError, close_matches
from advisor.i18n import _, current
from advisor.inference import Profile, choice_list, range_words
from advisor.kb import Field, KnowledgeBase, Rule
from advisor.report import level_word

from .analysis import Analysis, analyse
from .whynot import Misses
from .wording import word

__all__ = ["SECTIONS", "Difference", "Comparison", "parse_value", "parse_settings", "apply_changes", "compare",
           "whatif"]

#: report section -> the conclusion kind that fills it
SECTIONS = {"recommendations": "recommend", "warnings": "warn", "not_advised": "avoid", "plan": "step", "kpis": "kpi"}

_TRUE = {"yes", "y", "true", "t", "1", "on"}
_FALSE = {"no", "n", "false", "f", "0", "off"}


# --------------------------------------------------------------------------- parsing --set


def _bad(message: str, *, expected: str | None = None, suggestion: str | None = None) -> InputError:
    return InputError(message, code="E502", where="--set", expected=expected, suggestion=suggestion)


def parse_value(f: Field, text: str) -> Any:
    """An answer for field ``f`` from command-line text (lists comma-separated, yes/no, numbers).

    >>> from advisor.kb.fields import Field, Choice
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
        raise _bad(_("{field}={value}: not a yes/no value").format(field=f.id, value=repr(text)),
                   expected=_("yes, no, true or false"))
    if f.is_numeric:
        try:
            number = float(raw)
        except ValueError:
            raise _bad(_("{field}={value}: not a number").format(field=f.id, value=repr(text)),
                       expected=range_words(f, unit=False)) from None
        if f.type == "integer":
            if number != int(number):
                raise _bad(_("{field}={value}: not a whole number").format(field=f.id, value=repr(text)),
                           expected=_("a whole number"))
            number = int(number)
        if (f.minimum is not None and number < f.minimum) or (f.maximum is not None and number > f.maximum):
            raise _bad(_("{field}={value}: out of range").format(field=f.id, value=repr(text)), expected=range_words(f))
        return number
    allowed = f.choice_ids()
    values = [part.strip() for part in raw.split(",") if part.strip()] if f.type == "multi" else [raw]
    for value in values:
        if value not in allowed:
            near = close_matches(value, allowed, n=1)
            raise _bad(_("{field}={value}: not a choice of {field}").format(field=f.id, value=repr(value)),
                       expected=_("one of: {choices}").format(choices=choice_list(f)),
                       suggestion=near[0] if near else None)
    if f.type == "multi":
        if len(set(values)) != len(values):
            raise _bad(_("{field}={value}: a choice is listed twice").format(field=f.id, value=repr(text)),
                       expected=_("each choice once"))
        return values
    return values[0]


def _field(kb: KnowledgeBase, name: str, option: str) -> Field:
    f = kb.fields.get(name)
    if f is None:
        near = close_matches(name, kb.fields.names(), n=1)
        raise InputError(_("unknown field {name}").format(name=repr(name)), code="E502", where=option,
                         expected=_("a field of `advisor fields`"), suggestion=near[0] if near else None)
    return f


def parse_settings(kb: KnowledgeBase, sets: Iterable[str] = (), unsets: Iterable[str] = ()) -> dict[str, Any]:
    """``["price_level=high"]``, ``["seo"]`` -> ``{"price_level": "high", "seo": None}``."""
    changes: dict[str, Any] = {}
    for text in sets:
        name, sep, value = text.partition("=")
        if not sep:
            raise _bad(_("{text} has no '='").format(text=repr(text)), expected=_("FIELD=VALUE, e.g. price_level=high"))
        f = _field(kb, name.strip(), "--set")
        if f.id in changes:
            raise _bad(_("{field} is set twice").format(field=f.id), expected=_("each field once"))
        changes[f.id] = parse_value(f, value)
    for name in unsets:
        f = _field(kb, name.strip(), "--unset")
        if f.id in changes:
            raise InputError(_("{field} is both set and unset").format(field=f.id), code="E502", where="--unset",
                             expected=_("each field once"))
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
    relevant = [_("{condition} ({actual})").format(condition=c.text, actual=c.actual)
                for c in check.checks if c.subject in changed] or [c.text for c in check.checks]
    return _("; ").join(relevant) if relevant else _("it has no condition")


def _why_not(misses: Misses, rule: Rule) -> str:
    check = misses.check(rule)
    missing = check.missing()
    if not missing:
        return _("it lost a disagreement")
    return _("; ").join(_("{condition} (now {actual})").format(condition=c.text, actual=c.actual) for c in missing)


def _signature(run: Analysis, kind: str, item: str) -> tuple:
    """What ranks an item, apart from its neighbours: strength or severity, and priority."""
    supports = getattr(run.conclusions, kind).get(item, [])
    return tuple(sorted((s.rule_id, s.priority, s.conclusion.strength or "", s.conclusion.severity or "")
                        for s in supports))


def _state(run: Analysis, section: str, item: str) -> str:
    """The item as the report shows it: ``#2, essential``, ``#1, high``, a phase or a priority."""
    entry = next((e for e in run.advice[section] if e["id"] == item), None)
    if entry is None:
        return ""
    if section == "recommendations":
        return _("#{rank}, {strength}").format(rank=entry["rank"], strength=level_word(entry["strength"]))
    if section == "warnings":
        return _("#{rank}, {severity}").format(rank=entry["rank"], severity=level_word(entry["severity"]))
    if section == "plan":
        return _("phase {phase}").format(phase=level_word(entry["phase"]))
    return _("priority {priority}").format(priority=entry["priority"])


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
    new_misses = after.misses
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
                    reasons.append(_("{rule} no longer loses a disagreement (before: {reason})").format(
                        rule=rid, reason=decision.reason) if decision
                        else _("{rule} no longer loses a disagreement").format(rule=rid))
                else:
                    reasons.append(_("{rule} now fires: {why}").format(rule=rid, why=_why_fired(new_misses, rule,
                                                                                               changed)))
            for rid in sorted(old_rules - new_rules):
                rule = kb.rule(rid)
                rules.append(rid)
                if rid in after.fired:
                    decision = after.conclusions.overruled.get(f"{kind}:{item}")
                    reasons.append(_("{rule} still fires but is overruled: {reason}").format(
                        rule=rid, reason=decision.reason) if decision
                        else _("{rule} still fires but is overruled").format(rule=rid))
                else:
                    reasons.append(_("{rule} no longer fires: {why}").format(rule=rid, why=_why_not(new_misses, rule)))
            if not new_rules:
                change = "removed"
            elif not old_rules:
                change = "added"
            else:
                change = "changed"
                if not rules:
                    rules = sorted(new_rules)
                    reasons.append(_("the same rules, with a different strength or priority"))
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
            reasons = tuple(_("{rule} no longer fires: {why}").format(rule=rid, why=_why_not(new_misses, kb.rule(rid)))
                            for rid in rules
                            if kb.rule(rid) is not None and rid not in after.fired)
            change = "removed"
        else:
            rules = (new.rule_id,)
            reasons = (_("{rule} sets it: {why}").format(rule=new.rule_id,
                                                         why=_why_fired(new_misses, kb.rule(new.rule_id), changed)),)
            change = "added" if old is None else "changed"
        title = fact.replace("_", " ") if current() == "en" else fact  # other languages: the id, a word there
        out.append(Difference("derived_facts", fact, title, change,
                              word(old.value) if old else "", word(new.value) if new else "", tuple(rules), reasons))
    return Comparison(field_changes, tuple(out))


def whatif(kb: KnowledgeBase, profile: Profile, changes: dict[str, Any],
           before: Analysis | None = None) -> Comparison:
    """Compare ``profile`` with ``profile`` changed by ``changes``."""
    base = before if before is not None else analyse(kb, profile)
    return compare(base, analyse(kb, apply_changes(kb, profile, changes)))
