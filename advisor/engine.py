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
import re
from dataclasses import dataclass, field
from typing import Any

from .compiler import CompiledBase
from .errors import InternalError
from .facts import derived_prop, encode_derived
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
        # per level: (handle, fact properties, start facts, durable rule name -> rule id, shard name)
        self._levels: list[list[tuple[int, tuple[str, ...], list[str], dict[str, str], str]]] = []
        self._closed = False
        tag = next(_names)
        try:
            for level in compiled.levels:
                shards = []
                for shard in level:
                    handle = dre.create_ruleset(f"{shard.name}_{tag}", shard.definition)
                    shards.append((handle, tuple(shard.props), list(shard.start_facts), dict(shard.actions),
                                   shard.name))
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
        messages: dict[str, list[str]] = {}  # rule id -> the engine's raw action messages
        derivations: dict[str, list[tuple[int, str, Any]]] = {}
        derived: dict[str, Derivation] = {}
        assert_facts, start_action = dre.assert_facts, dre.start_action_for_state
        complete, retract = dre.complete_and_start_action, dre.retract_facts
        for level in self._levels:
            fired_here: list[str] = []
            for handle, props, starts, actions, shard_name in level:
                parts = [text for prop in props for text in facts.get(prop, ())]
                try:
                    _, offset = assert_facts(handle, "[" + ",".join(parts + starts) + "]")
                    result = start_action(handle, offset)
                    message = result[1] if result else None
                    while message:
                        # one rule per message: {"<durable rule name>":{...frame...}}
                        rule_id = actions[message[2:message.index('"', 2)]]
                        found = messages.get(rule_id)
                        if found is None:
                            messages[rule_id] = [message]
                            fired_here.append(rule_id)
                        else:
                            found.append(message)
                        message = complete(handle, offset)
                    retract(handle, "[" + ",".join(starts + parts) + "]")
                except self._error as exc:
                    raise InternalError(f"durable-rules failed on ruleset {shard_name}: {exc}", code="E500") from exc
            new_facts: set[str] = set()
            for rule_id in fired_here:
                for fact, value in self._derives.get(rule_id, ()):
                    derivations.setdefault(fact, []).append((self._priority[rule_id], rule_id, value))
                    new_facts.add(fact)
            for fact in new_facts:
                resolution = _resolve(fact, derivations[fact])
                facts[derived_prop(fact)] = [encode_derived(fact, resolution.value)]
                derived[fact] = resolution
        level_of = self._rule_level
        firings = tuple(
            Firing(rule_id, level_of[rule_id], _matches(found))
            for rule_id, found in sorted(messages.items(), key=lambda item: (level_of[item[0]], item[0]))
        )
        return Inference(firings, tuple(derived[name] for name in sorted(derived)))

    def is_clean(self) -> bool:
        """True when no shard's state holds a fact (checked by the tests after each profile)."""
        for level in self._levels:
            for handle, *_ in level:
                if json.loads(self._dre.get_facts(handle, _SID)):
                    return False
        return True

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for level in self._levels:
            for handle, *_ in level:
                try:
                    self._dre.delete_ruleset(handle)
                except self._error:
                    pass
        self._levels = []

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# a matched fact inside an action message: "f_price_level": "high" (start facts use "s_")
_FACT = re.compile(r'"([fmd])_([A-Za-z0-9_]+)": ?("(?:[^"\\]|\\.)*"|true|false|null|-?[0-9][0-9.eE+-]*)')


_LITERALS = {"true": True, "false": False, "null": None}


def _value(raw: str) -> Any:
    if raw[0] == '"':
        return raw[1:-1] if "\\" not in raw else json.loads(raw)
    if raw in _LITERALS:
        return _LITERALS[raw]
    number = float(raw)
    return int(number) if number.is_integer() and "." not in raw and "e" not in raw.lower() else number


def _matches(found: list[str]) -> tuple[Match, ...]:
    """Provenance from the raw messages: one :class:`Match` per distinct set of facts."""
    findall = _FACT.findall
    combos = {frozenset(findall(message)) for message in found}
    out = []
    for combo in combos:
        facts = []
        for kind, name, raw in combo:
            value = _value(raw)
            if kind == "f":
                key = "answer:" + name
            elif kind == "d":
                key = "derived:" + name
            else:
                key = f"member:{name}={value}"
            facts.append((key, value))
        facts.sort(key=_first)
        out.append(Match(tuple(facts)))
    if len(out) > 1:
        out.sort(key=lambda m: tuple((k, repr(v)) for k, v in m.facts))
    return tuple(out)


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


def _resolve(fact: str, entries: list[tuple[int, str, Any]]) -> Derivation:
    ordered = sorted(entries, key=lambda e: (-e[0], e[1]))
    _, winner, value = ordered[0]
    supporters = tuple(sorted(rule_id for _, rule_id, v in entries if v == value and type(v) is type(value)))
    overridden = tuple(sorted((rule_id, v) for _, rule_id, v in entries
                              if not (v == value and type(v) is type(value))))
    return Derivation(fact, value, winner, supporters, overridden)
