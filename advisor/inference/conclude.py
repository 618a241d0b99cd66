"""From firings to conclusions: gather what the fired rules say about each item,
and decide the conflicts between them.

An item (a channel, tactic, mistake, KPI or plan step) is concluded by every
fired rule that names it. Two kinds of disagreement are decided here:

* ``recommend X`` against ``avoid X``, or against a warning of a mistake whose
  catalog entry ``targets`` X;
* (derived facts with two values are decided in the engine, by the same rule).

The side with the higher-priority rule wins; on a tie, caution wins (the
``avoid`` or the warning). The losing conclusions are dropped from the report
and the decision is kept, with both sides, so it can be shown and explained.

Stage: inference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.i18n import _
from advisor.kb import Conclusion, KnowledgeBase

from .engine import Inference

__all__ = ["OUTCOMES", "Support", "Decision", "Conclusions", "conclude"]

#: conclusion kind -> the outcome of an item that kind put in the report
OUTCOMES = {"recommend": "recommended", "warn": "warning", "avoid": "not_advised", "step": "plan", "kpi": "kpi"}


@dataclass(frozen=True)
class Support:
    """One fired rule concluding one item."""

    rule_id: str
    priority: int
    conclusion: Conclusion


@dataclass(frozen=True)
class Decision:
    """A conflict about one item and how it was decided."""

    item: str
    winner: str  # "recommend" or "avoid"
    supporters: tuple[Support, ...]  # rules recommending the item
    opposers: tuple[Support, ...]  # rules avoiding it or warning of a mistake that targets it
    reason: str


@dataclass
class Conclusions:
    """Conclusions by kind: item id -> the supports that concluded it."""

    recommend: dict[str, list[Support]] = field(default_factory=dict)
    avoid: dict[str, list[Support]] = field(default_factory=dict)
    warn: dict[str, list[Support]] = field(default_factory=dict)
    step: dict[str, list[Support]] = field(default_factory=dict)
    kpi: dict[str, list[Support]] = field(default_factory=dict)
    decisions: list[Decision] = field(default_factory=list)
    overruled: dict[str, Decision] = field(default_factory=dict)  # "kind:item" -> decision that removed it


def conclude(kb: KnowledgeBase, inference: Inference) -> Conclusions:
    """Gather and decide the conclusions of the fired rules (see the module notes)."""
    out = Conclusions()
    tables = {kind: getattr(out, kind) for kind in OUTCOMES}
    supports = _supports(kb)
    for firing in inference.firings:
        for kind, target, support in supports.get(firing.rule_id, ()):
            table = tables[kind]
            if target in table:
                table[target].append(support)
            else:
                table[target] = [support]
    _decide(kb, out)
    return out


def _supports(kb: KnowledgeBase) -> dict[str, tuple[tuple[str, str, Support], ...]]:
    """Each rule's conclusions other than derived facts, as (kind, target, support): a support depends
    only on its rule and conclusion, and is immutable, so it is made once per knowledge base."""
    found = kb.__dict__.get("_supports")
    if found is None:
        found = {rule.id: tuple((c.kind, c.target, Support(rule.id, rule.priority, c))
                                for c in rule.then if c.kind != "derive")
                 for rule in kb.rules.rules}
        object.__setattr__(kb, "_supports", found)
    return found


def _decide(kb: KnowledgeBase, out: Conclusions) -> None:
    against: dict[str, list[tuple[str, str, Support]]] = {}  # item -> (kind, key, support)
    for item, supports in out.avoid.items():
        for s in supports:
            against.setdefault(item, []).append(("avoid", item, s))
    for mistake, supports in out.warn.items():
        entry = kb.catalog.item(mistake)
        for target in (entry.get("targets", ()) if entry else ()):
            for s in supports:
                against.setdefault(target, []).append(("warn", mistake, s))
    for item in sorted(set(out.recommend) & set(against)):
        pro = out.recommend[item]
        con = against[item]
        best_for = max(s.priority for s in pro)
        best_against = max(s.priority for _kind, _key, s in con)
        opposers = tuple(sorted((s for _kind, _key, s in con), key=lambda s: (-s.priority, s.rule_id)))
        supporters = tuple(sorted(pro, key=lambda s: (-s.priority, s.rule_id)))
        if best_for > best_against:
            reason = _("recommended: the strongest rule for it ({winner}, priority {high}) outranks the strongest "
                       "against it ({loser}, priority {low})").format(winner=supporters[0].rule_id, high=best_for,
                                                                      loser=opposers[0].rule_id, low=best_against)
            decision = Decision(item, "recommend", supporters, opposers, reason)
            for kind, key, _support in con:
                table = out.avoid if kind == "avoid" else out.warn
                if key in table:
                    del table[key]
                out.overruled[f"{kind}:{key}"] = decision
        else:
            if best_for == best_against:
                reason = _("not advised: the rules for and against it have the same priority ({priority}), and "
                           "caution wins a tie").format(priority=best_for)
            else:
                reason = _("not advised: the strongest rule against it ({winner}, priority {high}) outranks the "
                           "strongest for it ({loser}, priority {low})").format(
                    winner=opposers[0].rule_id, high=best_against, loser=supporters[0].rule_id, low=best_for)
            decision = Decision(item, "avoid", supporters, opposers, reason)
            del out.recommend[item]
            out.overruled[f"recommend:{item}"] = decision
        out.decisions.append(decision)
