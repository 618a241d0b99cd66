"""What a firing matched: the answers and derived facts a fired rule read, each with the conditions it met.

The engine reports, per firing, the facts each match used (``answer:price_level``,
``member:offline_channels=dealers``, ``derived:premium``). A positive test
binds such a fact; a negated test binds nothing, so the engine cannot name
what was absent. For the alternatives of the rule's condition the engine
matched, every test is put in words and linked to the answer or derived fact
it reads - negated tests evaluated on the same answers (the reference
semantics, :func:`advisor.inference.reference.test_holds`). This annotates a firing; it
cannot change one.

Stage: explain.
"""

from __future__ import annotations

from typing import Any

from advisor.i18n import _
from advisor.inference import test_holds

from .kbindex import Alternative, KbIndex, RuleInfo, conditions_in_words, subject_order
from .wording import word

__all__ = ["RuleRecord", "firing_record"]


class RuleRecord:
    """A fired rule as the run saw it: its node attributes and the conditions it met.

    ``conditions`` holds ``(subject node, condition_of edge attributes)``,
    answers first, then derived facts, each sorted by id.
    """

    __slots__ = ("info", "attrs", "conditions")

    def __init__(self, info: RuleInfo, attrs: dict[str, Any], conditions: tuple[tuple[str, dict[str, Any]], ...]):
        self.info = info
        self.attrs = attrs
        self.conditions = conditions


def firing_record(tables: KbIndex, info: RuleInfo, firing: Any, answers: dict[str, Any], values: dict[str, Any],
                  derived: dict[str, Any], truth: dict[int, bool]) -> RuleRecord:
    """The record of one firing of ``info``'s rule.

    ``values`` maps each derived fact to its value (``derived`` to anything, its
    keys the derived facts); ``truth`` memoises tests already evaluated for the run.
    """
    matched: dict[str, set[str]] = {}  # subject -> the list choices matched
    per_match = []
    subject_of = tables.match_subject
    for match in firing.matches:
        subjects = set()
        for key, value in match.facts:
            subject = subject_of(key)
            subjects.add(subject)
            members = matched.get(subject)
            if members is None:
                members = matched[subject] = set()
            if key.startswith("member:"):
                members.add(word(value))
        per_match.append(subjects)
    chosen = _chosen(info, per_match, answers, values, truth)
    if len(chosen) == 1:
        alt = chosen[0]
        groups = alt.groups
        absent = [text for fact, text in alt.fact_texts if fact not in derived]
        order = alt.order if matched.keys() <= groups.keys() else sorted(set(matched) | set(groups),
                                                                          key=subject_order)
    else:
        literals = list(dict.fromkeys(lit for alt in chosen for lit in alt.literals))
        absent = [lit.text for lit in literals if lit.on_fact and lit.test.name not in derived]
        groups = conditions_in_words(lit for lit in literals if not lit.on_fact or lit.test.name in derived)
        order = sorted(set(matched) | set(groups), key=subject_order)
    conditions = []
    for subject in order:
        if subject[0] == "f" and subject[5:] not in derived:
            continue  # tests on facts the run did not derive are told in the rule's ``absent``
        group = groups.get(subject)
        members = matched.get(subject)
        conditions.append((subject, {
            "relation": "condition_of", "test": group[0] if group else "",
            "matched": _(", ").join(sorted(members)) if members else "",
            "negated": group is not None and group[1] and members is None}))
    attrs = dict(info.attrs, level=firing.level, absent=_("; ").join(absent))
    return RuleRecord(info, attrs, tuple(conditions))


def _chosen(info: RuleInfo, per_match: list[set[str]], answers: dict[str, Any], values: dict[str, Any],
            truth: dict[int, bool]) -> list[Alternative]:
    """The alternatives of the rule's condition the engine matched: for each match, those that hold
    and whose bound subjects the match holds, else every one that holds."""
    alternatives = info.alternatives
    if len(alternatives) == 1:  # the engine fired the rule, so its one alternative held
        return list(alternatives)

    def holds(alt: Alternative) -> bool:
        for lit in alt.literals:
            found = truth.get(lit.test_key)
            if found is None:
                found = truth[lit.test_key] = test_holds(lit.test, answers, values)
            if found != lit.positive:
                return False
        return True

    out: list[Alternative] = []
    holding = None
    for subjects in per_match or [set()]:
        used = [alt for alt in alternatives if alt.bound <= subjects and holds(alt)]
        if not used:
            if holding is None:
                holding = [alt for alt in alternatives if holds(alt)]
            used = holding
        for alt in used:
            if alt not in out:
                out.append(alt)
    return out
