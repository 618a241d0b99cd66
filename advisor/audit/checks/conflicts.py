"""Conflicts no priority decides: rules that can fire for one profile and recommend an item while
another advises against it (or warns of a mistake that targets it), or derive different values for
one fact - each shown with a profile that triggers both, checked with the reference evaluator.

Pairs come from an index by item (or fact) and priority, never from all pairs of rules.

Stage: audit.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..checks import Check, check
from ..domains import value_key, word
from ..finding import Finding, Severity

W = Severity.WARNING

CHECKS = (
    Check("A601", "item-conflict", W, "Two rules of the same priority can fire for one profile, one recommending "
          "an item and the other advising against it or warning of a mistake that targets it.",
          fail="- id: seo-for-shops\n  priority: 50\n  when: {field: storefront, equals: own_site}\n"
               "  then: [{recommend: seo}]\n- id: no-seo-at-launch\n  priority: 50\n"
               "  when: {field: business_stage, equals: launch}\n  then: [{avoid: seo}]",
          passes="- id: no-seo-at-launch\n  priority: 60   # decided on purpose; say why in `because`\n  ...",
          fix="Give the rule that should win a higher priority (and say why in its `because`), or make the "
              "conditions exclude each other."),
    Check("A602", "fact-conflict", W, "Two rules of the same priority can fire for one profile and derive "
          "different values for one fact.",
          fail="- id: tier-by-price\n  when: {field: price_level, equals: high}\n"
               "  then: [{derive: tier, value: premium}]\n- id: tier-by-stage\n"
               "  when: {field: business_stage, equals: launch}\n  then: [{derive: tier, value: starter}]",
          passes="- id: tier-by-price\n  priority: 60   # the price decides first\n  ...",
          fix="Give the rule whose value should win a higher priority, or make the conditions exclude each other."),
)

#: how many candidate profiles to try per pair of rules before giving up (no finding then),
#: and in all (a rule base full of near-conflicts must not make the audit slow)
_TRIES = 24
_TOTAL_TRIES = 20_000


def run(ctx) -> Iterable[Finding]:
    reasoner = ctx.reasoner
    live = [r for r in ctx.rules if r.id not in ctx.cyclic_rules and reasoner.fireable(r)]
    yield from _item_conflicts(ctx, live)
    yield from _fact_conflicts(ctx, live)


def _item_conflicts(ctx, live) -> Iterable[Finding]:
    pro: dict[str, list] = {}
    con: dict[str, dict[int, list]] = {}
    for rule in live:
        for c in rule.then:
            if c.kind == "recommend":
                pro.setdefault(c.target, []).append((rule, c, f"recommends {c.target}"))
            elif c.kind == "avoid":
                con.setdefault(c.target, {}).setdefault(rule.priority, []).append(
                    (rule, c, f"advises against {c.target}"))
            elif c.kind == "warn":
                entry = ctx.catalog.item(c.target)
                for target in (entry.get("targets", ()) if entry else ()):
                    con.setdefault(target, {}).setdefault(rule.priority, []).append(
                        (rule, c, f"warns of the mistake {c.target}, which targets {target}"))
    for item in sorted(set(pro) & set(con)):
        for rule, conclusion, says in pro[item]:
            for other, other_conclusion, other_says in con[item].get(rule.priority, ()):
                example = find_example(ctx, rule, other)
                if example is None:
                    continue
                yield _finding(ctx, "A601", (rule, conclusion, says), (other, other_conclusion, other_says), example,
                               f"no priority decides between them (both {rule.priority}), so caution wins the tie "
                               f"and {item} is not advised")


def _fact_conflicts(ctx, live) -> Iterable[Finding]:
    by_fact: dict[str, list] = {}
    for rule in live:
        for c in rule.then:
            if c.kind == "derive":
                by_fact.setdefault(c.target, []).append((rule, c))
    for fact in sorted(by_fact):
        entries = by_fact[fact]
        groups: dict[int, list] = {}
        for rule, c in entries:
            groups.setdefault(rule.priority, []).append((rule, c))
        for priority, members in sorted(groups.items()):
            members.sort(key=lambda e: e[0].id)
            for i, (rule, c) in enumerate(members):
                for other, oc in members[i + 1:]:
                    if value_key(c.value) == value_key(oc.value):
                        continue
                    example = find_example(ctx, rule, other)
                    if example is None:
                        continue
                    yield _finding(ctx, "A602", (rule, c, f"derives {fact} = {word(c.value)}"),
                                   (other, oc, f"derives {fact} = {word(oc.value)}"), example,
                                   f"both have priority {priority}, so only the order of their ids decides "
                                   f"({rule.id!r} wins)")


def find_example(ctx, rule, other) -> dict[str, Any] | None:
    """A profile for which the reference evaluator fires both rules, or None."""
    reasoner = ctx.reasoner
    left = ctx.extra.setdefault("conflict_tries", _TOTAL_TRIES)
    if left <= 0:
        return None
    tries = 0
    for alt in reasoner.alternatives(rule):
        if reasoner.check(alt) is not None:
            continue
        for other_alt in reasoner.alternatives(other):
            if reasoner.check(other_alt) is not None:
                continue
            merged = reasoner.meet(alt.state, other_alt.state)
            if merged is None:
                continue
            for profile in reasoner.examples(merged):
                tries += 1
                ctx.extra["conflict_tries"] -= 1
                if {rule.id, other.id} <= ctx.fires(profile, among=(rule.id, other.id)):
                    return profile
                if tries >= _TRIES or ctx.extra["conflict_tries"] <= 0:
                    return None
    return None


def _finding(ctx, code: str, first: tuple, second: tuple, example: dict, decided: str) -> Finding:
    (a, ac, a_says), (b, bc, b_says) = sorted((first, second), key=lambda e: ctx.order[e[0].id])
    shown = ", ".join(f"{k}={word(v)}" for k, v in example.items()) or "an empty profile"
    message = (f"rules {a.id!r} ({a_says}) and {b.id!r} ({b_says}) both fire for one profile; {decided}. "
               f"Example: {shown}")
    return check(code).at(bc.location or b.location, message, rules=(b.id, a.id), example=example,
                          related=(ac.location or a.location,))
