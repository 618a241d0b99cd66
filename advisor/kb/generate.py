"""Seeded generators of rule bases and profiles, for scale tests and benchmarks.

Generated rules use the shipped profile fields, catalogs and source sections,
and every condition form the rule language has (equals, in, not_in, numeric
comparisons, between, contains, contains_any, contains_all, answered, derived
facts positive and negated, all / any / not), with derived facts chained over
several tiers. The same ``(n, seed)`` always gives the same rule base, so
anyone can reproduce a benchmark.

Example
-------
>>> from advisor.kb.knowledge_base import load_knowledge_base
>>> kb = load_knowledge_base()
>>> rules = generate_rules(kb.fields, kb.catalog, 5, seed=1)
>>> rules == generate_rules(kb.fields, kb.catalog, 5, seed=1)
True
>>> rules[0]["id"], len(rules) >= 5   # plus a deriver for each fact used but not derived
('gen-00000', True)

Stage: kb.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .fields import Field, FieldSet

__all__ = ["generate_rules", "write_rule_base", "random_profile", "TIERS"]

TIERS = 5
_THRESHOLDS = 6  # distinct thresholds per numeric field


def _thresholds(f: Field) -> list[float]:
    low, high = float(f.minimum or 0), float(f.maximum or 100)
    high = min(high, low + 200)  # keep thresholds where profiles put their values
    step = (high - low) / (_THRESHOLDS + 1)
    values = [low + step * (i + 1) for i in range(_THRESHOLDS)]
    return [int(v) if f.type == "integer" else round(v, 2) for v in values]


def _field_test(f: Field, rng: random.Random) -> dict[str, Any]:
    if f.type == "choice":
        ids = f.choice_ids()
        kind = rng.random()
        if kind < 0.5:
            return {"field": f.id, "equals": rng.choice(ids)}
        if kind < 0.87:
            return {"field": f.id, "in": sorted(rng.sample(ids, 2))}
        if kind < 0.95:
            return {"field": f.id, "not_in": [rng.choice(ids)]}
        return {"field": f.id, "answered": rng.random() < 0.5}
    if f.type == "multi":
        ids = f.choice_ids()
        kind = rng.random()
        if kind < 0.5:
            return {"field": f.id, "contains": rng.choice(ids)}
        if kind < 0.8:
            return {"field": f.id, "contains_any": sorted(rng.sample(ids, min(len(ids), 2)))}
        if kind < 0.92:
            return {"field": f.id, "contains_all": sorted(rng.sample(ids, min(len(ids), 2)))}
        return {"field": f.id, "answered": True}
    if f.type == "boolean":
        return {"field": f.id, "equals": rng.random() < 0.5}
    thresholds = _thresholds(f)
    kind = rng.random()
    if kind < 0.8:
        op = rng.choice(["less_than", "at_most", "greater_than", "at_least"])
        return {"field": f.id, op: rng.choice(thresholds)}
    a, b = sorted(rng.sample(thresholds, 2))
    return {"field": f.id, "between": [a, b]}


def generate_rules(fields: FieldSet, catalog: Catalog, n: int, seed: int = 0,
                   facts_per_tier: int | None = None) -> list[dict[str, Any]]:
    """``n`` rule dicts (the YAML form), reproducible from ``seed``, plus one deriving rule
    for each derived fact the ``n`` rules test but none of them derives."""
    rng = random.Random(seed)
    usable = [f for f in fields.fields]
    facts_per_tier = facts_per_tier or max(4, n // 40)
    tier_facts = [[f"g{t}_{k}" for k in range(facts_per_tier)] for t in range(TIERS)]
    targets = {
        "recommend": catalog.ids("channel", "tactic"),
        "warn": catalog.ids("mistake"),
        "step": catalog.ids("step"),
        "kpi": catalog.ids("kpi"),
    }
    sections = [s for s in catalog.sections() if s.actionable]
    quotes = _quotes(catalog, sections)
    rules = []
    for index in range(n):
        tier = rng.randrange(TIERS)
        tests: list[dict[str, Any]] = []
        for _ in range(rng.randint(2, 4)):
            tests.append(_field_test(rng.choice(usable), rng))
        if tier > 0 and rng.random() < 0.7:
            fact = rng.choice(tier_facts[rng.randrange(tier)])
            tests.append({"fact": fact} if rng.random() < 0.8 else {"not": {"fact": fact}})
        shape = rng.random()
        if shape < 0.06 and len(tests) >= 2:
            when: dict[str, Any] = {"any": tests}
        elif shape < 0.12:
            when = {"all": [tests[0], {"not": {"all": tests[1:]}}]} if len(tests) > 1 else {"not": tests[0]}
        else:
            when = {"all": tests} if len(tests) > 1 else tests[0]
        then: list[dict[str, Any]] = []
        if tier < TIERS - 1 and rng.random() < 0.45:
            then.append({"derive": rng.choice(tier_facts[tier])})
        kind = rng.choice(["recommend", "recommend", "warn", "step", "kpi"])
        if targets[kind] and (not then or rng.random() < 0.5):
            then.append({kind: rng.choice(targets[kind])})
        if not then:
            then.append({"derive": rng.choice(tier_facts[min(tier, TIERS - 2)])})
        section = rng.choice(sections)
        rules.append({
            "id": f"gen-{index:05d}",
            "title": f"Generated rule {index}",
            "priority": rng.randint(10, 90),
            "when": when,
            "then": then,
            "because": "A generated rule for scale tests; it carries no advice.",
            "source": {"doc": section.doc, "section": section.id, "quote": quotes[section.key()]},
            **_GENERATED,
        })
    # Derived facts used but never derived would be refused: add one deriver for each.
    derived = {c["derive"] for r in rules for c in r["then"] if "derive" in c}
    used = set()
    for r in rules:
        _collect_facts(r["when"], used)
    for fact in sorted(used - derived):
        section = sections[0]
        rules.append({
            "id": f"gen-fact-{fact.replace('_', '-')}",
            "title": f"Derive {fact}",
            "when": _field_test(usable[len(rules) % len(usable)], rng),
            "then": [{"derive": fact}],
            "because": "A generated rule for scale tests; it carries no advice.",
            "source": {"doc": section.doc, "section": section.id, "quote": quotes[section.key()]},
            **_GENERATED,
        })
    return rules


#: generated rules say that they are no reading of the sources
_GENERATED = {"basis": "assumption", "judgement": "A generated rule: its condition and conclusion are random."}


def _quotes(catalog: Catalog, sections: list) -> dict[str, str]:
    """Each section's first few words, as generated rules quote them (a quote the loader accepts)."""
    from .passages import collapse, passages_for

    out = {}
    for section in sections:
        text = collapse(" ".join(passages_for(catalog.root).text(section.doc, *section.lines).split("\n")))
        out[section.key()] = " ".join(text.split()[:8]) or section.title
    return out


def _collect_facts(condition: Any, into: set[str]) -> None:
    if isinstance(condition, dict):
        if "fact" in condition:
            into.add(condition["fact"])
        for key in ("all", "any"):
            for item in condition.get(key, ()):
                _collect_facts(item, into)
        if "not" in condition:
            _collect_facts(condition["not"], into)


def write_rule_base(directory: Path | str, fields: FieldSet, catalog: Catalog, n: int, seed: int = 0,
                    per_file: int = 1000) -> list[Path]:
    """Write ``n`` generated rules as YAML files under ``directory``; returns the files."""
    import json

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    rules = generate_rules(fields, catalog, n, seed)
    paths = []
    for start in range(0, len(rules), per_file):
        chunk = rules[start:start + per_file]
        path = folder / f"generated-{start // per_file:03d}.yaml"
        # JSON is valid YAML and far quicker to write than block style
        data = {"area": "generated", "title": f"Generated rules {start}-{start + len(chunk) - 1}", "rules": chunk}
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def random_profile(fields: FieldSet, rng: random.Random, answer_rate: float = 0.75) -> dict[str, Any]:
    """A valid random profile; each field answered with probability ``answer_rate``."""
    profile: dict[str, Any] = {}
    for f in fields.fields:
        if rng.random() > answer_rate:
            continue
        if f.type == "choice":
            profile[f.id] = rng.choice(f.choice_ids())
        elif f.type == "multi":
            ids = f.choice_ids()
            profile[f.id] = sorted(rng.sample(ids, rng.randint(0, min(4, len(ids)))))
        elif f.type == "boolean":
            profile[f.id] = rng.random() < 0.5
        else:
            thresholds = _thresholds(f)
            if rng.random() < 0.3:
                value = rng.choice(thresholds)  # exactly on a threshold: the boundary cases
            else:
                value = rng.uniform(float(f.minimum or 0), min(float(f.maximum or 100), float(f.minimum or 0) + 220))
            profile[f.id] = int(value) if f.type == "integer" else round(value, 2)
    return profile
