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

from advisor.i18n import N_, _
from advisor.report import level_word

__all__ = ["order_lines"]

_WORDS = {"goals": N_("Serves"), "effort": N_("Effort"), "cost": N_("Cost"), "phase": N_("Stage of the staged plan"),
          "after": N_("Comes after"), "fixed_by": N_("Fixed by"), "defers": N_("Waits for the fix")}


def order_lines(run: Any, name: str) -> tuple[str, ...]:
    """Lines for ``advisor explain``: the item's place among the next moves and its ordering attributes."""
    kb = run.kb
    entry = kb.catalog.item(name)
    if entry is None:
        return ()
    report = run.advice
    lines: list[str] = []
    found = next((e for key in ("recommendations", "plan") for e in report[key] if e["id"] == name), None)
    if found is not None:
        place = found["next"]
        diagnosis = report["diagnosis"]
        count = len(diagnosis["moves"])
        capacity = diagnosis["capacity"]
        why = _("; ").join(place["why"])
        if place["place"] == "move":
            lines.append(_("Next move {order} of {count} ({count} at a time for {capacity}): {why}.").format(
                order=place["order"], count=count, capacity=capacity["words"], why=why))
        elif place["place"] == "later":
            lines.append(_("Later, #{order} of what comes after the {count} moves: {why}.").format(
                order=place["order"], count=count, why=why))
        else:
            lines.append(_("Not among the {count} moves or what comes next: {why}.").format(count=count, why=why))
        for sequence in report.get("sequences", ()):
            if sequence["item"] == name:
                lines.append(_("Sequenced, not vetoed: {reason}").format(reason=sequence["reason"]))
    for key in ("goals", "effort", "cost", "phase", "after", "fixed_by", "defers"):
        value = entry.get(key)
        if not value or (key == "phase" and entry.kind == "step"):
            continue
        shown = _(", ").join(map(level_word, value)) if isinstance(value, tuple) else level_word(str(value))
        grounds = entry.grounds_of(key)
        if grounds:
            quote = grounds[0].citation.quotes[0] if grounds[0].citation.quotes else ""
            lines.append(_("{what}: {value} - the text ({doc} {section}): \"{quote}\"").format(
                what=_(_WORDS[key]), value=shown, doc=grounds[0].citation.doc,
                section=grounds[0].citation.section, quote=quote))
        else:
            lines.append(_("{what}: {value} - the advisor's judgement").format(what=_(_WORDS[key]), value=shown))
    if entry.get("judgement") and any(entry.get(k) and not entry.grounds_of(k) for k in _WORDS):
        lines.append(_("The advisor's judgement: {judgement}").format(judgement=entry.get("judgement")))
    if entry.get("presupposes"):
        label = next((p.label for p in kb.fields.practices if p.id == entry.get("presupposes")), "")
        lines.append(_("Presupposes {practice}: advice to continue it is given only where the answers say the "
                       "business runs it; elsewhere it is phrased as starting it.").format(
            practice=label or entry.get("presupposes")))
    return tuple(lines)
