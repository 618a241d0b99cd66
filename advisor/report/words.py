"""How the report words a business's goals: the object of "it wants ...", shared by the moves and the diagnosis.

Stage: report.
"""

from __future__ import annotations

from typing import Any

__all__ = ["goal_words"]

#: a stated goal (promotion_goals choice) as the object of "it wants ..."
_GOAL_WORDS = {"awareness": "people to know and understand its products", "registrations": "registrations on its site",
               "phone_calls": "calls from buyers", "online_purchases": "online sales",
               "store_visits": "buyers in its shop or showroom", "repeat_purchases": "customers who buy again",
               "financing": "investors' attention"}


def goal_words(kb: Any, goal: str) -> str:
    """A stated goal in words that follow "it wants" ("online sales", "customers who buy again")."""
    if goal in _GOAL_WORDS:
        return _GOAL_WORDS[goal]
    f = kb.fields.get("promotion_goals")
    label = f.label_of(goal) if f is not None else goal
    return label[:1].lower() + label[1:]
