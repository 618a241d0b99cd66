"""The words of the next moves: why a move starts now, why an item waits (:mod:`advisor.report.moves` decides).

Every reason is one whole sentence with named placeholders, translated as a whole
(:func:`advisor.i18n._`), so a language puts the parts in its own order.

Stage: report.
"""

from __future__ import annotations

from typing import Any

from advisor.i18n import N_, _, ngettext

from .words import goal_words, level_word, quoted

__all__ = ["BUDGET_WORDS", "CAPACITY_WORDS", "STRONGEST", "budget_words", "capacity_words", "is_goal_reason",
           "titles", "wait_words", "why_move"]


def _practice_label(kb: Any, practice: str) -> str:
    return next((p.label for p in kb.fields.practices if p.id == practice), practice)


CAPACITY_WORDS = {"thin": N_("a business with little time and money"), "standard": N_("a small team or a steady budget"),
                  "large": N_("a team and a large budget")}


BUDGET_WORDS = {"none": N_("no budget"), "small": N_("a small budget"), "medium": N_("a steady budget"),
                "large": N_("a large budget")}

#: the reason given when nothing else speaks for a move (left out for a move pulled in as a prerequisite)
STRONGEST = (N_("of what fits your stage and means now, it is the strongest advice"),
             N_("of what fits your stage and means now, it is the strongest advice for your goals"))

_STAGES = {"launch": N_("initial promotion"), "operate": N_("operation"), "mature": N_("maturity")}


def capacity_words(capacity: str) -> str:
    """A capacity level in words ("one person with little money")."""
    return _(CAPACITY_WORDS[capacity])


def budget_words(budget: str) -> str:
    """A budget in words ("a small budget")."""
    return _(BUDGET_WORDS[budget])


def titles(kb: Any, items: list[str]) -> str:
    names = []
    for item in items:
        entry = kb.catalog.item(item)
        names.append(quoted(entry.name if entry else item))
    return _(" and ").join(names)


def wait_words(kind: str, **parts: Any) -> str:
    """Why an item waits, of one ``kind``: after (a move, or an item first), room, fix, stage, cost, work."""
    if kind == "after_move":
        return _("after {titles}, a move to start now").format(**parts)
    if kind == "after_first":
        return _("after {titles}, which comes first").format(**parts)
    if kind == "room":
        return _("next, once a move is under way ({count} at a time for {capacity})").format(**parts)
    if kind == "fix":
        return _("first fix: {mistake}").format(**parts)
    if kind == "stage":
        stage = _(_STAGES[parts["stage"]]) if parts["stage"] in _STAGES else parts["stage"]
        return _("work of the {stage} stage, which comes after yours in the sources' staged plan").format(stage=stage)
    if kind == "cost":
        return _("it costs more ({cost}) than {budget} allows to start with").format(
            cost=level_word(parts["cost"]), budget=budget_words(parts["budget"]))
    return _("it asks more work than {capacity} can start with").format(capacity=capacity_words("thin"))


def why_move(cat: Any, item: str, entry: dict[str, Any], place: Any, warned: dict[str, Any],
             moves: list[str], kb: Any, quiet: bool = False) -> list[str]:
    """Why ``item`` is a move to start now (``quiet``: what speaks for it, for an item that waits)."""
    why = []
    if place.fixes:
        mistake = warned[place.fixes[0]]
        sentence = (_("it fixes the most serious problem found: {mistake} ({severity})") if mistake["rank"] == 1
                    else _("it fixes a problem found: {mistake} ({severity})"))
        why.append(sentence.format(mistake=mistake["title"], severity=level_word(mistake["severity"])))
    if entry.get("strength") == "essential":
        why.append(_("the sources make it essential for a business like yours"))
    if place.starts and not quiet:
        why.append(_("you are about to start {practice}, and this is how it starts well").format(
            practice=_practice_label(kb, place.starts)))
    needing = [m for m in moves if item in cat.attr(m, "after", ())]
    if needing:
        why.append(_("{titles} needs it first").format(titles=titles(kb, needing)))
    if place.goals:
        labels = [goal_words(kb, g) for g in place.goals]
        why.append(ngettext("it serves your goal: {goals}", "it serves your goals: {goals}", len(labels)).format(
            goals=_(" and ").join(labels)))
    if not quiet and not (place.fixes or entry.get("strength") == "essential" or needing or place.starts):
        why.append(_(STRONGEST[1] if place.goals else STRONGEST[0]))
    return why


def is_goal_reason(text: str) -> bool:
    """Whether a reason of :func:`why_move` is the goals it serves (the text report shows those apart)."""
    return any(text.startswith(ngettext("it serves your goal: {goals}", "it serves your goals: {goals}", n)
                               .split("{goals}")[0]) for n in (1, 2))

