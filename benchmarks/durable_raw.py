"""durable-rules' C extension with the least adapter possible: the floor under the advisor's engine.

The same compiled rulesets the advisor registers (``kb.compiled``: shards,
levels, start facts), driven with nothing the answer needs left out and
nothing else added: per level and shard, one ``assert_facts`` call, each
queued action taken and only its rule name read; a derived fact settled once
its last deriver has run (highest priority, ties to the smallest rule id) and
asserted in the next level's call; at the end one ``retract_facts`` per
shard (start facts first, then the rest in reverse order, as the engine's
state contract asks). No provenance, no records, no checks. The advisor's
engine (:mod:`advisor.inference.engine`) over this is its own overhead.

Benchmark-only; it imports durable directly, which :mod:`advisor` leaves to
its engine module.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from advisor.kb import answer_facts, derived_prop, fact_texts, retract_text

_names = itertools.count()


class RawDurable:
    """One ruleset per compiled shard, registered under fresh names."""

    def __init__(self, kb: Any) -> None:
        import durable_rules_engine as dre

        self.dre = dre
        compiled = kb.compiled
        tag = next(_names)
        self.handles: list[int] = []
        self.props: list[frozenset[str]] = []
        self.rule_of: dict[str, str] = {}
        self.starts: list[dict[int, tuple[str, str]]] = [{} for _ in range(compiled.level_count)]
        for index, shard in enumerate(compiled.shards):
            self.handles.append(dre.create_ruleset(f"raw{tag}_{shard.name}", shard.definition))
            self.props.append(frozenset(shard.props))
            self.rule_of.update(shard.actions)
            for level, starts in shard.starts:
                removal = ",".join(retract_text(json.dumps(f)) for f in json.loads("[" + starts + "]"))
                self.starts[level][index] = (starts, removal)
        levels = dict(compiled.rule_levels)
        priority = dict(compiled.priorities)
        self.settle: dict[str, int] = {}
        self.claims: dict[str, tuple] = {}
        for rule_id, pairs in compiled.derivations:
            self.claims[rule_id] = tuple((fact, -priority[rule_id], rule_id, value) for fact, value in pairs)
            for fact, _ in pairs:
                self.settle[fact] = max(self.settle.get(fact, 0), levels[rule_id])
        self.testers = {prop: [i for i, props in enumerate(self.props) if prop in props]
                        for prop in {p for props in self.props for p in props if p.startswith("d_")}}
        self.memo: dict[tuple, list[tuple[int, str, str]]] = {}
        self.dtexts: dict[tuple, tuple] = {}

    def close(self) -> None:
        for handle in self.handles:
            try:
                self.dre.delete_ruleset(handle)
            except self.dre.error:
                pass
        self.handles = []

    def _facts(self, name: str, value: Any) -> list[tuple[int, str, str]]:
        out = []
        encoded = answer_facts(name, value)
        for index, props in enumerate(self.props):
            mine = [(text, ids) for prop, text, ids in encoded if prop in props]
            if mine:
                out.append((index, ",".join(t for t, _ in mine), ",".join(i for _, i in mine)))
        return out

    def run(self, answers: tuple[tuple[str, Any], ...]) -> tuple[set[str], dict[str, Any]]:
        """Fired rule ids and derived values for a profile's answers (``Profile.answers``)."""
        dre, handles, memo = self.dre, self.handles, self.memo
        shards = len(handles)
        batch: list[list[str]] = [[] for _ in range(shards)]
        sent: list[list[str]] = [[] for _ in range(shards)]
        started: list[list[str]] = [[] for _ in range(shards)]
        for name, value in answers:
            key = (name, value)
            found = memo.get(key)
            if found is None:
                found = memo[key] = self._facts(name, value)
            for index, text, ids in found:
                batch[index].append(text)
                sent[index].append(ids)
        fired: set[str] = set()
        best: dict[str, tuple] = {}
        derived: dict[str, Any] = {}
        rule_of, claims, settle = self.rule_of, self.claims, self.settle
        for level, starts in enumerate(self.starts):
            for index, (assert_text, retract) in starts.items():
                batch[index].append(assert_text)
                started[index].append(retract)
            for index in range(shards):
                if not batch[index]:
                    continue
                handle = handles[index]
                offset = dre.assert_facts(handle, "[" + ",".join(batch[index]) + "]")[1]
                batch[index] = []
                result = dre.start_action_for_state(handle, offset)
                message = result[1] if result is not None else None
                while message:
                    rule_id = rule_of[message[2:message.index('"', 2)]]
                    if rule_id not in fired:
                        fired.add(rule_id)
                        for fact, rank, who, value in claims.get(rule_id, ()):
                            known = best.get(fact)
                            if known is None or (rank, who) < known[:2]:
                                best[fact] = (rank, who, value)
                    message = dre.complete_and_start_action(handle, offset)
            for fact, (_, _, value) in best.items():
                if settle[fact] == level and fact not in derived:
                    derived[fact] = value
                    texts = self.dtexts.get((fact, value))
                    if texts is None:
                        texts = self.dtexts[(fact, value)] = (fact_texts(derived_prop(fact), value),
                                                              self.testers.get(derived_prop(fact), ()))
                    (text, ids), testers = texts
                    for index in testers:
                        batch[index].append(text)
                        sent[index].append(ids)
        for index in range(shards):
            if sent[index] or started[index]:
                dre.retract_facts(handles[index], "[" + ",".join(started[index] + sent[index][::-1]) + "]")
        return fired, derived
