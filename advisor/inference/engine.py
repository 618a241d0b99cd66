"""The adapter to durable-rules: the only module that imports it.

It drives the C extension ``durable_rules_engine`` (shipped in the
``durable-rules`` package, used unmodified) directly rather than through
``durable.engine.Host``: the Host's Python layer costs about two thirds of the
time per fired rule and starts timer threads that call into the engine
concurrently (see ``shared/notes/durable-rules.md``).

Per profile, level by level, for each ruleset (shard) with something to assert
at that level, one ``assert_facts`` call, then every queued action is taken:

1. level 0: the profile's facts (the answers the shard tests), then the level's
   start facts; a later level: the derived facts settled at the level before,
   then that level's start facts. Most rules have no start pattern and complete
   as soon as their facts are there; a rule with a negation that could see its
   negated fact arrive later (see :func:`advisor.kb.compiler.needs_start`) or with
   no positive pattern waits for its level's start fact, asserted after every
   fact it tests;
2. each queued action names the durable rule, hence the rule and the facts that
   satisfied it (the provenance the graph is built from);
3. once every rule deriving a fact has run (after the last level holding one),
   its value is settled: the highest-priority rule's value wins, ties go to the
   rule id that sorts first; the fact goes to the shards that test it, in the
   next level's call.

State contract: between profiles every shard's state is empty (no fact, no
queued action). At the end of each profile the shard's facts are retracted in
one call, start facts first (no gated rule can complete on the way out), then
the rest in the reverse order of their assertion: the derived facts, latest
level first, then the answers. A rule with no start fact then loses its latest
positive fact before any fact it negates. Retracting in the order of assertion
(answers first) made the C engine damage its memory now and then - a segfault
in ``retract_facts``, or later in unrelated Python code, or a dictionary lookup
that never ended - in about one run in ten of the interview tests; in the
reverse order, none was seen in 40 runs. :meth:`Engine.is_clean` checks the
contract.

Memory is given back when the engine closes (or is collected). Deleting a
ruleset alone frees its network but not the state inside it (about 6 MB per
ruleset that ran a profile), so the state is deleted first - and
``deleteStateNode`` frees two pointers that ``createStateNode`` leaves unset
until an action has run in the state (a crash seen with SIGABRT). So every
ruleset is *primed* when it is created: a sentinel rule, added to its
definition here, fires once on a sentinel fact in the one state the engine
uses, the action is completed (which sets both pointers to NULL) and the fact
retracted. Each shard keeps that one state, emptied after every profile, and
deletes it before the ruleset when the engine closes.

Provenance is read from the engine's action messages; a message names the
durable rule and the facts it matched. While the levels run only the rule's
name is read (what fired, and the derived facts it claims); the facts are
parsed when a :class:`~advisor.kb.model.Firing`'s ``matches`` is first asked
for (the JSON report's match detail, an explanation), and the same message
recurs across profiles, so parsed messages are kept in a bounded memo.

Long by design: every call into the C engine, and every work-around for its
hang, its crash and its limits, sits in this one module so that no other
module depends on durable's quirks.

Stage: inference.
"""

from __future__ import annotations

import itertools
import json
import re
import weakref
from dataclasses import dataclass, field
from typing import Any, Iterable

from advisor.errors import InternalError
from advisor.kb import CompiledBase, Firing, Match, answer_facts, derived_prop, fact_texts, lazy_firing, retract_text

__all__ = ["Engine", "Inference", "Derivation"]

_names = itertools.count()
_SID = "0"
#: a rule added to each ruleset and the fact that fires it once, at creation (see the module notes)
_SENTINEL_RULE = '"z_sentinel":{"all":[{"m":{"z_":1}}]}'
_SENTINEL_FACT = '[{"id":"z_","z_":1}]'


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
    """Runs a :class:`~advisor.kb.compiled.CompiledBase` over profiles.

    One engine holds one ruleset per shard for its lifetime; call :meth:`close`
    (or use it as a context manager) to release them.
    """

    def __init__(self, compiled: CompiledBase) -> None:
        import durable_rules_engine as dre

        self._dre = dre
        self._error = getattr(dre, "error", Exception)
        self.compiled = compiled
        self._rule_level = dict(compiled.rule_levels)
        self._order = {rule_id: index for index, (rule_id, _) in
                       enumerate(sorted(compiled.rule_levels, key=lambda item: (item[1], item[0])))}
        # per shard: (handle, fact properties, shard name)
        self._shards: list[tuple[int, frozenset[str], str]] = []
        self._rule_of: dict[str, str] = {}  # durable rule name -> rule id (names are unique across shards)
        # per level: shard index -> that level's start facts (JSON to assert, JSON to retract)
        self._starts: list[dict[int, tuple[str, str]]] = [{} for _ in range(compiled.level_count)]
        # the level after which each derived fact is settled (its last deriver has run)
        self._settle: dict[str, int] = {}
        for rule_id, pairs in compiled.derivations:
            for fact, _ in pairs:
                self._settle[fact] = max(self._settle.get(fact, 0), self._rule_level[rule_id])
        # derived property -> shards testing it
        self._testers: dict[str, tuple[int, ...]] = {}
        self._texts: dict[tuple, tuple[str, str]] = {}
        # action message -> (rule id, a firing of that message alone, its matches read when asked for)
        self._memo: dict[str, tuple[str, Firing]] = {}
        # answer -> per shard testing it: (shard index, its facts' JSON, the JSON retracting them)
        self._answers: dict[tuple, tuple[tuple[int, str, str], ...]] = {}
        self._offsets: dict[int, int] = {}  # shard handle -> offset of its state
        self._closed = False
        tag = next(_names)
        testers: dict[str, list[int]] = {}
        handles: list[int] = []  # every ruleset created, freed by close() or when the engine is collected
        self._free = weakref.finalize(self, _free, dre, self._error, handles)
        self._free.atexit = False  # at exit the process's memory goes back anyway: no needless C calls
        try:
            for index, shard in enumerate(compiled.shards):
                handle = dre.create_ruleset(f"{shard.name}_{tag}", shard.definition[:-1] + "," + _SENTINEL_RULE + "}")
                handles.append(handle)
                self._offsets[handle] = self._prime(handle)
                self._shards.append((handle, frozenset(shard.props), shard.name))
                self._rule_of.update(shard.actions)
                for level, starts in shard.starts:
                    removal = ",".join(retract_text(json.dumps(fact)) for fact in json.loads("[" + starts + "]"))
                    self._starts[level][index] = (starts, removal)
                for prop in shard.props:
                    if prop.startswith("d_"):
                        testers.setdefault(prop, []).append(index)
        except self._error as exc:  # a shard the model let through but the engine refused
            self.close()
            raise InternalError(f"durable-rules refused a compiled ruleset ({exc}); the sharding model missed a limit",
                                code="E500") from exc
        self._testers = {prop: tuple(found) for prop, found in testers.items()}
        # deriving rule -> what each of its derived facts needs once it fires: (fact, claim,
        # the Derivation when this rule is the only claimant, that value's JSON facts, testers)
        self._claims: dict[str, tuple[tuple[str, tuple[int, str, Any], Derivation, tuple[str, str],
                                            tuple[int, ...]], ...]] = {}
        priority = dict(compiled.priorities)
        for rule_id, pairs in compiled.derivations:
            self._claims[rule_id] = tuple(
                (fact, (priority[rule_id], rule_id, value), Derivation(fact, value, rule_id, (rule_id,)),
                 self._derived_text(fact, value), self._testers.get(derived_prop(fact), ()))
                for fact, value in pairs)

    def _prime(self, handle: int) -> int:
        """Fire the sentinel rule once in the shard's state (see the module notes); the state's offset."""
        dre = self._dre
        offset = dre.assert_facts(handle, _SENTINEL_FACT)[1]
        if dre.start_action_for_state(handle, offset) is None:
            raise InternalError("durable-rules did not fire the sentinel rule of a new ruleset", code="E500")
        while dre.complete_and_start_action(handle, offset):
            pass
        dre.retract_facts(handle, _SENTINEL_FACT)
        return offset

    # ------------------------------------------------------------------ running

    def infer(self, facts: dict[str, list[str]]) -> Inference:
        """Run every level over the profile's encoded facts (see :func:`advisor.kb.knowledge_base.facts.encode_answers`)."""
        initial: list[list[str]] = []
        removal: list[list[str]] = []
        for _, props, _ in self._shards:
            texts = [text for prop, group in facts.items() if prop in props for text in group]
            initial.append([",".join(texts)] if texts else [])
            removal.append([",".join(retract_text(text) for text in texts)] if texts else [])
        return self._run(initial, removal)

    def infer_answers(self, answers: Iterable[tuple[str, Any]]) -> Inference:
        """Run every level over a profile's answers (``Profile.answers``: field, value; lists as tuples).

        The same as ``infer(encode_answers(profile.answers))``, with each answer's facts
        for each shard looked up once per distinct answer rather than encoded anew.
        """
        initial: list[list[str]] = [[] for _ in self._shards]
        removal: list[list[str]] = [[] for _ in self._shards]
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
            for index, texts, ids in per_shard:
                initial[index].append(texts)
                removal[index].append(ids)
        return self._run(initial, removal)

    def _shard_facts(self, name: str, value: Any) -> tuple[tuple[int, str, str], ...]:
        """One answer's facts for each shard testing them: comma-joined JSON to assert and to retract."""
        encoded = answer_facts(name, value)
        out = []
        for index, (_, props, _) in enumerate(self._shards):
            mine = [(text, ids) for prop, text, ids in encoded if prop in props]
            if mine:
                out.append((index, ",".join([text for text, _ in mine]), ",".join([ids for _, ids in mine])))
        return tuple(out)

    def _run(self, initial: list[list[str]], removal: list[list[str]]) -> Inference:
        """Every level over the profile's facts, given per shard as comma-joined JSON parts
        (and the parts that retract them)."""
        if self._closed:
            raise InternalError("engine is closed", code="E500")
        dre = self._dre
        shards = self._shards
        rule_of, level_of = self._rule_of, self._rule_level
        memo = self._memo
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        found: dict[str, list[Firing]] = {}  # rule id -> a firing for each action message it was reported in
        claims: dict[str, list[tuple]] = {}  # derived fact -> the claims of the rules that fired
        waiting: dict[int, list[str]] = {}  # level -> claimed facts settled after it
        derived: dict[str, Derivation] = {}
        sent: dict[int, list[str]] = {}  # shard -> what retracts the facts asserted this profile
        started: dict[int, list[str]] = {}  # shard -> what retracts the start facts asserted
        pending: dict[int, list[tuple[str, str]]] = {}  # shard -> derived facts not yet asserted
        rule_claims, settle = self._claims, self._settle
        assert_facts, start_action = dre.assert_facts, dre.start_action_for_state
        complete, retract = dre.complete_and_start_action, dre.retract_facts
        try:
            for level, starts_here in enumerate(self._starts):
                if level == 0:
                    visits: Iterable[int] = range(len(shards))
                elif pending:
                    visits = sorted(pending.keys() | starts_here.keys()) if starts_here else sorted(pending)
                else:
                    visits = starts_here
                got = []
                for index in visits:
                    if level == 0:
                        batch = initial[index]
                        if batch:
                            sent[index] = removal[index]
                    else:
                        new = pending.pop(index, None)
                        if new:
                            batch = [text for text, _ in new]
                            if index in sent:
                                sent[index].extend([ids for _, ids in new])
                            else:
                                sent[index] = [ids for _, ids in new]
                        else:
                            batch = None
                    starts = starts_here.get(index)
                    if starts is not None:
                        batch = batch + [starts[0]] if batch else [starts[0]]
                        if index in started:
                            started[index].append(starts[1])
                        else:
                            started[index] = [starts[1]]
                    elif not batch:
                        continue
                    handle = shards[index][0]
                    offset = assert_facts(handle, "[" + ",".join(batch) + "]")[1]
                    self._offsets[handle] = offset
                    result = start_action(handle, offset)
                    if result is None:
                        continue
                    message = result[1]
                    while message:
                        entry = memo.get(message)
                        if entry is None:  # only the rule's name is read now; its matches when asked for
                            rule_id = rule_of[message[2:message.index('"', 2)]]
                            entry = memo[message] = (rule_id, lazy_firing(rule_id, level_of[rule_id],
                                                                          _read_message, message))
                        got.append(entry)
                        message = complete(handle, offset)
                for entry in got:
                    rule_id = entry[0]
                    entries = found.get(rule_id)
                    if entries is not None:
                        entries.append(entry[1])
                        continue
                    found[rule_id] = [entry[1]]
                    mine = rule_claims.get(rule_id)
                    if mine is not None:
                        for claim in mine:
                            fact = claim[0]
                            if fact in claims:
                                claims[fact].append(claim)
                            else:
                                claims[fact] = [claim]
                                after = settle[fact]
                                if after in waiting:
                                    waiting[after].append(fact)
                                else:
                                    waiting[after] = [fact]
                ready = waiting.pop(level, None)
                if ready is None:
                    continue
                for fact in ready:
                    candidates = claims[fact]
                    if len(candidates) == 1:
                        _, _, resolution, text, testers = candidates[0]
                    else:
                        resolution = _resolve(fact, [claim[1] for claim in candidates])
                        text = self._derived_text(fact, resolution.value)  # (assert, retract)
                        testers = self._testers.get(derived_prop(fact), ())
                    derived[fact] = resolution
                    for index in testers:
                        if index in pending:
                            pending[index].append(text)
                        else:
                            pending[index] = [text]
        except self._error as exc:
            raise InternalError(f"durable-rules failed: {exc}", code="E500") from exc
        finally:
            # start facts first: no gated rule can complete on the way out; then the rest in the
            # reverse order of assertion, so that a rule without a start fact loses its latest
            # positive fact before any fact it negates (it cannot complete again on the way out)
            for index in sent.keys() | started.keys():
                parts = started.get(index, []) + sent.get(index, [])[::-1]
                retract(shards[index][0], "[" + ",".join(parts) + "]")
        firings = []
        if found:
            for rule_id in sorted(found, key=self._order.__getitem__) if len(found) > 1 else found:
                entries = found[rule_id]
                if len(entries) == 1:
                    firings.append(entries[0])
                else:
                    firings.append(lazy_firing(rule_id, level_of[rule_id], _read_matches, entries))
        return Inference(tuple(firings), tuple([derived[name] for name in sorted(derived)]) if derived else ())

    def _derived_text(self, fact: str, value: Any) -> tuple[str, str]:
        """The JSON asserting a derived value, and the JSON retracting it (memoised: the same few recur)."""
        key = (fact, type(value), value)
        texts = self._texts.get(key)
        if texts is None:
            texts = self._texts[key] = fact_texts(derived_prop(fact), value)
        return texts

    def is_clean(self) -> bool:
        """True when no shard's state holds a fact or a queued action (checked by the tests)."""
        for handle, *_ in self._shards:
            facts = json.loads(self._dre.get_facts(handle, _SID))
            if facts:
                return False
            offset = self._offsets.get(handle)
            if offset is not None and self._dre.start_action_for_state(handle, offset) is not None:
                self._dre.abandon_action(handle, offset)
                return False
        return True

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        """Free the rulesets and their states in the C engine (also done when the engine is collected)."""
        if self._closed:
            return
        self._closed = True
        self._free()
        self._shards = []

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _free(dre: Any, error: type[Exception], handles: list[int]) -> None:
    """Delete each ruleset's state, then the ruleset: both give their memory back (see the module notes)."""
    for handle in handles:
        try:
            dre.delete_state(handle, _SID)
        except error:
            pass
        try:
            dre.delete_ruleset(handle)
        except error:
            pass
    handles.clear()


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


def _read_message(message: str) -> tuple[Match]:
    """The match one action message reports (read when a firing's matches are first asked for)."""
    return (_match(message),)


def _read_matches(firings: list[Firing]) -> tuple[Match, ...]:
    """One :class:`Match` per distinct set of facts a rule matched (each action message read
    once, as a firing of its own), ordered by the facts' keys and values' reprs."""
    keyed = sorted(((tuple([(key, repr(value)) for key, value in match.facts]), match)
                    for firing in firings for match in firing.matches), key=_first)
    out: list[Match] = []
    last = None
    for key, match in keyed:
        if key != last:  # equal keys mean equal facts (a repr tells the types apart)
            out.append(match)
            last = key
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
