"""The report: the stable JSON contract every renderer reads (docs/report.md).

Assembled from the engine's firings (:mod:`advisor.inference.engine`), the decided
conclusions (:mod:`advisor.inference.conclude`) and the documented ranking
(:mod:`advisor.report.ranking`). Everything is sorted; nothing depends on time,
paths or dictionary order, so the same profile gives the same bytes.

Stage: report.
"""

from __future__ import annotations

import json
from typing import Any, Collection, Mapping

from advisor.i18n import _, current
from advisor.inference import Conclusions, Inference, Profile, Support, as_profile, conclude, infer
from advisor.kb import BASES, MARKET_FIELD, Citation, KnowledgeBase, Rule, for_market
from advisor.version import __version__

from .diagnosis import diagnosis, item_start
from .moves import plan_moves
from .ranking import (
    explain_rank,
    plain_key,
    rank_reason,
    ranked_recommendations,
    severity_of,
    step_key,
    warning_key,
)

__all__ = ["REPORT_KEYS", "REPORT_VERSION", "ItemEntry", "advise", "build_report", "unanswered_fields"]

REPORT_VERSION = 3

#: The report's top-level keys, in the order it lists them (docs/report.md).
REPORT_KEYS = ("report_version", "advisor_version", "business", "summary", "diagnosis", "next_moves",
               "recommendations", "warnings", "not_advised", "plan", "kpis", "derived_facts", "conflicts",
               "unanswered", "fired_rules", "sequences")


def _sources(kb: KnowledgeBase, rules: list[Rule]) -> list[dict[str, Any]]:
    """The sections the rules cite, each with the sentences quoted from it (in rule order, once each)."""
    seen: dict[str, Citation] = {}
    quotes: dict[str, dict[str, None]] = {}
    for rule in rules:
        for citation in rule.sources:
            seen.setdefault(citation.key(), citation)
            quotes.setdefault(citation.key(), {}).update(dict.fromkeys(citation.quotes))
    out = []
    for key in sorted(seen):
        citation = seen[key]
        section = kb.catalog.section(citation.doc, citation.section)
        said = list(quotes[key])
        said = [q for q in said if not any(q != other and q in other for other in said)]  # a part of another: once
        out.append({"doc": citation.doc, "section": citation.section, "title": section.title if section else "",
                    "quotes": said})
    return out


def _basis(rules: list[Rule]) -> tuple[str, list[dict[str, str]]]:
    """The strongest basis among the rules behind an item, and the judgement of each that is no source."""
    marked = [r.basis for r in rules if r.basis in BASES]
    basis = min(marked, key=BASES.index) if marked else ""
    judgements = [{"rule": r.id, "basis": r.basis, "judgement": r.judgement} for r in rules
                  if r.basis in ("reading", "assumption")]
    return basis, judgements


def _ordered_supports(supports: list[Support]) -> list[Support]:
    return sorted(supports, key=lambda s: (-s.priority, s.rule_id))


def _notes(supports: list[Support]) -> list[str]:
    seen: dict[str, None] = {}
    for s in _ordered_supports(supports):
        if s.conclusion.note:
            seen.setdefault(s.conclusion.note, None)
    return list(seen)


class ItemEntry(dict):
    """A report item: a plain dict to every reader, which also keeps the compact JSON text of its
    leading keys (``head``: the part :func:`_item_base` makes, without the braces), so that the batch
    writes that part without encoding it again (:func:`advisor.report.batch.compact_json`). The text
    stands for those keys as built: it is only used for a report written as soon as it is built."""

    __slots__ = ("head", "head_keys")


def _item_base(kb: KnowledgeBase, item_id: str, supports: list[Support]) -> ItemEntry:
    """An item's report entry as far as its catalog entry and supporting rules make it: the same
    supports give the same entry, so it is built (and encoded) once per knowledge base and copied
    (fresh lists, so that a caller changing one report changes no other)."""
    memo = kb.__dict__.get("_item_bases")
    if memo is None:
        memo = {}
        object.__setattr__(kb, "_item_bases", memo)
    key = (item_id,) + tuple((s.rule_id, s.priority, s.conclusion.note) for s in supports)
    found = memo.get(key)
    if found is None:
        base = _new_item_base(kb, item_id, supports)
        found = memo[key] = (base, json.dumps(base, ensure_ascii=False, separators=(",", ":"))[1:-1], tuple(base))
    base, head, head_keys = found
    entry = ItemEntry(base)
    entry.update(because=list(base["because"]), notes=list(base["notes"]),
                 sources=[source | {"quotes": list(source["quotes"])} for source in base["sources"]],
                 judgements=[dict(j) for j in base["judgements"]])
    entry.head, entry.head_keys = head, head_keys
    return entry


def _new_item_base(kb: KnowledgeBase, item_id: str, supports: list[Support]) -> dict[str, Any]:
    entry = kb.catalog.item(item_id)
    ordered = _ordered_supports(supports)
    rules = [kb.rule(s.rule_id) for s in ordered]
    rule_ids = list(dict.fromkeys(s.rule_id for s in ordered))
    basis, judgements = _basis(list({r.id: r for r in rules if r is not None}.values()))
    return {
        "id": item_id,
        "kind": entry.kind if entry else "",
        "title": entry.name if entry else item_id,
        "description": entry.description if entry else "",
        "because": rule_ids,
        "rationale": rules[0].because if rules and rules[0] else "",
        "notes": _notes(supports),
        "priority": max(s.priority for s in supports),
        "support": len(rule_ids),
        "sources": _sources(kb, [r for r in rules if r is not None]),
        "quote": next((q for r in rules if r is not None for c in r.sources for q in c.quotes), ""),
        "basis": basis,
        "judgements": judgements,
    }


def _decision_json(decision: Any) -> dict[str, Any]:
    return {
        "item": decision.item,
        "outcome": "recommended" if decision.winner == "recommend" else "not_advised",
        "for": [{"rule": s.rule_id, "priority": s.priority} for s in decision.supporters],
        "against": [{"rule": s.rule_id, "priority": s.priority,
                     "via": s.conclusion.kind + ":" + s.conclusion.target} for s in decision.opposers],
        "reason": decision.reason,
    }


def advise(kb: KnowledgeBase, profile: Profile | Mapping[str, Any], *,
           keys: Collection[str] | None = None) -> dict[str, Any]:
    """The report (see docs/report.md) for one profile, as plain JSON-ready data (only ``keys``, when given)."""
    checked = as_profile(kb, profile)
    return build_report(kb, checked, infer(kb, checked), keys=keys)


def build_report(kb: KnowledgeBase, profile: Profile, inference: Inference, *, whole: bool = True,
                 conclusions: Conclusions | None = None, keys: Collection[str] | None = None) -> dict[str, Any]:
    """The report for one profile (see docs/report.md for every key).

    ``whole=False`` leaves out ``unanswered`` and ``fired_rules`` (the interview planner's pass over
    every rule, and each firing's matched facts), which the next moves and the diagnosis do not
    read: an explanation needs the advice in its order, not those. ``conclusions`` are the
    inference's, when the caller has decided them already. ``keys`` (of :data:`REPORT_KEYS`) keeps
    only those top-level keys, in the report's order, and skips the work of the unanswered
    questions, the fired rules and the diagnosis when they are left out; every key kept is what the
    whole report holds.
    """
    wanted = REPORT_KEYS if keys is None else frozenset(keys)
    kb = for_market(kb, profile)  # the texts name the platforms of the business's market
    found = conclusions if conclusions is not None else conclude(kb, inference)
    decisions = {d.item: d for d in found.decisions}
    answers = profile.as_dict()
    derived_values = {d.fact: d.value for d in inference.derived}

    def start_of(supports: list[Support]) -> str:
        return item_start(kb, [s.conclusion.start for s in supports], answers, derived_values)

    recommendations = []
    for rank, (item, supports, strength, priority, count) in enumerate(ranked_recommendations(found.recommend), 1):
        roles = sorted({s.conclusion.role for s in supports if s.conclusion.role})
        entry = _item_base(kb, item, supports)
        entry.update(
            rank=rank,
            strength=strength,
            roles=roles,
            rank_reason=rank_reason(rank, priority, count, strength=strength),
            conflict=_decision_json(decisions[item]) if item in decisions else None,
            start=start_of(supports) or None,
        )
        recommendations.append(entry)

    warnings = []
    for rank, (item, supports) in enumerate(
            sorted(found.warn.items(), key=lambda kv: warning_key(kv[0], kv[1], _default_severity(kb, kv[0]))), 1):
        severity = severity_of(supports, _default_severity(kb, item))
        entry = _item_base(kb, item, supports)
        catalog_item = kb.catalog.item(item)
        entry.update(rank=rank, severity=severity, fix=catalog_item.get("fix", "") if catalog_item else "",
                     rank_reason=explain_rank(rank, supports, severity=severity))
        warnings.append(entry)

    # advised against directly (avoid), or overruled by a warning of a mistake that targets it
    against = {item: list(supports) for item, supports in found.avoid.items()}
    for decision in found.decisions:
        if decision.winner == "avoid" and decision.item not in against:
            against[decision.item] = list(decision.opposers)
    not_advised = []
    for item, supports in sorted(against.items(), key=lambda kv: plain_key(*kv)):
        entry = _item_base(kb, item, supports)
        entry["conflict"] = _decision_json(decisions[item]) if item in decisions else None
        not_advised.append(entry)

    plan = []
    for item, supports in sorted(found.step.items(), key=lambda kv: step_key(kv[0], kv[1], _phase(kb, kv[0]))):
        entry = _item_base(kb, item, supports)
        entry["phase"] = _phase(kb, item)
        entry["start"] = start_of(supports) or None
        plan.append(entry)

    kpis = []
    for item, supports in sorted(found.kpi.items(), key=lambda kv: plain_key(*kv)):
        entry = _item_base(kb, item, supports)
        catalog_item = kb.catalog.item(item)
        entry["unit"] = catalog_item.get("unit", "") if catalog_item else ""
        entry["targets"] = sorted({s.conclusion.kpi_target for s in supports if s.conclusion.kpi_target})
        kpis.append(entry)

    derived = []
    for d in inference.derived:
        derived.append({
            "name": d.fact,
            "value": d.value,
            "meaning": kb.rules.facts.get(d.fact, ""),
            "because": list(d.supporters),
            "set_by": d.rule_id,
            "overridden": [{"rule": rule_id, "value": value} for rule_id, value in d.overridden],
        })

    fired = []
    for firing in inference.firings if whole and "fired_rules" in wanted else ():
        rule = kb.rule(firing.rule_id)
        fired.append({
            "id": firing.rule_id,
            "title": rule.title if rule else "",
            "area": rule.area if rule else "",
            "level": firing.level,
            "priority": rule.priority if rule else 0,
            "basis": rule.basis if rule else "",
            "matched": firing.fact_keys(),
        })

    report = {
        "report_version": REPORT_VERSION,
        "advisor_version": __version__,
        "business": {"name": profile.name, "answers": answers, "highlights": _highlights(kb, profile)},
        "summary": {
            "recommendations": len(recommendations),
            "warnings": len(warnings),
            "not_advised": len(not_advised),
            "plan_steps": len(plan),
            "kpis": len(kpis),
            "rules_fired": len(inference.firings),
            "rules_total": len(kb.rules.rules),
            "fields_answered": len(profile.answers),
            "fields_total": len(kb.fields.fields),
        },
        "recommendations": recommendations,
        "warnings": warnings,
        "not_advised": not_advised,
        "plan": plan,
        "kpis": kpis,
        "derived_facts": derived,
        "conflicts": [_decision_json(d) for d in sorted(found.decisions, key=lambda d: d.item)],
    }
    if whole:
        report["unanswered"] = unanswered_fields(kb, profile, inference) if "unanswered" in wanted else []
        report["fired_rules"] = fired
    report = _with_moves(kb, report, answers, derived_values, "diagnosis" in wanted)
    return report if keys is None else {key: value for key, value in report.items() if key in wanted}


def _with_moves(kb: KnowledgeBase, report: dict[str, Any], answers: dict[str, Any],
                derived: dict[str, Any], diagnose: bool = True) -> dict[str, Any]:
    """The report with its next moves chosen (:mod:`advisor.report.moves`), each item's place among
    them, the sequences the sources support, and the diagnosis on top."""
    plan = plan_moves(kb, report, answers, derived)
    for entry in report["recommendations"] + report["plan"]:
        place = plan.placements[entry["id"]]
        entry["waits_for"] = list(place.deferred_by)
        entry["next"] = place.to_dict()
    sequences = []
    warned = {e["id"]: e for e in report["warnings"]}
    for entry in report["recommendations"]:
        for mistake in entry["waits_for"]:
            fixed_by = [i for i in (kb.catalog.item(mistake).get("fixed_by", ()) if kb.catalog.item(mistake) else ())
                        if i in plan.placements]
            sequences.append({"item": entry["id"], "after": mistake, "fixed_by": fixed_by,
                              "reason": f"first fix {warned[mistake]['title'][:1].lower()}"
                                        f"{warned[mistake]['title'][1:]}, then {entry['title'][:1].lower()}"
                                        f"{entry['title'][1:]}: {warned[mistake]['fix']}"})
    report["summary"]["next_moves"] = len(plan.moves)
    head = {key: report[key] for key in ("report_version", "advisor_version", "business", "summary")}
    head["diagnosis"] = diagnosis(kb, report, plan, answers) if diagnose else None
    head["next_moves"] = list(plan.moves)
    rest = {key: value for key, value in report.items() if key not in head}
    rest["sequences"] = sequences
    return head | rest


_HIGHLIGHTS = ("business_model", "product_type", "price_level", "business_stage", "marketing_budget")


def _highlights(kb: KnowledgeBase, profile: Profile) -> list[str]:
    out = []
    market = kb.fields.get(MARKET_FIELD)
    if market is not None and market.choices:  # whose platforms the report names, stated or not
        value = profile.get(MARKET_FIELD)
        if value is not None:
            out.append(_("{label}: {value}").format(label=market.label, value=market.label_of(value)))
        elif market.default is not None:
            out.append(_("{label}: {value} (not answered; the default)").format(
                label=market.label, value=market.label_of(market.default)))
    for name in _HIGHLIGHTS:
        f = kb.fields.get(name)
        value = profile.get(name)
        if f is not None and value is not None:
            # English shows the choice's id in words ("physical goods"); another language its translated label
            shown = str(value).replace("_", " ") if f.choices and current() == "en" else f.label_of(value)
            out.append(_("{label}: {value}").format(label=f.label, value=shown))
    return out


def _default_severity(kb: KnowledgeBase, item: str) -> str:
    entry = kb.catalog.item(item)
    return entry.get("severity", "medium") if entry else "medium"


def _phase(kb: KnowledgeBase, item: str) -> str:
    entry = kb.catalog.item(item)
    return entry.get("phase", "") if entry else ""


# --------------------------------------------------------------------------- unanswered


def _planner(kb: KnowledgeBase) -> Any:
    planner = kb.__dict__.get("_planner")
    if planner is None:
        from advisor.interview import Planner

        planner = Planner(kb)
        object.__setattr__(kb, "_planner", planner)
    return planner


def unanswered_fields(kb: KnowledgeBase, profile: Profile, inference: Inference) -> list[dict[str, Any]]:
    """Unanswered questions whose answer could still change the advice, with the rules it would settle.

    The same reasoning as the questionnaire's (:mod:`advisor.interview.planner`): a
    question counts when it applies (its ``ask_if`` is not false) and some rule
    that did not fire could still change an item of the advice while the
    question is open (ranking alone does not count).
    """
    assessment = _planner(kb).assess(profile.as_dict())
    fired = set(inference.fired_ids())
    out = []
    for name in assessment.askable + assessment.waiting:
        unlocked = sorted(assessment.stakes.get(name, frozenset()) - fired)
        if unlocked:
            f = kb.fields.get(name)
            out.append({"field": name, "label": f.label, "question": f.question,
                        "unlocks": len(unlocked), "rules": unlocked})
    out.sort(key=lambda e: (-e["unlocks"], kb.fields.get(e["field"]).order))
    return out
