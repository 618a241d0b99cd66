"""Next moves: the few actions to start now, in order, and what comes after them.

A documented, deterministic function over a built report (docs/report.md, "Next
moves"). It decides nothing about *what* is advised - the rules did that - only
which of the advised channels, tactics and plan steps to start with, from the
catalog's ordering attributes (``goals``, ``effort``, ``cost``, ``phase``,
``after``; a mistake's ``fixed_by`` and ``defers``) and from the profile: the
goals it states, its stage and its capacity (the facts ``thin_capacity`` and
``large_capacity`` the rules derive).

1. **How many.** ``MOVES``: 3 with thin capacity, 5 with large capacity, else 4.
2. **Candidates** are the recommendations and plan steps. One *waits* (goes to
   "later", with the reason) when
   - a mistake the report warns of ``defers`` it: first fix the mistake;
   - its phase lies beyond the business's stage in the sources' staged plan;
   - it costs more than the budget allows now (none: low; small: medium);
   - it asks high effort of a business with thin capacity;
   - an item it comes ``after`` is advised too and is not among the moves.
   Items of tier 0 and 1 (below) are held back only by a fix or a
   prerequisite, never by stage or capacity: the sources make them the first
   work.
3. **Urgency**, first key first: *tier* (0: fixes the most serious mistake
   found; 1: essential, or fixes another high-severity mistake; 2: fixes a
   medium one, or starts what the business says it is about to start
   (``plans_to_start``); 3: the rest), strength (a plan step counts as strong in the
   business's own phase, moderate otherwise), the work of the business's own
   stage before work for any stage before catching up on earlier stages, how
   many of the stated goals it serves, lighter effort and cost, priority, id.
4. **Choosing.** Candidates are taken in urgency order, one at a time; a
   mistake a chosen move already fixes no longer lifts the others that fix it,
   nor a practice a chosen move already starts the others that start it
   (each move should bring something new). A prerequisite that can start now
   is pulled in just before the item that needs it; an item whose
   prerequisites do not fit in the moves left waits for them. An item not of
   tier 0 is taken only if it serves a stated goal no move serves yet, or the
   moves left after it (and its prerequisites) are still enough for those
   goals, so every goal that something advised can serve gets a move. The moves are listed prerequisites first, then in the
   order taken.
5. **Later** lists, at most twice as many as the moves: what follows a move
   directly (it comes ``after`` one, or waits for a mistake a move fixes); then
   the urgent items (tiers 0 to 2) there was no room, money or hands for; then
   the next stage of the staged plan; each group in urgency order, with
   prerequisites before what needs them. The rest of the advice is everything
   else that applies.

Stage: report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.i18n import _
from advisor.kb import COSTS, SEVERITIES, STRENGTHS

from .move_catalog import MoveCatalog
from .move_words import STRONGEST, capacity_words, titles, wait_words, why_move
from .words import goal_words

__all__ = ["MOVES", "STAGE_PHASE", "Placement", "Plan", "plan_moves", "phase_of_business", "goal_words"]

#: capacity level -> how many moves to start at once (the advisor's judgement, docs/report.md)
MOVES = {"thin": 3, "standard": 4, "large": 5}
#: business stage -> its phase in the sources' staged plan (002: prepare, initial promotion, operation, maturity)
STAGE_PHASE = {"planning": "prepare", "launch": "launch", "growth": "operate", "mature": "mature"}
_PHASES = ("prepare", "launch", "operate", "mature")
#: a plan step's "evaluate" phase: evaluation needs promotion that has run (the operation stage)
_PHASE_INDEX = {"prepare": 0, "launch": 1, "operate": 2, "mature": 3, "evaluate": 2}
#: budget -> the highest cost a move may have now
_BUDGET_COST = {"none": "low", "small": "medium", "medium": "high", "large": "high"}
_BUDGET_LIMIT = {budget: COSTS.index(cost) for budget, cost in _BUDGET_COST.items()}


@dataclass(slots=True)
class Placement:
    """Where one candidate ended up: ``move`` (``order`` 1..), ``later`` or ``other``, and why."""

    item: str
    place: str = "other"
    order: int = 0
    why: list[str] = field(default_factory=list)
    wait: str = ""  # a key of _WAIT_ORDER when it waits
    after: list[str] = field(default_factory=list)  # the advised items it waits for
    goals: list[str] = field(default_factory=list)  # the stated goals it serves
    fixes: list[str] = field(default_factory=list)  # the warned mistakes it fixes
    deferred_by: list[str] = field(default_factory=list)  # warned mistakes it waits for
    starts: str = ""  # the practice it starts that the business says it is about to start

    def to_dict(self) -> dict[str, Any]:
        return {"place": self.place, "order": self.order or None, "why": list(self.why)}


@dataclass
class Plan:
    """The outcome of :func:`plan_moves`."""

    capacity: str
    size: int
    phase: str | None
    goals: list[str]  # stated goals (promotion_goals choices), in field order
    moves: list[str]
    later: list[str]
    placements: dict[str, Placement]


def phase_of_business(answers: dict[str, Any], derived: dict[str, Any]) -> str | None:
    """The business's phase in the staged plan, from its stage (or the stage facts when the stage is not given)."""
    stage = answers.get("business_stage")
    if stage in STAGE_PHASE:
        return STAGE_PHASE[stage]
    if derived.get("established_stage") is True:
        return "operate"
    if derived.get("early_stage") is True:
        return "launch"
    return None


def capacity_of(derived: dict[str, Any]) -> str:
    if derived.get("thin_capacity") is True:
        return "thin"
    if derived.get("large_capacity") is True:
        return "large"
    return "standard"


def plan_moves(kb: Any, report: dict[str, Any], answers: dict[str, Any], derived: dict[str, Any]) -> Plan:
    """Choose and order the next moves of a built report (see the module notes)."""
    cat = MoveCatalog.of(kb)
    capacity = capacity_of(derived)
    size = MOVES[capacity]
    phase = phase_of_business(answers, derived)
    stated = [g for g in cat.goal_order if g in (answers.get("promotion_goals") or ())]
    advised = {e["id"]: e for e in report["recommendations"]} | {e["id"]: e for e in report["plan"]}
    warned = {e["id"]: e for e in report["warnings"]}

    fixes: dict[str, list[str]] = {}
    deferred: dict[str, list[str]] = {}
    for mistake in warned:
        for item in cat.attr(mistake, "fixed_by", ()):
            fixes.setdefault(item, []).append(mistake)
        for item in cat.attr(mistake, "defers", ()):
            deferred.setdefault(item, []).append(mistake)

    def most_serious(m: str) -> tuple[int, int]:
        return -SEVERITIES[warned[m]["severity"]], warned[m]["rank"]

    def ranked(m: str) -> int:
        return warned[m]["rank"]

    placements: dict[str, Placement] = {}
    keys: dict[str, tuple] = {}
    starting = answers.get("plans_to_start") or ()
    for item, entry in advised.items():
        place = Placement(item)
        served = cat.goals_served(item)
        place.goals = [g for g in stated if g in served]
        if item in fixes:
            place.fixes = sorted(fixes[item], key=most_serious)
        if item in deferred:
            place.deferred_by = sorted(deferred[item], key=ranked)
        if entry.get("start") in starting:
            place.starts = entry["start"]
        placements[item] = place
        keys[item] = _urgency(cat, item, entry, place, warned, phase)

    def tier(item: str) -> int:
        return keys[item][0]

    waits: dict[str, tuple[str, str]] = {}  # item -> (wait kind, reason) for reasons other than prerequisites
    for item in advised:
        found = _own_wait(cat, item, placements[item], answers, derived, phase, capacity, tier(item), warned)
        if found:
            waits[item] = found

    order = sorted(advised, key=lambda i: keys[i])
    chosen: list[str] = []
    pulled: dict[str, str] = {}  # a prerequisite -> the item it was chosen for

    def pending(item: str) -> list[str]:
        return [p for p in cat.attr(item, "after", ()) if p in advised and p not in chosen]

    memo: dict[tuple, Any] = {}  # (question, moves chosen so far, item) -> answer; chosen only grows

    def can_start(item: str, seen: frozenset = frozenset()) -> bool:
        if item in waits or item in seen:
            return False
        key = ("can_start", len(chosen), item, seen)
        if key not in memo:
            memo[key] = all(can_start(p, seen | {item}) for p in pending(item))
        return memo[key]

    def with_prerequisites(item: str) -> list[str]:
        out: list[str] = []
        for p in pending(item):
            for q in with_prerequisites(p):
                if q not in out:
                    out.append(q)
        return out + [item]

    def uncovered() -> set[str]:
        served = {g for m in chosen for g in placements[m].goals}
        open_goals = set(stated) - served
        # only goals some advised item that can start could serve
        found: set[str] = set()
        for i in order:  # one walk: the open goals some item not yet chosen that can start would serve
            if found == open_goals:
                break
            if i in chosen:
                continue
            goals = [g for g in placements[i].goals if g in open_goals and g not in found]
            if goals and can_start(i):
                found.update(goals)
        return found

    def current(item: str) -> tuple:
        """The item's urgency now: a mistake a chosen move already fixes, or a practice a chosen move
        already starts, no longer lifts it."""
        key = ("current", len(chosen), item)
        if key in memo:
            return memo[key]
        place = placements[item]
        if ("done", len(chosen)) not in memo:
            memo["done", len(chosen)] = ({m for c in chosen for m in placements[c].fixes},
                                         {placements[c].starts for c in chosen})
        handled, begun = memo["done", len(chosen)]
        left = [m for m in place.fixes if m not in handled]
        if len(left) == len(place.fixes) and place.starts not in begun:
            memo[key] = keys[item]
        else:
            intended = bool(place.starts) and place.starts not in begun
            memo[key] = (_tier(left, warned, advised[item].get("strength") == "essential", intended),) + keys[item][1:]
        return memo[key]

    def fits(item: str, needed: set[str]) -> bool:
        """Its batch (prerequisites and itself) fits; unless it fixes the most serious mistake (tier 0), it
        also serves a goal no move serves yet or leaves a move for each of them."""
        batch = [j for j in with_prerequisites(item) if j not in chosen]
        room = size - len(chosen)
        if len(batch) > room:
            return False
        served = {g for j in batch for g in placements[j].goals}
        return current(item)[0] == 0 or len(batch) + len(needed - served) <= room or bool(served & needed)

    def most_urgent(needed: set[str]) -> str | None:
        """The candidate that can start and fits with the least urgency key now. ``order`` is by the
        first keys, and a key now is never less than the first (a move only takes away what lifts an
        item), so the walk stops at the first item whose first key comes after the best key so far."""
        best = None
        for i in order:
            if best is not None and keys[i] > current(best):
                break
            if i not in chosen and can_start(i) and fits(i, needed) and (best is None or current(i) < current(best)):
                best = i
        return best

    while len(chosen) < size:
        item = most_urgent(uncovered())
        if item is None:
            break
        batch = [i for i in with_prerequisites(item) if i not in chosen]
        for prerequisite in batch[:-1]:
            pulled[prerequisite] = item
        chosen.extend(batch)

    moves = _prerequisites_first(cat, chosen, order)
    for number, item in enumerate(moves, 1):
        place = placements[item]
        place.place, place.order = "move", number
        place.why = why_move(cat, item, advised[item], place, warned, moves, kb)
        if item in pulled and pulled[item] in moves:
            place.why = [w for w in place.why if w not in {_(s) for s in STRONGEST}]

    # what waits, and why
    room = None
    for item in order:
        if item in moves:
            continue
        place = placements[item]
        firsts = [p for p in cat.attr(item, "after", ()) if p in advised]
        if item in waits and waits[item][0] == "fix":
            place.wait, reason = waits[item]
        elif [p for p in firsts if p in moves] and item not in waits:
            place.wait = "after"
            place.after = [p for p in firsts if p in moves]
            reason = wait_words("after_move", titles=titles(kb, place.after))
        elif item in waits:
            place.wait, reason = waits[item]
        elif firsts and not all(p in moves for p in firsts):
            place.wait = "after"
            place.after = [p for p in firsts if p not in moves]
            reason = wait_words("after_first", titles=titles(kb, place.after))
        else:
            place.wait = "room"
            if room is None:  # the same words for every item that waits for room
                room = wait_words("room", count=len(moves), capacity=capacity_words(capacity))
            reason = room
        speaks = cat.speaks_for(item, advised[item], place, warned)
        place.why = speaks + [reason] if place.wait == "room" else [reason] + speaks

    def group(item: str) -> int:
        place = placements[item]
        if (place.wait == "after" and all(p in moves for p in place.after)) or \
                (place.wait == "fix" and any(f in moves for m in place.deferred_by
                                             for f in cat.attr(m, "fixed_by", ()))):
            return 0  # it follows a move directly
        if tier(item) < 3 and place.wait in ("room", "capacity", "after"):
            return 1  # urgent, but there was no room, money or hands for it yet
        if place.wait == "stage":
            return 2  # the next stage of the staged plan
        return 3

    waiting = [i for i in order if i not in moves]
    ranked = sorted(waiting, key=lambda i: (group(i), keys[i]))
    later = _prerequisites_first(cat, ranked[:2 * size], ranked)
    for number, item in enumerate(later, 1):
        placements[item].place, placements[item].order = "later", number
    return Plan(capacity, size, phase, stated, moves, later, placements)


def _tier(fixes: list[str], warned: dict[str, Any], essential: bool, intended: bool = False) -> int:
    """0: fixes the most serious problem found; 1: essential, or fixes another high-severity one;
    2: fixes a medium one, or starts what the business is about to start; 3: the rest."""
    if not fixes:  # most items fix nothing
        return 1 if essential else (2 if intended else 3)
    severity = max((SEVERITIES[warned[m]["severity"]] for m in fixes), default=0)
    if any(warned[m]["rank"] == 1 for m in fixes):
        return 0
    if essential or severity >= SEVERITIES["high"]:
        return 1
    return 2 if severity >= SEVERITIES["medium"] or intended else 3


def _urgency(cat: MoveCatalog, item: str, entry: dict[str, Any], place: Placement, warned: dict[str, Any],
             phase: str | None) -> tuple:
    strength = entry.get("strength")
    if strength is None:  # a plan step: strong in the business's own phase (evaluation is never a phase's own work)
        own = phase is not None and entry.get("phase") == phase
        strength = "strong" if own else "moderate"
    tier = _tier(place.fixes, warned, entry.get("strength") == "essential", bool(place.starts))
    item_phase, load = cat.static(item)
    item_phase = item_phase or entry.get("phase")
    if phase is None or item_phase not in _PHASE_INDEX:
        stage = 1  # any stage
    else:
        stage = 0 if _PHASE_INDEX[item_phase] == _PHASE_INDEX[phase] else 2  # its own stage's work first
    return (tier, -STRENGTHS[strength], stage, -len(place.goals), load, -entry.get("priority", 0), item)


def _own_wait(cat: MoveCatalog, item: str, place: Placement, answers: dict[str, Any], derived: dict[str, Any],
              phase: str | None, capacity: str, tier: int, warned: dict[str, Any]) -> tuple[str, str] | None:
    """Why ``item`` cannot start now, leaving prerequisites aside (None: it can)."""
    if place.deferred_by:
        mistake = place.deferred_by[0]
        return "fix", wait_words("fix", mistake=warned[mistake]["title"])
    if tier <= 1:  # the rules that made it essential, or the mistake it fixes, already weighed the stage
        return None
    item_phase, cost, cost_index, heavy = cat.wait_basis(item)
    if phase is not None and item_phase in _PHASE_INDEX and _PHASE_INDEX[item_phase] > _PHASE_INDEX[phase]:
        return "stage", wait_words("stage", stage=item_phase if item_phase != "evaluate" else "operate")
    budget = answers.get("marketing_budget")
    if budget in _BUDGET_LIMIT and cost_index > _BUDGET_LIMIT[budget]:
        return "capacity", wait_words("cost", cost=cost, budget=budget)
    if capacity == "thin" and heavy:
        return "capacity", wait_words("work")
    return None


def _prerequisites_first(cat: MoveCatalog, items: list[str], order: list[str]) -> list[str]:
    """``items`` reordered so that each comes after the items of the list it must follow (stable otherwise)."""
    out: list[str] = []
    placed: set[str] = set()

    def place(item: str, seen: frozenset) -> None:
        if item in placed or item in seen:
            return
        for p in cat.attr(item, "after", ()):
            if p in items:
                place(p, seen | {item})
        placed.add(item)
        out.append(item)

    for item in items:
        place(item, frozenset())
    return out
