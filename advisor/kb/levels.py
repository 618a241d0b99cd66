"""Derived facts across a rule base: the level each rule runs at, and cycles among derived facts.

Both walk the rules depth first with an explicit stack, so a chain of derived
facts of any length (a generated base, a rule file written last rule first)
cannot exhaust Python's recursion limit.

Stage: kb.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from advisor.errors import RuleFileError

from .model import Rule

__all__ = ["find_cycle", "dependency_levels"]


def find_cycle(rules: Iterable[Rule]) -> list[tuple[str, str]] | None:
    """A cycle among derived facts as ``[(rule id, fact it derives), ...]``, or None."""
    rules = list(rules)
    derivers: dict[str, list[Rule]] = {}
    for rule in rules:
        for name in sorted(rule.facts_derived()):
            derivers.setdefault(name, []).append(rule)
    # fact -> facts it depends on (through any rule deriving it); walked depth first with an
    # explicit stack, so a long chain of derived facts cannot exhaust Python's recursion limit
    state: dict[str, int] = {}
    stack: list[tuple[str, str]] = []

    def steps(fact: str) -> Iterator[tuple[Rule, str]]:
        for rule in derivers.get(fact, []):
            for used in sorted(rule.facts_used()):
                yield rule, used

    for root in sorted(derivers):
        if state.get(root) is not None:
            continue
        state[root] = 1
        frames = [(root, steps(root))]
        while frames:
            fact, pending = frames[-1]
            for rule, used in pending:
                stack.append((rule.id, fact))
                if state.get(used) == 1:
                    start = next(i for i, (_, f) in enumerate(stack) if f == used)
                    return list(stack[start:])
                if used in derivers and state.get(used) is None:
                    state[used] = 1
                    frames.append((used, steps(used)))
                    break
                stack.pop()
            else:  # every step of this fact walked: done with it
                state[fact] = 2
                frames.pop()
                if frames:
                    stack.pop()
    return None


def dependency_levels(rules: Iterable[Rule]) -> dict[str, int]:
    """Each rule's level: 0 when it uses no derived fact, else one more than the
    highest level of any rule deriving a fact it uses. Requires no cycle."""
    rules = list(rules)
    derivers: dict[str, list[Rule]] = {}
    for rule in rules:
        for name in rule.facts_derived():
            derivers.setdefault(name, []).append(rule)
    level: dict[str, int] = {}
    needs: dict[str, list[Rule]] = {}  # rule id -> the rules deriving the facts it uses
    walking: set[str] = set()
    for first in rules:
        stack = [first]  # depth first with an explicit stack: chains of any length
        while stack:
            rule = stack[-1]
            if rule.id in level:
                stack.pop()
                continue
            deps = needs.get(rule.id)
            if deps is None:
                deps = needs[rule.id] = [other for fact in rule.facts_used() for other in derivers.get(fact, [])]
                walking.add(rule.id)
            waiting = next((other for other in deps if other.id not in level), None)
            if waiting is not None:
                if waiting.id in walking:
                    raise RuleFileError("derived facts depend on each other in a cycle", code="E307")
                stack.append(waiting)
                continue
            level[rule.id] = max((level[other.id] + 1 for other in deps), default=0)
            walking.discard(rule.id)
            stack.pop()
    return level
