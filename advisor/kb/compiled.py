"""The compiled form of a rule base: the records the engine runs and the cache keeps.

Made by :mod:`advisor.kb.compiler`; kept apart from it so that loading a
knowledge base from the cache (and running it) does not import the compiler.

Stage: kb.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Shard", "CompiledBase"]


@dataclass(frozen=True)
class Shard:
    """One durable ruleset holding rules of one or more levels.

    ``starts`` gives, per level the shard has rules in, the JSON of that level's
    start facts (comma-joined): asserting them lets that level's rules complete.
    """

    name: str
    definition: str
    props: tuple[str, ...]
    starts: tuple[tuple[int, str], ...]  # (level, JSON start facts joined by ",")
    actions: tuple[tuple[str, str], ...]  # (durable rule name, rule id)
    levels: tuple[int, ...] = ()  # the levels it holds rules of


@dataclass(frozen=True)
class CompiledBase:
    """The rule base in the form the engine runs: shards, levels, and what rules conclude."""

    shards: tuple[Shard, ...]
    level_count: int
    rule_levels: tuple[tuple[str, int], ...]
    derivations: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]  # rule id -> (fact, value)
    priorities: tuple[tuple[str, int], ...]
    never: tuple[str, ...] = ()  # rules whose every alternative is impossible

    def shard_count(self) -> int:
        return len(self.shards)
