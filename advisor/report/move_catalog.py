"""What the next moves read from a knowledge base, read once per knowledge base (:mod:`advisor.report.moves`
plans thousands of reports over one in a batch): each item's ordering attributes, the goals it serves, its
phase and load, and the words for what speaks for an item that waits.

Stage: report.
"""

from __future__ import annotations

from typing import Any

from advisor.i18n import current
from advisor.kb import COSTS, EFFORTS

from .move_words import why_move

__all__ = ["MoveCatalog"]


class MoveCatalog:
    """What the ordering reads from the knowledge base."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb
        goals_field = kb.fields.get("promotion_goals")
        self.serves = {c.id: set(c.serves) for c in goals_field.choices} if goals_field else {}
        self.goal_order = [c.id for c in goals_field.choices] if goals_field else []
        self._attrs: dict[tuple[str, str, Any], Any] = {}  # the catalog does not change under a knowledge base
        self._goals: dict[str, frozenset[str]] = {}
        self._static: dict[str, tuple[Any, int]] = {}
        self._speaks: dict[tuple, tuple[str, ...]] = {}
        self._wait: dict[str, tuple[Any, str, int, bool]] = {}

    def goals_served(self, item: str) -> frozenset[str]:
        """The goals (``promotion_goals`` choices) ``item`` serves: those sharing one of its goal words."""
        found = self._goals.get(item)
        if found is None:
            own = set(self.attr(item, "goals", ()))
            found = self._goals[item] = frozenset(g for g, words in self.serves.items() if words & own)
        return found

    def speaks_for(self, item: str, entry: dict[str, Any], place: Any, warned: dict[str, Any]) -> list[str]:
        """What speaks for an item that waits (:func:`why_move` quietly), remembered by what the words depend
        on: the first mistake it fixes, whether it is essential, the goals it serves, the language."""
        first = warned[place.fixes[0]] if place.fixes else None
        key = (current(), item, entry.get("strength") == "essential", tuple(place.goals),
               (first["title"], first["rank"] == 1, first["severity"]) if first is not None else None)
        found = self._speaks.get(key)
        if found is None:
            if len(self._speaks) > 50_000:  # a long batch of very varied businesses: start again
                self._speaks.clear()
            found = self._speaks[key] = tuple(why_move(self, item, entry, place, warned, [], self.kb, quiet=True))
        return list(found)

    def static(self, item: str) -> tuple[Any, int]:
        """What ``item``'s urgency takes from the catalog alone: its phase, and its effort plus cost (the load)."""
        found = self._static.get(item)
        if found is None:
            load = EFFORTS.index(self.attr(item, "effort", "medium")) + COSTS.index(self.attr(item, "cost", "low"))
            found = self._static[item] = (self.attr(item, "phase"), load)
        return found

    def wait_basis(self, item: str) -> tuple[Any, str, int, bool]:
        """What may hold ``item`` back, from the catalog alone: its phase in the staged plan (a plan
        step's own when the item names none), its cost and that cost's place in COSTS, and whether it
        asks high effort."""
        found = self._wait.get(item)
        if found is None:
            phase = self.attr(item, "phase")
            if phase is None:
                entry = self.kb.catalog.item(item)
                phase = entry.get("phase") if entry is not None and entry.kind == "step" else None
            cost = self.attr(item, "cost", "low")
            found = self._wait[item] = (phase, cost, COSTS.index(cost), self.attr(item, "effort") == "high")
        return found

    @classmethod
    def of(cls, kb: Any) -> MoveCatalog:
        """The one reader kept with a knowledge base (batch plans thousands of reports over one)."""
        if "_moves_catalog" not in kb.__dict__:
            object.__setattr__(kb, "_moves_catalog", cls(kb))
        return kb.__dict__["_moves_catalog"]

    def attr(self, item: str, key: str, default: Any = None) -> Any:
        try:
            return self._attrs[item, key, default]
        except KeyError:
            entry = self.kb.catalog.item(item)
            found = self._attrs[item, key, default] = entry.get(key, default) if entry is not None else default
            return found
