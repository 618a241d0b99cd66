"""Gaps: combinations of the main profile answers for which no rule can recommend any channel,
whatever the other answers are - the decision-table "missing rule".

Each alternative of each rule recommending a channel covers a box of
combinations: the answers its tests (and, followed through their derivers at
every level, the facts it tests, negated ones included: see
:meth:`~advisor.audit.reasoning.Reasoner.box`) allow for each main field. What
no box covers is a gap. Boxes over-approximate (priorities are ignored), so a reported gap
is certain; each is merged with its neighbours into a larger box and shown
with an example profile the reference evaluator confirms.

Stage: audit.
"""

from __future__ import annotations

from itertools import product
from typing import Iterable

from advisor.errors import Location

from ..checks import Check, check
from ..domains import word
from ..finding import Finding, Severity
from ..reasoning import Budget, Exhausted

CHECKS = (
    Check("A701", "gap", Severity.WARNING, "For some combination of the main profile answers (business model, "
          "product type, price level, stage) no rule can recommend any channel.",
          fail="rules recommend channels only when price_level is low or medium;\n"
               "a luxury shop is never told where to promote",
          passes="- id: luxury-channels\n  when: {field: price_level, in: [high, luxury]}\n"
                 "  then: [{recommend: phone-sales}]",
          fix="Add a rule that recommends a channel for these businesses, or widen a rule's condition to them."),
)

#: beyond this many combinations the check is skipped (use --gap-fields to pick fewer fields)
MAX_COMBINATIONS = 200_000
MAX_REPORTED = 30
_EXPAND_BUDGET = 256


def run(ctx) -> Iterable[Finding]:
    reasoner = ctx.reasoner
    fields = [ctx.fields.get(name) for name in ctx.gap_fields]
    fields = [f for f in fields if f is not None and f.type in ("choice", "boolean")]
    if not fields:
        return
    domains = [reasoner.domains.finite(("field", f.id)) for f in fields]
    sizes = [len(d.values) - 1 for d in domains]
    total = 1
    for size in sizes:
        total *= size
    if total == 0 or total > MAX_COMBINATIONS:
        return
    channels = set(ctx.catalog.ids("channel"))
    subjects = [("field", f.id) for f in fields]
    direct, deferred = set(), []
    recommenders = {rule.id for rule in ctx.rules
                    if any(c.kind == "recommend" and c.target in channels for c in rule.then)}
    for rule in ctx.rules:
        if rule.id in ctx.cyclic_rules or not reasoner.fireable(rule) or rule.id not in recommenders:
            continue
        for alt in reasoner.alternatives(rule):
            if reasoner.check(alt) is not None:
                continue
            if any(s[0] == "fact" for s in alt.state):
                deferred.append(alt.state)
            else:
                direct.add(_project(alt.state, subjects, domains))
    covered: set[tuple] = set()
    for box in sorted(direct):
        covered.update(_cells(box))
    if len(covered) < total and deferred:
        gap = set(product(*[range(1, n + 1) for n in sizes])) - covered
        for state in deferred:
            if not gap:
                break
            grounded = reasoner.ground(state)  # every fact, negated ones too, in answers (one box)
            if grounded is None:
                continue
            local = _project(grounded, subjects, domains)
            if not any(cell in gap for cell in _cells(local)):
                continue
            try:
                boxes = {_project(g, subjects, domains) for g in map(reasoner.ground, reasoner.expand(
                    state, Budget(_EXPAND_BUDGET))) if g is not None}
            except Exhausted:
                boxes = {local}
            for box in boxes:
                gap -= set(_cells(box))
        covered = set(product(*[range(1, n + 1) for n in sizes])) - gap
    if len(covered) == total:
        return
    gap = set(product(*[range(1, n + 1) for n in sizes])) - covered
    boxes = _merge(gap, sizes)
    for number, box in enumerate(boxes):
        if number == MAX_REPORTED:
            left = sum(_size(b) for b in boxes[number:])
            yield check("A701").at(_location(ctx, fields, domains, box), f"... and {left} more combinations of "
                                   f"{', '.join(f.id for f in fields)} with no channel recommendation")
            break
        example = {f.id: domains[i].values[sorted(box[i])[0]] for i, f in enumerate(fields)}
        if _recommends_channel(ctx, example, channels, recommenders):
            continue  # cannot happen if the reasoning is sound; never report what the evaluator refutes
        shown = ", ".join(f"{k}={word(v)}" for k, v in example.items())
        yield check("A701").at(_location(ctx, fields, domains, box),
                               _message(fields, domains, sizes, box, total) + f". Example: {shown}", example=example)


def _project(state: dict, subjects: list, domains: list) -> tuple[int, ...]:
    return tuple(state.get(s, d.full) & ~1 for s, d in zip(subjects, domains))


def _cells(box: tuple) -> Iterable[tuple]:
    members = [[i for i in range(1, mask.bit_length()) if mask >> i & 1] if isinstance(mask, int) else sorted(mask)
               for mask in box]
    return product(*members)


def _size(box) -> int:
    n = 1
    for values in box:
        n *= len(values)
    return n


def _merge(gap: set, sizes: list[int]) -> list[tuple[frozenset, ...]]:
    """Cover the gap cells with few boxes: grow each from its first cell, value by value."""
    boxes = []
    explained: set[tuple] = set()
    for cell in sorted(gap):
        if cell in explained:
            continue
        box = [frozenset([v]) for v in cell]
        for i, size in enumerate(sizes):
            for value in range(1, size + 1):
                if value in box[i]:
                    continue
                trial = box[:i] + [box[i] | {value}] + box[i + 1:]
                if all(c in gap for c in _cells(tuple(trial))):
                    box = trial
        frozen = tuple(box)
        explained.update(_cells(frozen))
        boxes.append(frozen)
    return boxes


def _message(fields, domains, sizes, box, total) -> str:
    fixed, free = [], []
    for i, f in enumerate(fields):
        if len(box[i]) == sizes[i]:
            free.append(f.id)
        else:
            fixed.append(f"{f.id} is {' or '.join(domains[i].labels[v] for v in sorted(box[i]))}")
    text = "no rule can recommend any channel when " + (" and ".join(fixed) if fixed else "nothing is answered")
    if free and fixed:
        text += f", whatever the {', '.join(free)}"
    return text + f" ({_size(box)} of {total} combinations)"


def _location(ctx, fields, domains, box) -> Location:
    marks = ctx.knowledge_marks("fields.yaml")
    path = str(ctx.knowledge / "fields.yaml")
    if marks is None:
        return Location(path)
    for i, f in enumerate(fields):
        if len(box[i]) < len(domains[i].values) - 1:
            choice = sorted(box[i])[0] - 1
            return marks.location(("fields", f.order, "choices", choice))
    return marks.location(("fields", fields[0].order))


def _recommends_channel(ctx, profile: dict, channels: set[str], recommenders: set[str]) -> bool:
    by_id = ctx.reasoner.by_id
    for rule_id in ctx.fires(profile, among=recommenders):
        if any(c.kind == "recommend" and c.target in channels for c in by_id[rule_id].then):
            return True
    return False
