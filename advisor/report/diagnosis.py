"""The diagnosis at the top of a report: where the business stands, what to start now, what comes later.

Built from a finished report and the :class:`~advisor.report.moves.Plan` of its next
moves (docs/report.md, "Diagnosis"). The wording is made here, once, and every
renderer shows it as it is: two or three sentences on the business (its stage and
means, its goals, the most serious mistake found), the moves with the goal each
serves, the effort and cost it asks and why it comes first, what comes later and why
it waits, each stated goal with the moves that serve it (or why none can yet), and
the advice for what the business is about to start.

Stage: report.
"""

from __future__ import annotations

from typing import Any

from advisor.i18n import N_, _, ngettext

from .move_words import capacity_words
from .moves import Plan
from .words import goal_words, join_words, level_word

__all__ = ["diagnosis", "item_start", "goal_words"]


_STAGE = {"launch": N_("newly launched"), "growth": N_("growing"), "mature": N_("mature")}
_MODEL = {"B2C": N_("business selling to consumers"), "B2B": N_("business selling to other businesses"),
          "C2C": N_("platform where individuals sell to individuals"),
          "C2B": N_("business making to customers' orders"),
          "B2B2C": N_("platform where businesses sell to consumers")}
_PRODUCT = {"physical_goods": N_("physical goods"), "services": N_("services"), "vehicles": N_("vehicles"),
            "industrial_equipment": N_("equipment for businesses"), "digital_goods": N_("digital products")}
_BUDGET = {"none": N_("no money for paid promotion"), "small": N_("a small budget"), "medium": N_("a steady budget"),
           "large": N_("a large budget")}


def item_start(kb: Any, supports_starts: list[str | None], answers: dict[str, Any], derived: dict[str, Any]) -> str:
    """The practice an item's advice starts, or "" - when every rule behind it starts the same practice
    and the business does not run it (fields.yaml ``practices``)."""
    starts = set(supports_starts)
    if len(starts) != 1 or None in starts:
        return ""
    practice = next(iter(starts))
    condition = kb.practices.get(practice)
    if condition is not None and _holds(condition, answers, derived):
        return ""
    return practice or ""


def _holds(condition: Any, answers: dict[str, Any], derived: dict[str, Any]) -> bool:
    from advisor.inference import evaluate3

    return evaluate3(condition, answers, derived, lambda test: False) is True


def diagnosis(kb: Any, report: dict[str, Any], plan: Plan, answers: dict[str, Any]) -> dict[str, Any]:
    """The ``diagnosis`` object of the report (docs/report.md)."""
    items = {e["id"]: e for e in report["recommendations"]} | {e["id"]: e for e in report["plan"]}
    warnings = report["warnings"]
    place = plan.placements

    def short(item: str) -> dict[str, Any]:
        entry = items[item]
        catalog = kb.catalog.item(item)
        return {"id": item, "kind": entry["kind"], "title": entry["title"],
                "goals": list(place[item].goals), "effort": catalog.get("effort", "") if catalog else "",
                "cost": catalog.get("cost", "") if catalog else "", "start": entry.get("start") or None,
                "why": list(place[item].why)}

    moves = [short(i) for i in plan.moves]
    later = [dict(short(i), after=list(place[i].after), waits_for=list(place[i].deferred_by)) for i in plan.later]
    most = warnings[0] if warnings else None
    return {
        "situation": _situation(kb, report, plan, answers, most),
        "stage": answers.get("business_stage"),
        "phase": plan.phase,
        "capacity": {"level": plan.capacity, "moves": plan.size, "words": capacity_words(plan.capacity),
                     "because": [f["set_by"] for f in report["derived_facts"]
                                 if f["name"] in ("thin_capacity", "large_capacity")]},
        "most_serious": most["id"] if most else None,
        "moves": moves,
        "later": later,
        "goals": _goals(kb, report, plan, items),
        "starting": _starting(kb, report, answers),
    }


def _situation(kb: Any, report: dict[str, Any], plan: Plan, answers: dict[str, Any],
               most: dict[str, Any] | None) -> list[str]:
    name = report["business"].get("name") or _("The business")
    stage = answers.get("business_stage", "")
    model = _(_MODEL[answers["business_model"]]) if answers.get("business_model") in _MODEL else _("business")
    if stage in _STAGE:
        first = _("{name} is a {stage} {model}").format(name=name, stage=_(_STAGE[stage]), model=model)
    else:
        first = _("{name} is a {model}").format(name=name, model=model)
    product = _PRODUCT.get(answers.get("product_type", ""))
    if product:
        first = _("{sentence} ({product})").format(sentence=first, product=_(product))
    if stage == "planning":
        first = _("{sentence}, not open yet").format(sentence=first)
    means = []
    staff = answers.get("marketing_staff")
    if isinstance(staff, int):
        means.append(_("nobody working mainly on marketing") if staff == 0 else
                     ngettext("{count} person on marketing", "{count} people on marketing", staff).format(count=staff)
                     if staff != 1 else _("one person on marketing"))
    if answers.get("marketing_budget") in _BUDGET:
        means.append(_(_BUDGET[answers["marketing_budget"]]))
    if means:
        both = _("{staff} and {budget}").format(staff=means[0], budget=means[1]) if len(means) == 2 else means[0]
        first = _("{sentence}, with {means}.").format(sentence=first, means=both)
    else:
        first = _("{sentence}.").format(sentence=first)
    sentences = [first[:1].upper() + first[1:]]
    goals = plan.goals
    if goals:
        words = join_words([goal_words(kb, g) for g in goals])
        primary = answers.get("primary_goal")
        if primary in goals and len(goals) > 1:
            sentences.append(_("It wants {goals}, above all {primary}.").format(goals=words,
                                                                              primary=goal_words(kb, primary)))
        else:
            sentences.append(_("It wants {goals}.").format(goals=words))
    if most is not None and most.get("fix"):
        sentences.append(_("The most serious problem found: {mistake} ({severity}) - {fix}").format(
            mistake=_lower(most["title"]), severity=level_word(most["severity"]), fix=_lower(most["fix"])))
    elif most is not None:
        sentences.append(_("The most serious problem found: {mistake}.").format(mistake=most["title"]))
    else:
        sentences.append(_("None of the mistakes the sources warn about shows in the answers."))
    return sentences


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _goals(kb: Any, report: dict[str, Any], plan: Plan, items: dict[str, Any]) -> list[dict[str, Any]]:
    """Each stated goal with the moves and later items that serve it, or why nothing advised can."""
    f = kb.fields.get("promotion_goals")
    out = []
    for goal in plan.goals:
        moves = [m for m in plan.moves if goal in plan.placements[m].goals]
        later = [m for m in plan.later if goal in plan.placements[m].goals]
        reason = ""
        if not moves:
            reason = _unserved(kb, report, plan, goal, later)
        out.append({"goal": goal, "label": f.label_of(goal) if f else goal, "words": goal_words(kb, goal),
                    "moves": moves, "later": later, "reason": reason})
    return out


def _unserved(kb: Any, report: dict[str, Any], plan: Plan, goal: str, later: list[str]) -> str:
    """Why no move serves ``goal``: what it waits for, or what the sources say against it."""
    if later:
        first = later[0]
        title = next(e["title"] for e in report["recommendations"] + report["plan"] if e["id"] == first)
        return _("{title} serves it, {why}").format(title=title, why=plan.placements[first].why[0])
    serves = set(c.serves for c in kb.fields.get("promotion_goals").choices if c.id == goal).pop() \
        if kb.fields.get("promotion_goals") else set()
    for entry in report["not_advised"]:
        catalog = kb.catalog.item(entry["id"])
        if catalog is not None and set(catalog.get("goals", ())) & set(serves):
            return _("{title} is not advised: {rationale}").format(title=entry["title"], rationale=entry["rationale"])
    waiting = [p for p in plan.placements.values() if goal in p.goals]
    if waiting:
        first = waiting[0]
        title = next(e["title"] for e in report["recommendations"] + report["plan"] if e["id"] == first.item)
        return _("{title} serves it, {why}").format(title=title, why=first.why[0] if first.why else
                                                   _("after the first moves"))
    return _("nothing the sources advise for a business like yours serves it from these answers")


def _starting(kb: Any, report: dict[str, Any], answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The advice for each practice the business does not run yet, grouped ("when you start ...")."""
    planned = set(answers.get("plans_to_start") or ())
    groups: dict[str, list[str]] = {}
    for entry in report["recommendations"] + report["plan"]:
        if entry.get("start"):
            groups.setdefault(entry["start"], []).append(entry["id"])
    out = []
    for practice in kb.fields.practices:
        if practice.id in groups:
            out.append({"practice": practice.id, "label": practice.label, "intended": practice.id in planned,
                        "items": _in_order(kb, groups[practice.id])})
    return out


_PHASE_ORDER = {"prepare": 0, "launch": 1, "operate": 2, "mature": 3, "evaluate": 4}


def _in_order(kb: Any, items: list[str]) -> list[str]:
    """``items`` in the order they are done: earlier phase of the staged plan first, and each after the
    items of the list it comes ``after`` (report order otherwise)."""
    def phase(item: str) -> int:
        entry = kb.catalog.item(item)
        return _PHASE_ORDER.get(entry.get("phase", "") if entry is not None else "", 1)

    ranked = sorted(items, key=lambda i: (phase(i), items.index(i)))
    out: list[str] = []

    def place(item: str, seen: frozenset) -> None:
        if item in out or item in seen:
            return
        entry = kb.catalog.item(item)
        for first in (entry.get("after", ()) if entry is not None else ()):
            if first in ranked:
                place(first, seen | {item})
        out.append(item)

    for item in ranked:
        place(item, frozenset())
    return out
