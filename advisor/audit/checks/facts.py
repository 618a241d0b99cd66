"""Derived facts: derived but never used, derived but never declared, declared but never derived,
and circular derivations (with every cycle spelled out).

Stage: audit.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from advisor.errors import elide

from ..checks import Check, check
from ..finding import Finding, Severity

W = Severity.WARNING

CHECKS = (
    Check("A301", "fact-unused", W, "A derived fact that no rule tests.",
          fail="then: [{derive: web_sells}]     # and no rule has {fact: web_sells}",
          passes="then: [{derive: web_sells}]     # and another rule: when: {fact: web_sells}",
          fix="Test the fact in the rules it was meant for, or stop deriving it."),
    Check("A302", "fact-undeclared", W, "A derived fact that no rule file declares under `facts:`, so the "
          "report cannot say what it means.",
          fail="facts: {}\nrules:\n  - ...\n    then: [{derive: web_sells}]",
          passes="facts:\n  web_sells: The web can carry the whole sale, from browsing to payment.",
          fix="Declare the fact under `facts:` in the file that derives it, with what it means."),
    Check("A303", "fact-never-derived", W, "A fact declared under `facts:` that no rule derives.",
          fail="facts:\n  web_sells: The web can carry the whole sale.\nrules: []   # nothing derives web_sells",
          passes="facts: {}",
          fix="Derive the fact in a rule, or remove the declaration."),
    Check("A401", "cycle", Severity.ERROR, "Derived facts depend on each other in a cycle, so no order of the "
          "rules can decide them.",
          fail="- id: a\n  when: {fact: y}\n  then: [{derive: x}]\n- id: b\n  when: {fact: x}\n  then: [{derive: y}]",
          passes="- id: a\n  when: {field: price_level, equals: high}\n  then: [{derive: x}]\n"
                 "- id: b\n  when: {fact: x}\n  then: [{derive: y}]",
          fix="Break the cycle: a derived fact must not depend, through other rules, on itself."),
)


def run(ctx) -> Iterable[Finding]:
    derivers: dict[str, list] = {}
    for rule in ctx.rules:
        for c in rule.then:
            if c.kind == "derive":
                derivers.setdefault(c.target, []).append((rule, c))
    used = {name for rule in ctx.rules for name in rule.facts_used()}
    declared = ctx.fact_declarations
    for fact in sorted(derivers):
        entries = sorted(derivers[fact], key=lambda e: ctx.order[e[0].id])
        first_rule, first = entries[0]
        ids = tuple(r.id for r, _ in entries)
        where = first.location or first_rule.location
        if fact not in used:
            yield check("A301").at(where, f"derived fact {fact!r} is never tested by any rule "
                                   f"(derived by {', '.join(ids)})", rules=ids)
        if fact not in declared:
            yield check("A302").at(where, f"derived fact {fact!r} is not declared under `facts:` in any rule file",
                                   rules=ids)
    for fact in sorted(set(declared) - set(derivers)):
        for location in declared[fact]:
            yield check("A303").at(location, f"fact {fact!r} is declared but no rule derives it")
    yield from _cycles(ctx)


def _cycles(ctx) -> Iterable[Finding]:
    import networkx as nx

    graph = ctx.fact_graph
    by_id = {r.id: r for r in ctx.rules}
    for group in ctx.cycles:
        start = group[0]
        sub = graph.subgraph(group)
        edges = nx.find_cycle(sub, start) if not sub.has_edge(start, start) else [(start, start)]
        steps = []
        involved: list[str] = []
        for fact, used in edges:
            rule_id = sorted(sub[fact][used]["rules"])[0]
            involved.append(rule_id)
            steps.append(f"{fact} is derived by {rule_id!r}, which tests {used}")
        ids = tuple(sorted(set(involved)))
        first = min((by_id[i] for i in ids), key=lambda r: ctx.order[r.id])
        extra = f" (the cycle group also holds: {elide([f for f in group if f not in {e[0] for e in edges}], ', ')})" \
            if len(group) > len(edges) else ""
        found = check("A401").at(first.location, "derived facts depend on each other in a cycle: "
                                 + elide(steps, "; ") + f"; so {start} depends on itself" + extra, rules=ids,
                                 related=tuple(by_id[i].location for i in ids if by_id[i] is not first))
        # a long cycle is summarised in the message; --format json lists every step
        yield replace(found, steps=tuple(steps)) if len(steps) > 7 else found
