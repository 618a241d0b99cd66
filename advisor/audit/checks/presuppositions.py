"""Advice that presupposes a practice its rule does not establish: tuning an own site for a business
that has none, prices for paid promotion to one that pays for none.

A catalog item ``presupposes`` a practice (knowledge/fields.yaml ``practices``: its own
site, a WeChat account, paid promotion...) when advising it means continuing or tuning
that practice. A rule that recommends such an item (or adds such a plan step) must
either establish the practice in its condition - every profile that satisfies it,
derived facts followed to the answers they rest on, runs the practice - or say in its
conclusion that it starts it (``start:``), with a note phrased as starting it. Each
finding comes with a profile for which the reference evaluator fires the rule while
the answers say the business does not run the practice.

Stage: audit.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..checks import Check, check
from ..domains import word
from ..finding import Finding, Severity

W = Severity.WARNING

CHECKS = (
    Check("A821", "presupposed-practice", W, "A rule recommends an item whose catalog entry presupposes a practice "
          "(its own site, a WeChat account, paid promotion...), but its condition does not establish that the "
          "business runs it and its conclusion does not say it starts it.",
          fail="# knowledge: seo presupposes own_site\n- id: seo-for-everyone\n  when: {field: business_stage, "
               "equals: launch}\n  then: [{recommend: seo, note: Tune your site's titles.}]",
          passes="- id: seo-for-everyone\n  when: {field: business_stage, equals: launch}\n  then:\n"
                 "    - recommend: seo\n      start: own_site\n      note: When you open your site, build it for search.",
          fix="Add the practice to the condition (for example `fact: sells_on_own_site`), or mark the conclusion "
              "`start: <practice>` and phrase its note as starting it."),
)

#: candidate profiles tried per rule alternative, and search steps per expansion of its derived facts
_TRIES = 12
_STEPS = 64


def run(ctx) -> Iterable[Finding]:
    practices = _practices(ctx)
    if not practices:
        return
    reasoner = ctx.reasoner
    for rule in ctx.rules:
        if rule.id in ctx.cyclic_rules or not reasoner.fireable(rule):
            continue
        for conclusion in rule.then:
            if conclusion.kind not in ("recommend", "step"):
                continue
            entry = ctx.catalog.item(conclusion.target)
            practice = entry.get("presupposes") if entry is not None else None
            if practice not in practices or conclusion.start == practice:
                continue
            example = _counterexample(ctx, rule, practices[practice])
            if example is None:
                continue
            shown = ", ".join(f"{k}={word(v)}" for k, v in example.items()) or "an empty profile"
            yield check("A821").at(
                conclusion.location or rule.location,
                f"rule {rule.id!r} {'recommends' if conclusion.kind == 'recommend' else 'adds the step'} "
                f"{conclusion.target}, which presupposes {practice}, but its condition does not establish it "
                f"and the conclusion does not start it. Example: {shown}",
                rules=(rule.id,), example=example)


def _practices(ctx) -> dict[str, Any]:
    """Practice id -> (its condition, its alternatives as states), parsed from the fields' ``practices``."""
    from advisor.io import Marks
    from advisor.kb import parse_condition, raw_dnf

    out = {}
    for practice in getattr(ctx.fields, "practices", ()):
        problems: list[str] = []

        def report(message: str, *args: Any, **kw: Any) -> None:
            problems.append(message)

        condition = parse_condition(practice.runs, ("practices",), Marks(ctx.fields.path or ""), ctx.fields,
                                    report_at=report)
        if condition is None or problems:
            continue
        states = [state for state, _ in (ctx.reasoner.conjoin(alt) for alt in raw_dnf(condition)) if state is not None]
        out[practice.id] = (condition, states)
    return out


def _counterexample(ctx, rule, practice: tuple) -> dict[str, Any] | None:
    """A profile that fires ``rule`` while the practice does not run, from an alternative of the rule
    that does not imply the practice; None when every alternative implies it (or none is found)."""
    from advisor.inference import evaluate3

    from ..reasoning import Budget, Exhausted

    condition, states = practice
    reasoner = ctx.reasoner
    for alt in reasoner.alternatives(rule):
        if reasoner.check(alt) is not None:
            continue
        try:
            expanded = list(reasoner.expand(alt.state, Budget(_STEPS)))
        except Exhausted:
            continue  # too many ways to derive its facts: say nothing rather than guess
        for state in expanded:
            if any(reasoner.implies(state, p) for p in states):
                continue
            for tries, profile in enumerate(reasoner.examples(state), 1):
                if rule.id in ctx.fires(profile, among=(rule.id,)) and \
                        evaluate3(condition, profile, {}, lambda test: False) is not True:
                    return profile
                if tries >= _TRIES:
                    break
    return None
