"""Rules that can never fire, parts of conditions that can never hold, thresholds outside a
field's range (see :mod:`advisor.audit.reasoning` for how "never" is decided).

Stage: audit.
"""

from __future__ import annotations

from typing import Iterable

from advisor.errors import Location

from ..checks import Check, check
from ..finding import Finding, Severity
from ..reasoning import MAX_NEGATED_ALTERNATIVES, Alternative, Reason, describe_literal

E, W = Severity.ERROR, Severity.WARNING

CHECKS = (
    Check("A201", "contradiction", E, "A rule can never fire: its condition contradicts itself.",
          fail="when:\n  all:\n    - {field: price_level, equals: high}\n    - {field: price_level, in: [low, medium]}",
          passes="when:\n  all:\n    - {field: price_level, equals: high}\n    - {field: product_type, in: [vehicles]}",
          fix="Remove or correct one of the tests that exclude each other."),
    Check("A202", "fact-never-holds", E, "A rule can never fire: it tests a derived fact that no rule derives "
          "(with that value), or whose derivers never fire or cannot fire together with the rest of it.",
          fail="when: {fact: high_value_produkt}   # no rule derives it",
          passes="when: {fact: high_value_product}  # derived by high-value-by-price",
          fix="Derive the fact in some rule, or fix the fact's name or value."),
    Check("A203", "empty-range", E, "A rule can never fire: its numeric tests leave no number that passes them.",
          fail="when:\n  all:\n    - {field: repeat_customer_share, at_least: 50}\n"
               "    - {field: repeat_customer_share, less_than: 30}",
          passes="when:\n  all:\n    - {field: repeat_customer_share, at_least: 30}\n"
                 "    - {field: repeat_customer_share, less_than: 50}",
          fix="Make the bounds overlap (the lower bound below the upper one)."),
    Check("A204", "threshold-outside-range", W, "A number test's threshold lies outside the field's allowed range, "
          "so the test holds for every answer or for none.",
          fail="when: {field: repeat_customer_share, less_than: 150}   # the share is 0-100",
          passes="when: {field: repeat_customer_share, less_than: 30}",
          fix="Use a threshold inside the field's range (`advisor fields` shows it), or `answered: true`."),
    Check("A205", "dead-branch", W, "Part of a condition can never hold, so it only misleads the reader.",
          fail="when:\n  all:\n    - {field: price_level, equals: high}\n    - any:\n"
               "        - {field: price_level, equals: low}     # never, given the first test\n"
               "        - {field: product_type, equals: vehicles}",
          passes="when:\n  all:\n    - {field: price_level, equals: high}\n"
                 "    - {field: product_type, equals: vehicles}",
          fix="Remove the part that can never hold, or correct it."),
    Check("A206", "analysis-capped", Severity.INFO, "The audit could not follow a negated derived fact into "
          "answers: the negation of a deriver's condition has more alternatives than the cap "
          f"({MAX_NEGATED_ALTERNATIVES}), so conditions testing `not` of the fact were checked one level deep only.",
          fail="- id: niche\n  when:\n    any:   # 6 alternatives of 3 tests: its negation has 3^6 = 729\n"
               "      - all: [{field: a, ...}, {field: b, ...}, {field: c, ...}]\n      - ...\n"
               "  then: [{derive: niche}]\n- id: broad\n  when: {not: {fact: niche}}",
          passes="split the deriver into several rules deriving the same fact (one per alternative):\n"
                 "each negation is then small",
          fix="Derive the fact with several small rules instead of one large `any`, or accept the shallower check."),
)

_NUMERIC_OPS = ("less_than", "at_most", "greater_than", "at_least", "equals")


def run(ctx) -> Iterable[Finding]:
    reasoner = ctx.reasoner
    for rule in ctx.rules:
        if rule.id in ctx.cyclic_rules:
            continue  # the cycle is the problem, reported by A401
        alternatives = reasoner.alternatives(rule)
        never_holds = set()
        yield from _thresholds(ctx, rule, never_holds)
        if not reasoner.fireable(rule):
            reasons = [reasoner.check(alt) for alt in alternatives]
            if all(r is not None and r.kind == "underived" for r in reasons):
                continue  # reported where the fact is tested (A202, from the loader)
            yield _never_fires(ctx, rule, alternatives, reasons)
            continue
        yield from _dead_parts(ctx, rule, alternatives, never_holds)
    for fact, (rule_id, size) in sorted(reasoner.capped.items()):
        testers = sorted(r.id for r in ctx.rules if fact in reasoner.facts_used[r.id])
        shown = ", ".join(testers[:5]) + (f" and {len(testers) - 5} more" if len(testers) > 5 else "")
        yield check("A206").at(
            reasoner.by_id[rule_id].location,
            f"'not {fact}' is not followed into answers: the negation of rule {rule_id!r}'s condition has {size} "
            f"alternatives, more than the cap of {MAX_NEGATED_ALTERNATIVES}; rules testing it ({shown}) were checked "
            "one derivation deep only", rules=(rule_id,))


def _thresholds(ctx, rule, never_holds: set) -> Iterable[Finding]:
    domains = ctx.reasoner.domains
    for test in ctx.reasoner.tests[rule.id]:
        f = ctx.fields.get(test.name) if test.kind == "field" else None
        if f is None or not f.is_numeric or test.op not in _NUMERIC_OPS:
            continue
        domain = domains.finite(("field", f.id))
        answered = domain.full & ~1
        mask = domains.literal(True, test) & answered
        if mask == answered:
            what = "holds for every answer"
        elif mask == 0:
            what = "holds for no answer"
            never_holds.add(id(test))
        else:
            continue
        yield check("A204").at(
            test.location or rule.location,
            f"rule {rule.id!r}: '{test.describe()}' {what}: {f.id} lies between {f.minimum:g} and {f.maximum:g}",
            rules=(rule.id,))


def _never_fires(ctx, rule, alternatives: list[Alternative], reasons: list[Reason | None]) -> Finding:
    first = next(r for r in reasons if r is not None and r.kind != "underived") if any(
        r is not None and r.kind != "underived" for r in reasons) else reasons[0]
    code = {"range": "A203", "contradiction": "A201"}.get(first.kind, "A202")
    text = explain(ctx, first)
    if len(alternatives) > 1:
        text = f"none of its {len(alternatives)} alternatives can hold; the first that fails: {text}"
    location = _reason_location(rule, first)
    fix = ("Remove or correct one of the clashing tests, or the derivation that makes them exclude each other."
           if first.kind == "derived" else None)
    return check(code).at(location, f"rule {rule.id!r} can never fire: {text}", rules=(rule.id,), fix=fix,
                          related=tuple(_rule_locations(ctx, first.rules)))


def _dead_parts(ctx, rule, alternatives: list[Alternative], never_holds: set) -> Iterable[Finding]:
    reasoner = ctx.reasoner
    live: set[int] = set()
    failing: dict[int, Reason] = {}
    for alt in alternatives:
        reason = reasoner.check(alt)
        for _, test in alt.literals:
            if reason is None:
                live.add(id(test))
            else:
                failing.setdefault(id(test), reason)
    reported: set[tuple] = set()
    for test in reasoner.tests[rule.id]:
        if id(test) in live or id(test) in never_holds or id(test) not in failing:
            continue
        loc = test.location or rule.location or Location()
        if (loc.line, loc.column) in reported:
            continue
        reported.add((loc.line, loc.column))
        yield check("A205").at(loc, f"rule {rule.id!r}: '{test.describe()}' can never hold here: "
                               f"{explain(ctx, failing[id(test)])}", rules=(rule.id,))


def explain(ctx, reason: Reason) -> str:
    """Why an alternative cannot hold, in words."""
    fact = reason.subject[1]
    tests = " and ".join(f"'{describe_literal(lit)}'" for lit in reason.literals)
    if reason.kind in ("range", "contradiction"):
        return f"it needs {tests} at the same time"
    if reason.kind == "underived":
        return f"no rule derives the fact {fact!r}"
    if reason.kind == "value":
        domain = ctx.reasoner.domains.finite(reason.subject)
        values = ", ".join(domain.labels[1:]) or "nothing"
        return f"no rule derives {fact!r} with a value for which {tests} holds (rules derive: {values})"
    names = ", ".join(reason.rules)
    if reason.kind == "derived":
        return f"followed through the rules that derive its facts, {tests} cannot hold together: " + "; ".join(
            reason.chain)
    if reason.kind == "dead":
        if set(reason.rules) <= ctx.cyclic_rules:
            return f"{fact!r} is derived only by rules caught in a cycle of derived facts ({names}; see A401)"
        return f"{fact!r} is derived only by rules that never fire ({names})"
    return f"every rule deriving {fact!r} ({names}) needs answers that {tests} and the rest of the condition exclude"


def _reason_location(rule, reason: Reason) -> Location:
    if reason.literals:
        lit = reason.literals[-1] if reason.kind in ("range", "contradiction") else reason.literals[0]
        if reason.kind == "derived":
            lit = next((x for x in reason.literals if x[1].kind == "fact"), lit)
        if lit[1].location is not None:
            return lit[1].location
    return rule.location or Location()


def _rule_locations(ctx, ids: Iterable[str]) -> list[Location]:
    by_id = ctx.reasoner.by_id
    return [by_id[i].location for i in ids if i in by_id and by_id[i].location is not None]
