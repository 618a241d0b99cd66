"""Suppressions: a rule may silence a warning about itself with ``suppress: [{code, reason}]``.

A suppression needs a reason; it applies to findings of its code that name the
rule (a conflict or a duplicate names both rules, so either may carry it);
errors cannot be suppressed; a suppression that silences nothing is itself a
finding, so stale ones do not pile up. Suppressed findings are listed, with
their reasons, by every output format.

Stage: audit.
"""

from __future__ import annotations

from ..checks import Check, check, registry
from ..finding import Finding, Severity

CHECKS = (
    Check("A901", "suppression-without-reason", Severity.ERROR, "A suppression lacks a reason (or the reason is "
          "too short to say anything), or is malformed.",
          fail="suppress:\n  - {code: A601}",
          passes="suppress:\n  - {code: A601, reason: The launch rule must lose to the shop rule on purpose.}",
          fix="Give each suppression a code and a reason of at least 10 characters."),
    Check("A902", "suppression-unused", Severity.WARNING, "A suppression names a code the audit does not find for "
          "this rule (or no audit code at all).",
          fail="suppress:\n  - {code: A502, reason: kept for its own citation}   # but nothing subsumes the rule",
          passes="(remove the suppression once the finding is gone)",
          fix="Remove the suppression, or correct its code."),
    Check("A903", "suppression-of-error", Severity.ERROR, "A suppression names an error code; errors must be "
          "fixed, not suppressed.",
          fail="suppress:\n  - {code: A201, reason: this rule is meant never to fire}",
          passes="(fix the rule's condition, or delete the rule)",
          fix="Fix the error instead, and remove the suppression."),
)


def finalize(ctx, findings: list[Finding]) -> list[Finding]:
    """Apply the rules' suppressions to ``findings`` and add the findings about the suppressions."""
    table = registry()
    suppressions = {rule.id: rule.suppress for rule in ctx.rules}
    used: set[tuple[str, int]] = set()
    out = []
    for finding in findings:
        reason = None
        for rule_id in finding.rules:
            for index, (code, why) in enumerate(suppressions.get(rule_id, ())):
                if code == finding.code:
                    used.add((rule_id, index))
                    if reason is None and table[code].suppressible:
                        reason = why
        out.append(finding.with_suppression(reason) if reason else finding)
    for rule in ctx.rules:
        for index, (code, _) in enumerate(rule.suppress):
            where = _entry_location(ctx, rule, index)
            known = table.get(code)
            if known is not None and not known.suppressible:
                out.append(check("A903").at(where, f"rule {rule.id!r}: {code} ({known.name}) is an error and cannot "
                                            "be suppressed", rules=(rule.id,)))
            elif (rule.id, index) not in used:
                what = (f"the audit finds no {code} ({known.name}) for this rule" if known is not None
                        else f"{code} is not an audit code (`advisor audit --list-checks` lists them)")
                out.append(check("A902").at(where, f"rule {rule.id!r}: unused suppression: {what}", rules=(rule.id,)))
    return out


def _entry_location(ctx, rule, index: int):
    """The entry's position; exact unless malformed entries before it were dropped by the loader."""
    start = ctx.rule_location(rule, "suppress", key=True)
    entries = 0
    while ctx.rule_location(rule, "suppress", entries) != ctx.rule_location(rule, "suppress"):
        entries += 1
        if entries > 1000:
            break
    if entries == len(rule.suppress):
        return ctx.rule_location(rule, "suppress", index)
    return start
