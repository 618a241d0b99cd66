"""The words of the next moves: why a move starts now, why an item waits (:mod:`advisor.report.moves` decides).

Stage: report.
"""

from __future__ import annotations

from typing import Any

from .words import goal_words

__all__ = ["BUDGET_WORDS", "CAPACITY_WORDS", "titles", "why_move"]


def _practice_label(kb: Any, practice: str) -> str:
    return next((p.label for p in kb.fields.practices if p.id == practice), practice)


CAPACITY_WORDS = {"thin": "one person with little money", "standard": "a small team or a steady budget",
                   "large": "a team and a large budget"}


BUDGET_WORDS = {"none": "no budget", "small": "a small budget", "medium": "a steady budget",
                 "large": "a large budget"}


def titles(kb: Any, items: list[str]) -> str:
    names = []
    for item in items:
        entry = kb.catalog.item(item)
        names.append(f'"{entry.name if entry else item}"')
    return " and ".join(names)


def why_move(cat: Any, item: str, entry: dict[str, Any], place: Any, warned: dict[str, Any],
              moves: list[str], kb: Any, quiet: bool = False) -> list[str]:
    """Why ``item`` is a move to start now (``quiet``: what speaks for it, for an item that waits)."""
    why = []
    if place.fixes:
        mistake = warned[place.fixes[0]]
        why.append(f"it fixes {'the most serious problem found' if mistake['rank'] == 1 else 'a problem found'}: "
                   f"{mistake['title']} ({mistake['severity']})")
    if entry.get("strength") == "essential":
        why.append("the sources make it essential for a business like yours")
    if place.starts and not quiet:
        why.append("you are about to start " + _practice_label(kb, place.starts) + ", and this is how it starts well")
    needing = [m for m in moves if item in cat.attr(m, "after", ())]
    if needing:
        why.append(titles(kb, needing) + " needs it first")
    if place.goals:
        labels = [goal_words(kb, g) for g in place.goals]
        why.append("it serves your goal" + ("s" if len(labels) > 1 else "") + ": " + " and ".join(labels))
    if not quiet and not (place.fixes or entry.get("strength") == "essential" or needing or place.starts):
        why.append("of what fits your stage and means now, it is the strongest advice"
                   + (" for your goals" if place.goals else ""))
    return why
