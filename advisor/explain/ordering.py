"""Why an item is a next move, comes later, or is among everything else - and what its order rests on.

Read off the run's report (:mod:`advisor.report.moves` placed every recommendation and
plan step) and the catalog's ordering attributes: the goals an item serves, the effort
and cost it asks, its stage, what must come first, and for a mistake what fixes it and
what waits for the fix. Each attribute is shown with the sentence of the sources it
rests on, or marked as the advisor's own judgement (the catalog's ``judgement``).

Stage: explain.
"""

from __future__ import annotations

from typing import Any

__all__ = ["order_lines"]

_WORDS = {"goals": "serves", "effort": "effort", "cost": "cost", "phase": "stage of the staged plan",
          "after": "comes after", "fixed_by": "fixed by", "defers": "waits for the fix"}


def order_lines(run: Any, name: str) -> tuple[str, ...]:
    """Lines for ``advisor explain``: the item's place among the next moves and its ordering attributes."""
    kb = run.kb
    entry = kb.catalog.item(name)
    if entry is None:
        return ()
    report = run.report
    lines: list[str] = []
    found = next((e for key in ("recommendations", "plan") for e in report[key] if e["id"] == name), None)
    if found is not None:
        place = found["next"]
        diagnosis = report["diagnosis"]
        count = len(diagnosis["moves"])
        capacity = diagnosis["capacity"]
        why = "; ".join(place["why"])
        if place["place"] == "move":
            lines.append(f"Next move {place['order']} of {count} ({count} at a time for {capacity['words']}): "
                         f"{why}.")
        elif place["place"] == "later":
            lines.append(f"Later, #{place['order']} of what comes after the {count} moves: {why}.")
        else:
            lines.append(f"Not among the {count} moves or what comes next: {why}.")
        for sequence in report.get("sequences", ()):
            if sequence["item"] == name:
                lines.append(f"Sequenced, not vetoed: {sequence['reason']}")
    for key in ("goals", "effort", "cost", "phase", "after", "fixed_by", "defers"):
        value = entry.get(key)
        if not value or (key == "phase" and entry.kind == "step"):
            continue
        shown = ", ".join(value) if isinstance(value, tuple) else str(value)
        grounds = entry.grounds_of(key)
        if grounds:
            quote = grounds[0].citation.quotes[0] if grounds[0].citation.quotes else ""
            lines.append(f"{_WORDS[key].capitalize()}: {shown} - the text ({grounds[0].citation.doc} "
                         f"{grounds[0].citation.section}): \"{quote}\"")
        else:
            lines.append(f"{_WORDS[key].capitalize()}: {shown} - the advisor's judgement")
    if entry.get("judgement") and any(entry.get(k) and not entry.grounds_of(k) for k in _WORDS):
        lines.append(f"The advisor's judgement: {entry.get('judgement')}")
    if entry.get("presupposes"):
        label = next((p.label for p in kb.fields.practices if p.id == entry.get("presupposes")), "")
        lines.append(f"Presupposes {label or entry.get('presupposes')}: advice to continue it is given only where "
                     "the answers say the business runs it; elsewhere it is phrased as starting it.")
    return tuple(lines)
