"""Redundant rules (the same condition and conclusions as another) and subsumed rules (another
rule fires whenever this one does and concludes at least the same, at least as strongly).

Not all pairs: rules are indexed by conclusion, and within a conclusion by the
set of subjects each alternative of the condition tests, so a candidate that
could imply a rule's alternative is looked up among the subsets of the
subjects that alternative tests.

Stage: audit.
"""

from __future__ import annotations

from itertools import combinations
from typing import Iterable

from advisor.kb import SEVERITIES, STRENGTHS

from ..checks import Check, check
from ..domains import value_key
from ..finding import Finding, Severity

W = Severity.WARNING

CHECKS = (
    Check("A501", "duplicate-rule", W, "Two rules have the same condition and the same conclusions.",
          fail="- id: seo-for-shops\n  when: {field: storefront, in: [own_site, both]}\n  then: [{recommend: seo}]\n"
               "- id: seo-again\n  when: {field: storefront, in: [both, own_site]}\n  then: [{recommend: seo}]",
          passes="keep one of the two rules and merge their citations",
          fix="Keep one rule; merge the other's citations and notes into it."),
    Check("A502", "subsumed-rule", W, "A rule adds nothing: another rule fires whenever it does and concludes "
          "the same (with at least its priority).",
          fail="- id: seo-for-own-site\n  when: {field: storefront, equals: own_site}\n  then: [{recommend: seo}]\n"
               "- id: seo-for-sites\n  when: {field: storefront, in: [own_site, both]}\n  then: [{recommend: seo}]",
          passes="- id: seo-for-own-site\n  when: {field: storefront, equals: own_site}\n"
                 "  then: [{recommend: seo, strength: essential}]   # says more than the general rule",
          fix="Remove the narrower rule (merge its citations and notes into the wider one), or make it say "
              "something more."),
)

_MAX_SUBSET_SUBJECTS = 10  # beyond this, scan the conclusion's group instead of enumerating subsets


def _conclusion_key(c) -> tuple:
    return (c.kind, c.target, value_key(c.value), c.role, c.strength, c.severity, c.kpi_target)


def _base_key(key: tuple) -> tuple:
    """A conclusion key without its strength and severity (what "the same conclusion" compares)."""
    return key[:4] + key[6:]


def _at_least_as_strong(mine: tuple, theirs: tuple) -> bool:
    """Whether conclusion ``theirs`` says what ``mine`` says at least as strongly: a strength at
    least ``mine``'s (unset counts as moderate), and the same severity or a higher one (an unset
    severity is the catalog's, so it only matches an unset one)."""
    if _base_key(mine) != _base_key(theirs):
        return False
    if STRENGTHS.get(theirs[4] or "moderate", 0) < STRENGTHS.get(mine[4] or "moderate", 0):
        return False
    if mine[5] != theirs[5]:
        if mine[5] is None or theirs[5] is None or SEVERITIES.get(theirs[5], 0) < SEVERITIES.get(mine[5], 0):
            return False
    return True


def _covers(keys: frozenset, other_keys: frozenset) -> bool:
    """Whether every conclusion of ``keys`` is said at least as strongly among ``other_keys``."""
    return all(any(_at_least_as_strong(k, o) for o in other_keys) for k in keys)


def run(ctx) -> Iterable[Finding]:
    reasoner = ctx.reasoner
    info = {}
    for rule in ctx.rules:
        states = [alt.state for alt in reasoner.alternatives(rule) if alt.state is not None]
        if not states or rule.id in ctx.cyclic_rules:
            continue
        keys = frozenset(_conclusion_key(c) for c in rule.then)
        condition = frozenset(reasoner.canonical(s) for s in states)
        info[rule.id] = (rule, states, keys, condition)
    yield from _duplicates(ctx, info)
    yield from _subsumed(ctx, info)


def _duplicates(ctx, info) -> Iterable[Finding]:
    groups: dict[tuple, list] = {}
    for rule, _, keys, condition in info.values():
        groups.setdefault((condition, keys), []).append(rule)
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda r: ctx.order[r.id])
        kept = members[0]
        for rule in members[1:]:
            yield check("A501").at(rule.location, f"rule {rule.id!r} repeats rule {kept.id!r}: the same condition "
                                   "and the same conclusions", rules=(rule.id, kept.id), related=(kept.location,))


def _subsumed(ctx, info) -> Iterable[Finding]:
    reasoner = ctx.reasoner
    by_conclusion: dict[tuple, list[str]] = {}
    index: dict[tuple, dict[frozenset, list[tuple[str, dict]]]] = {}
    for rule_id, (rule, states, keys, _) in info.items():
        for key in {_base_key(k) for k in keys}:
            by_conclusion.setdefault(key, []).append(rule_id)
            table = index.setdefault(key, {})
            for state in states:
                table.setdefault(frozenset(state), []).append((rule_id, state))
    found: dict[str, str] = {}
    for rule_id, (rule, states, keys, condition) in sorted(info.items()):
        rarest = min({_base_key(k) for k in keys}, key=lambda k: (len(by_conclusion[k]), repr(k)))
        table = index[rarest]
        covering: set[str] | None = None
        for state in states:
            mine = set()
            for other_id, other_state in _candidates(reasoner, table, state):
                if other_id != rule_id and reasoner.implies(state, other_state):
                    mine.add(other_id)
            covering = mine if covering is None else covering & mine
            if not covering:
                break
        for other_id in sorted(covering or ()):
            other, _, other_keys, other_condition = info[other_id]
            if not _covers(keys, other_keys) or other.priority < rule.priority:
                continue
            if other_condition == condition and other_keys == keys:
                continue  # a duplicate, reported as such
            found.setdefault(rule_id, other_id)
    for rule_id, other_id in sorted(found.items()):
        if found.get(other_id) == rule_id and ctx.order[rule_id] < ctx.order[other_id]:
            continue  # each implies the other: report only the later one
        rule, other = info[rule_id][0], info[other_id][0]
        yield check("A502").at(rule.location, f"rule {rule.id!r} is subsumed by rule {other.id!r}: whenever it "
                               f"fires, {other.id!r} fires too and concludes the same, at least as strongly", rules=(rule.id, other.id),
                               related=(other.location,))


def _candidates(reasoner, table: dict, state: dict) -> Iterable[tuple[str, dict]]:
    """Alternatives of other rules whose tested subjects are a subset of this alternative's."""
    subjects = sorted(state)
    if len(subjects) > _MAX_SUBSET_SUBJECTS:
        mine = set(subjects)
        for key, entries in table.items():
            if key <= mine:
                yield from entries
        return
    for size in range(len(subjects) + 1):
        for subset in combinations(subjects, size):
            yield from table.get(frozenset(subset), ())
