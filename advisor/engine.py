"""The adapter to durable-rules: the only module that imports it.

It drives the C extension ``durable_rules_engine`` (shipped in the
``durable-rules`` package, used unmodified) directly rather than through
``durable.engine.Host``: the Host's Python layer costs about two thirds of the
time per fired rule and starts timer threads that call into the engine
concurrently (see ``shared/notes/durable-rules.md``).

Per profile, level by level, for each ruleset (shard) holding rules of that level:

1. assert, in one call, the shard's relevant facts (on the shard's first call of
   the profile: the profile's facts; later: derived facts settled since) and
   then the level's start facts, so every join and negation of the level's rules
   is evaluated with all facts present;
2. take every queued action; each names the durable rule, hence the rule and
   the facts that satisfied it (the provenance the graph is built from);
3. once every rule deriving a fact has run (after the last level holding one),
   settle its value: the highest-priority rule's value wins, ties go to the
   rule id that sorts first; the fact goes to the shards that test it.

At the end each shard's facts are retracted, start facts first (no rule can
then complete, so no negation can fire on the way out). The state is empty
again.

States are never deleted: ``deleteStateNode`` frees pointers that
``createStateNode`` leaves unset when no rule fired in the state (a crash seen
with SIGABRT). Each shard keeps one state that is emptied after every profile.

Provenance is read from the engine's action messages; a message names the
durable rule and the facts it matched, and the same message recurs across
profiles, so parsed messages are kept in a bounded memo.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from .compiler import CompiledBase
from .errors import InternalError
from .facts import derived_prop, encode_answer, encode_derived
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


#: Parsed action messages kept for reuse; the memo is emptied when it grows past this.
MEMO_LIMIT = 10_000


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
        self._order = {rule_id: index for index, (rule_id, _) in
                       enumerate(sorted(compiled.rule_levels, key=lambda item: (item[1], item[0])))}
        # per shard: (handle, fact properties, durable rule name -> rule id, shard name)
        self._shards: list[tuple[int, frozenset[str], dict[str, str], str]] = []
        # per level: shard index -> that level's start facts
        self._starts: list[dict[int, str]] = [{} for _ in range(compiled.level_count)]
        # per level: derived facts whose every deriver has run by the end of that level
        self._settled: list[list[str]] = [[] for _ in range(compiled.level_count)]
        last: dict[str, int] = {}
        for rule_id, pairs in compiled.derivations:
            for fact, _ in pairs:
                last[fact] = max(last.get(fact, 0), self._rule_level[rule_id])
        for fact in sorted(last):
            self._settled[last[fact]].append(fact)
        # derived property -> shards testing it
        self._testers: dict[str, list[int]] = {}
        # action message -> (rule id, its Match, the Firing when it is the rule's only match)
        self._memo: dict[str, tuple[str, Match, Firing]] = {}
        self._single: dict[tuple, Derivation] = {}  # (fact, rule id, type, value) -> Derivation
        self._texts: dict[tuple, tuple[str, str]] = {}
        self._answers: dict[tuple, tuple[tuple[int, tuple[str, ...]], ...]] = {}  # answer -> facts per shard
        self._offsets: dict[int, int] = {}  # shard handle -> offset of its state
        self._closed = False
        tag = next(_names)
        try:
            for index, shard in enumerate(compiled.shards):
                handle = dre.create_ruleset(f"{shard.name}_{tag}", shard.definition)
                self._shards.append((handle, frozenset(shard.props), dict(shard.actions), shard.name))
                for level, starts in shard.starts:
                    self._starts[level][index] = starts
                for prop in shard.props:
                    if prop.startswith("d_"):
                        self._testers.setdefault(prop, []).append(index)
        except self._error as exc:  # a shard the model let through but the engine refused
            self.close()
            raise InternalError(f"durable-rules refused a compiled ruleset ({exc}); the sharding model missed a limit",
                                code="E500") from exc

    # ------------------------------------------------------------------ running

    def infer(self, facts: dict[str, list[str]]) -> Inference:
        """Run every level over the profile's encoded facts (see :func:`advisor.facts.encode_profile`)."""
        initial = [[text for prop, texts in facts.items() if prop in props for text in texts]
                   for _, props, _, _ in self._shards]
        return self._run(initial)

    def infer_answers(self, answers: Iterable[tuple[str, Any]]) -> Inference:
        """Run every level over a profile's answers (``Profile.answers``: field, value; lists as tuples).

        The same as ``infer(encode_profile(profile))``, with each answer's facts
        for each shard looked up once per distinct answer rather than encoded anew.
        """
        initial: list[list[str]] = [[] for _ in self._shards]
        memo = self._answers
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        for name, value in answers:
            if type(value) is list:
                value = tuple(value)
            key = (name, type(value), value)
            per_shard = memo.get(key)
            if per_shard is None:
                per_shard = memo[key] = self._shard_facts(name, value)
            for index, texts in per_shard:
                initial[index].extend(texts)
        return self._run(initial)

    def _shard_facts(self, name: str, value: Any) -> tuple[tuple[int, tuple[str, ...]], ...]:
        encoded = encode_answer(name, value)
        out = []
        for index, (_, props, _, _) in enumerate(self._shards):
            texts = tuple(text for prop, group in encoded if prop in props for text in group)
            if texts:
                out.append((index, texts))
        return tuple(out)

    def _run(self, initial: list[list[str]]) -> Inference:
        """Every level over the profile's facts, given per shard."""
        if self._closed:
            raise InternalError("engine is closed", code="E500")
        dre = self._dre
        shards = self._shards
        memo = self._memo
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        found: dict[str, list[tuple[str, Match, Firing]]] = {}  # rule id -> its matches, as reported
        claims: dict[str, list[tuple[int, str, Any]]] = {}
        derived: dict[str, Derivation] = {}
        sent: dict[int, list[str]] = {}  # shard -> facts asserted this profile (answers, derived)
        started: dict[int, list[str]] = {}  # shard -> start facts asserted this profile
        pending: dict[int, list[str]] = {}  # shard -> derived facts not yet asserted
        derives, priority = self._derives, self._priority
        assert_facts, start_action = dre.assert_facts, dre.start_action_for_state
        complete, retract = dre.complete_and_start_action, dre.retract_facts
        try:
            for level, starts_here in enumerate(self._starts):
                fired_here: list[str] = []
                if level == 0:
                    visits = range(len(shards))
                elif pending:
                    visits = sorted(pending.keys() | starts_here.keys()) if starts_here else sorted(pending)
                else:
                    visits = starts_here
                for index in visits:
                    if level == 0:
                        batch = initial[index]
                        if batch:
                            sent[index] = list(batch)
                    else:
                        batch = pending.pop(index, None)
                        if batch:
                            if index in sent:
                                sent[index].extend(batch)
                            else:
                                sent[index] = list(batch)
                    starts = starts_here.get(index)
                    if starts is not None:
                        batch = batch + [starts] if batch else [starts]
                        if index in started:
                            started[index].append(starts)
                        else:
                            started[index] = [starts]
                    elif not batch:
                        continue
                    handle, _, actions, _ = shards[index]
                    _, offset = assert_facts(handle, "[" + ",".join(batch) + "]")
                    self._offsets[handle] = offset
                    result = start_action(handle, offset)
                    message = result[1] if result else None
                    while message:
                        entry = memo.get(message)
                        if entry is None:
                            entry = memo[message] = self._parse(message, actions)
                        rule_id = entry[0]
                        matches = found.get(rule_id)
                        if matches is None:
                            found[rule_id] = [entry]
                            fired_here.append(rule_id)
                        else:
                            matches.append(entry)
                        message = complete(handle, offset)
                for rule_id in fired_here:
                    pairs = derives.get(rule_id)
                    if pairs:
                        for fact, value in pairs:
                            claim = (priority[rule_id], rule_id, value)
                            if fact in claims:
                                claims[fact].append(claim)
                            else:
                                claims[fact] = [claim]
                if not claims:
                    continue
                for fact in self._settled[level]:
                    entries_for = claims.get(fact)
                    if entries_for is None:
                        continue
                    if len(entries_for) == 1:
                        _, winner, value = entries_for[0]
                        key = (fact, winner, type(value), value)
                        resolution = self._single.get(key)
                        if resolution is None:
                            resolution = self._single[key] = _resolve(fact, entries_for)
                        derived[fact] = resolution
                    else:
                        resolution = derived[fact] = _resolve(fact, entries_for)
                    prop, text = self._derived_text(fact, resolution.value)
                    for index in self._testers.get(prop, ()):
                        if index in pending:
                            pending[index].append(text)
                        else:
                            pending[index] = [text]
        except self._error as exc:
            raise InternalError(f"durable-rules failed: {exc}", code="E500") from exc
        finally:
            # start facts first: no gated rule can complete on the way out
            for index in sent.keys() | started.keys():
                retract(shards[index][0], "[" + ",".join(started.get(index, []) + sent.get(index, [])) + "]")
        order = self._order
        level_of = self._rule_level
        firings = []
        for rule_id in sorted(found, key=order.__getitem__):
            entries_found = found[rule_id]
            if len(entries_found) == 1:
                firings.append(entries_found[0][2])
            else:
                firings.append(Firing(rule_id, level_of[rule_id], _distinct([e[1] for e in entries_found])))
        return Inference(tuple(firings), tuple(derived[name] for name in sorted(derived)))

    def _parse(self, message: str, actions: dict[str, str]) -> tuple[str, Match, Firing]:
        """What one action message says: ``{"<durable rule name>":{<alias>:<fact>,...}}``."""
        rule_id = actions[message[2:message.index('"', 2)]]
        match = _match(message)
        return rule_id, match, Firing(rule_id, self._rule_level[rule_id], (match,))

    def _derived_text(self, fact: str, value: Any) -> tuple[str, str]:
        """The property and JSON fact of a derived value (memoised: the same few recur)."""
        key = (fact, type(value), value)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = (derived_prop(fact), encode_derived(fact, value))
        return found

    def is_clean(self) -> bool:
        """True when no shard's state holds a fact or a queued action (checked by the tests)."""
        for handle, *_ in self._shards:
            try:
                facts = json.loads(self._dre.get_facts(handle, _SID))
            except self._error as exc:
                if "error code: 309" in str(exc):  # no state yet: nothing was ever asserted
                    continue
                raise
            if facts:
                return False
            offset = self._offsets.get(handle)
            if offset is not None and self._dre.start_action_for_state(handle, offset) is not None:
                self._dre.abandon_action(handle, offset)
                return False
        return True

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for handle, *_ in self._shards:
            try:
                self._dre.delete_ruleset(handle)
            except self._error:
                pass
        self._shards = []

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


def _match(message: str) -> Match:
    """The facts one action message reports, as a :class:`Match` (start facts left out)."""
    facts = []
    for kind, name, raw in set(_FACT.findall(message)):
        value = _value(raw)
        if kind == "f":
            key = "answer:" + name
        elif kind == "d":
            key = "derived:" + name
        else:
            key = f"member:{name}={value}"
        facts.append((key, value))
    facts.sort(key=_first)
    return Match(tuple(facts))


def _distinct(matches: list[Match]) -> tuple[Match, ...]:
    """One :class:`Match` per distinct set of facts, in a stable order."""
    if len(matches) == 1:
        return (matches[0],)
    out = list(dict.fromkeys(matches))
    if len(out) > 1:
        out.sort(key=lambda m: tuple((k, repr(v)) for k, v in m.facts))
    return tuple(out)


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


def _resolve(fact: str, entries: list[tuple[int, str, Any]]) -> Derivation:
    if len(entries) == 1:
        _, winner, value = entries[0]
        return Derivation(fact, value, winner, (winner,))
    ordered = sorted(entries, key=lambda e: (-e[0], e[1]))
    _, winner, value = ordered[0]
    supporters = tuple(sorted(rule_id for _, rule_id, v in entries if v == value and type(v) is type(value)))
    overridden = tuple(sorted((rule_id, v) for _, rule_id, v in entries
                              if not (v == value and type(v) is type(value))))
    return Derivation(fact, value, winner, supporters, overridden)
