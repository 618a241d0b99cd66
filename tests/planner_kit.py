"""Helpers for the interview planner's soundness tests: the advice a report gives, and a generated
rule base full of disagreements.

"Advice" is what the planner promises not to change by skipping a question
(advisor/inference/outcomes.py): which items are recommended and how strongly, which
mistakes are warned of and how severely, what is not advised, the plan steps and
the KPIs. Ranks, supporting rules, notes, roles and sources are left out.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from advisor.inference.engine import Inference
from advisor.inference.profile import validate_answers
from advisor.kb.model import Firing
from advisor.report.build import build_report

Advice = dict[tuple[str, str], Any]  # (kind, item) -> strength, severity or True


def advice_of(report: dict[str, Any]) -> Advice:
    """The advice of a report (docs/report.md) as item -> outcome, read from its lists."""
    out: Advice = {}
    for entry in report["recommendations"]:
        out[("recommend", entry["id"])] = entry["strength"]
    for entry in report["warnings"]:
        out[("warn", entry["id"])] = entry["severity"]
    for key, kind in (("not_advised", "avoid"), ("plan", "step"), ("kpis", "kpi")):
        for entry in report[key]:
            out[(kind, entry["id"])] = True
    return out


def changed_items(a: Advice, b: Advice) -> set[tuple[str, str]]:
    """The items whose outcome differs between two pieces of advice (present in one only, or otherwise)."""
    return {item for item in set(a) | set(b) if a.get(item) != b.get(item)}


def advice_of_firings(kb: Any, fired: list[str]) -> Advice:
    """The advice the report gives when exactly these rules fire (the report built as `advise` builds it)."""
    inference = Inference(tuple(Firing(rule_id, 0, ()) for rule_id in sorted(fired)))
    return advice_of(build_report(kb, validate_answers({}, kb.fields), inference))


def write_disputed_rules(folder: Path, kb: Any, n: int, seed: int) -> Path:
    """A generated rule base (advisor.kb.generate) with disagreements everywhere.

    The generator only recommends at the default strength, never avoids and
    rarely warns of a mistake that targets what it recommends. Here priorities
    come from three values (ties decide too), half the warnings are of mistakes
    with targets and half the recommendations and avoids are of those targets, a
    quarter of the recommendations become ``avoid``, the rest get a random
    strength and warnings a random severity: every way conclude.py decides an
    item is exercised.
    """
    from advisor.kb.generate import generate_rules

    rng = random.Random(seed)
    rules = generate_rules(kb.fields, kb.catalog, n, seed=seed)
    targeting = sorted(m.id for m in kb.catalog.items_of("mistake") if m.get("targets"))
    targeted = sorted({x for m in targeting for x in kb.catalog.item(m).get("targets")})
    for rule in rules:
        rule["priority"] = rng.choice([40, 50, 60])
        for conclusion in rule["then"]:
            if "recommend" in conclusion:
                if rng.random() < 0.5:
                    conclusion["recommend"] = rng.choice(targeted)
                if rng.random() < 0.25:
                    conclusion["avoid"] = conclusion.pop("recommend")
                elif rng.random() < 0.7:
                    conclusion["strength"] = rng.choice(["essential", "strong", "moderate", "optional"])
            elif "warn" in conclusion:
                if rng.random() < 0.5:
                    conclusion["warn"] = rng.choice(targeting)
                if rng.random() < 0.7:
                    conclusion["severity"] = rng.choice(["high", "medium", "low"])
    folder.mkdir(parents=True, exist_ok=True)
    data = {"area": "generated", "title": "Generated rules with disagreements", "rules": rules}
    (folder / "disputed.yaml").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return folder
