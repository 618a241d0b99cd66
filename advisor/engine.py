"""The adapter to durable-rules: the only module that imports it.

It drives the C extension ``durable_rules_engine`` (shipped in the
``durable-rules`` package, used unmodified) directly rather than through
``durable.engine.Host``: the Host's Python layer costs about two thirds of the
time per fired rule and starts timer threads that call into the engine
concurrently (see ``shared/notes/durable-rules.md``).

Per profile and per ruleset (shard), in level order:

1. assert the shard's relevant facts, start facts last, in one call, so every
   join and negation is evaluated with all facts present;
2. take every queued action; each names the durable rule, hence the rule and
   the facts that satisfied it (the provenance the graph is built from);
3. retract the start facts first (no rule can then complete, so no negation can
   fire on the way out), then the other facts. The state is empty again.

States are never deleted: ``deleteStateNode`` frees pointers that
``createStateNode`` leaves unset when no rule fired in the state (a crash seen
with SIGABRT). Each shard keeps one state that is emptied after every profile.

Derived facts are resolved between levels: the highest-priority rule's value
wins, ties go to the rule id that sorts first.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from .compiler import CompiledBase
from .errors import InternalError
from .facts import derived_prop, encode_derived, fact_key
from .model import Firing, Match

__all__ = ["Engine", "Inference", "Derivation"]

_names = itertools.count()
_SID = "0"


@dataclass(frozen=True)
class Derivation:
    """A derived fact's value, the rule that set it, and rules it overrode."""

    fact: str
    value: Any
    rule_id: str
    supporters: tuple[str, ...]  # every rule that derived this same value
    overridden: tuple[tuple[str, Any], ...] = ()  # (rule id, other value)


@dataclass(frozen=True)
class Inference:
    """What the engine concluded for one profile."""

    firings: tuple[Firing, ...]
    derived: tuple[Derivation, ...] = field(default=())

    def fired_ids(self) -> list[str]:
        return [f.rule_id for f in self.firings]


class Engine:
    """Runs a :class:`~advisor.compiler.CompiledBase` over profiles.

    One engine holds one ruleset per shard for its lifetime; call :meth:`close`
    (or use it as a context manager) to release them.
    """

    def __init__(self, compiled: CompiledBase) -> None:
        import durable_rules_engine as dre

        self._dre = dre
        self._error = getattr(dre, "error", Exception)
        self.compiled = compiled
        self._priority = dict(compiled.priorities)
        self._derives = dict(compiled.derivations)
        self._rule_level = dict(compiled.rule_levels)
        self._levels: list[list[tuple[int, Any, dict[str, str]]]] = []
        self._closed = False
        tag = next(_names)
        try:
            for level in compiled.levels:
                shards = []
                for shard in level:
                    handle = dre.create_ruleset(f"{shard.name}_{tag}", shard.definition)
                    shards.append((handle, shard, dict(shard.actions)))
                self._levels.append(shards)
        except self._error as exc:  # a shard the model let through but the engine refused
            self.close()
            raise InternalError(f"durable-rules refused a compiled ruleset ({exc}); the sharding model missed a limit",
                                code="E500") from exc

    # ------------------------------------------------------------------ running

    def infer(self, facts: dict[str, list[str]]) -> Inference:
        """Run every level over the profile's encoded facts (see :func:`advisor.facts.encode_profile`)."""
        if self._closed:
            raise InternalError("engine is closed", code="E500")
        dre = self._dre
        facts = dict(facts)
        matches: dict[str, list[Match]] = {}
        derivations: dict[str, list[tuple[int, str, Any]]] = {}
        derived: list[Derivation] = []
        for level in self._levels:
            fired_here: list[str] = []
            for handle, shard, actions in level:
                parts = [text for prop in shard.props for text in facts.get(prop, ())]
                asserted = "[" + ",".join(parts + list(shard.start_facts)) + "]"
                try:
                    _, offset = dre.assert_facts(handle, asserted)
                    result = dre.start_action_for_state(handle, offset)
                    message = result[1] if result else None
                    while message:
                        payload = json.loads(message)
                        for name, frame in payload.items():
                            rule_id = actions[name]
                            if rule_id not in matches:
                                matches[rule_id] = []
                                fired_here.append(rule_id)
                            matches[rule_id].append(_match(frame))
                        message = dre.complete_and_start_action(handle, offset)
                    retracted = "[" + ",".join(list(shard.start_facts) + parts) + "]"
                    dre.retract_facts(handle, retracted)
                except self._error as exc:
                    raise InternalError(f"durable-rules failed on ruleset {shard.name}: {exc}", code="E500") from exc
            new_facts: set[str] = set()
            for rule_id in fired_here:
                for fact, value in self._derives.get(rule_id, ()):
                    derivations.setdefault(fact, []).append((self._priority[rule_id], rule_id, value))
                    new_facts.add(fact)
            for fact in sorted(new_facts):
                resolution = _resolve(fact, derivations[fact])
                facts[derived_prop(fact)] = [encode_derived(fact, resolution.value)]
                derived = [d for d in derived if d.fact != fact] + [resolution]
        firings = tuple(
            Firing(rule_id, self._rule_level[rule_id], tuple(sorted(set(found), key=_match_key)))
            for rule_id, found in sorted(matches.items(), key=lambda item: (self._rule_level[item[0]], item[0]))
        )
        return Inference(firings, tuple(sorted(derived, key=lambda d: d.fact)))

    def is_clean(self) -> bool:
        """True when no shard's state holds a fact (checked by the tests after each profile)."""
        for level in self._levels:
            for handle, _, _ in level:
                if json.loads(self._dre.get_facts(handle, _SID)):
                    return False
        return True

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for level in self._levels:
            for handle, _, _ in level:
                try:
                    self._dre.delete_ruleset(handle)
                except self._error:
                    pass
        self._levels = []

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _match(frame: dict[str, Any]) -> Match:
    facts = []
    for alias, fact in frame.items():
        if alias == "s":
            continue
        fact_id = fact.get("id", "")
        value = next((v for k, v in fact.items() if k not in ("id", "sid")), None)
        facts.append((fact_key(fact_id), value))
    facts.sort(key=lambda kv: kv[0])
    return Match(tuple(facts))


def _match_key(match: Match) -> tuple:
    return tuple((k, json.dumps(v, sort_keys=True)) for k, v in match.facts)


def _resolve(fact: str, entries: list[tuple[int, str, Any]]) -> Derivation:
    ordered = sorted(entries, key=lambda e: (-e[0], e[1]))
    _, winner, value = ordered[0]
    supporters = tuple(sorted(rule_id for _, rule_id, v in entries if v == value and type(v) is type(value)))
    overridden = tuple(sorted((rule_id, v) for _, rule_id, v in entries
                              if not (v == value and type(v) is type(value))))
    return Derivation(fact, value, winner, supporters, overridden)
