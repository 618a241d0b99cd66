"""Where each conclusion of one run came from: the engine's record, indexed for reading.

One :class:`Provenance` per run (:class:`advisor.analysis.Analysis` keeps it)
answers, with plain dicts, the questions explanations ask - which fired rules
concluded this item or fact and whether that conclusion stood, which answers
and derived facts each rule matched and with which conditions, what it cites -
and the recommendation graph (:mod:`advisor.graph`) is the same index written
out whole. There is one reading of the engine's record, here.

Assumptions
-----------
* Everything comes from what the engine reported (the
  :class:`~advisor.engine.Inference`: each firing with the facts each match
  used, each derived fact with its deciding rule) and the decided
  :class:`~advisor.conclude.Conclusions`; nothing is inferred again.
* A positive test binds a fact and the engine names it; a negated test binds
  nothing, so for the alternatives of the condition the engine matched, such
  tests are evaluated on the same answers (:func:`advisor.reference.test_holds`)
  and linked to the answer they read. This annotates a firing; it cannot
  change one.
* Nodes and edges carry the attributes of the graph (see :mod:`advisor.graph`),
  namespaced ids included. Each part is worked out on first use and kept, so
  explaining one item reads only the rules behind it, and what the knowledge
  base alone decides (wording of conditions, citations, catalog entries) is
  worked out once per knowledge base (:mod:`advisor.kbindex`).
"""

from __future__ import annotations

from typing import Any

from .analysis import OUTCOMES, status_of
from .conclude import Conclusions, Support
from .engine import Inference
from .kb import KnowledgeBase
from .ranking import explain_rank, plain_key, recommendation_key, severity_of, step_key, strength_of, warning_key
from .reference import test_holds
from .kbindex import KbIndex, RuleInfo, fact_id, item_id, rule_id
from .wording import word

__all__ = ["Provenance", "RuleRecord"]

_MISSING = object()
#: outcome -> the conclusion kind whose table holds its items, in the order ranks are assigned
_RANK_TABLES = ("recommend", "warn", "avoid", "step", "kpi")


class RuleRecord:
    """A fired rule as the run saw it: its node attributes and the conditions it met.

    ``conditions`` holds ``(subject node, condition_of edge attributes)``,
    answers first, then derived facts, each sorted by id.
    """

    __slots__ = ("info", "attrs", "conditions")

    def __init__(self, info: RuleInfo, attrs: dict[str, Any], conditions: tuple[tuple[str, dict[str, Any]], ...]):
        self.info = info
        self.attrs = attrs
        self.conditions = conditions


class Provenance:
    """The record of one run, indexed (see the module notes)."""

    def __init__(self, kb: KnowledgeBase, answers: dict[str, Any], inference: Inference,
                 conclusions: Conclusions) -> None:
        self.kb = kb
        self.tables = KbIndex.of(kb)
        self.answers = answers
        self.inference = inference
        self.conclusions = conclusions
        self.derivations = {d.fact: d for d in inference.derived}
        self.values = {d.fact: d.value for d in inference.derived}
        infos = self.tables.rule_info
        self.firings = {}  # rule node -> (info, firing), in firing order
        for firing in inference.firings:
            info = infos(firing.rule_id)
            if info is not None:
                self.firings[info.node] = (info, firing)
        self._concluders: dict[str, list[str]] | None = None
        self._rules: dict[str, RuleRecord] = {}
        self._answers: dict[str, dict[str, Any]] = {}
        self._facts: dict[str, dict[str, Any]] = {}
        self._items: dict[str, dict[str, Any]] = {}
        self._edges: dict[tuple[str, str], dict[str, Any]] = {}
        self._truth: dict[int, bool] = {}
        self._ranked: dict[str, list[str]] = {}
        self._overrides: dict[tuple[str, str], dict[str, Any]] | None = None

    # ------------------------------------------------------------------ nodes

    def has(self, node: str) -> bool:
        """Whether ``node`` is part of the run's reasoning (a node of the graph)."""
        kind, _, name = node.partition(":")
        if kind == "rule":
            return node in self.firings
        if kind == "fact":
            return name in self.derivations
        if kind == "item":
            return node in self.concluders_index()
        if kind == "answer":
            return any(s == node for r in self.firings for s, _ in self.rule(r).conditions)
        if kind == "source":
            return any(node in info.cites for info, _ in self.firings.values())
        return False

    def node(self, node: str) -> dict[str, Any]:
        """The node's attributes, as in the graph (KeyError when it is not part of the run)."""
        kind = node.partition(":")[0]
        if kind == "rule":
            record = self.rule(node)
            if record is None:
                raise KeyError(node)
            return record.attrs
        if kind == "fact":
            return self.fact(node)
        if kind == "item":
            return self.item(node)
        if kind == "answer":
            return self.answer(node)
        if kind == "source":
            return self.tables.source(node)
        raise KeyError(node)

    def rule(self, node: str) -> RuleRecord | None:
        """The fired rule's record (None when the rule did not fire)."""
        record = self._rules.get(node)
        if record is None:
            found = self.firings.get(node)
            if found is None:
                return None
            record = self._rules[node] = self._rule_record(*found)
        return record

    def fact(self, node: str) -> dict[str, Any]:
        attrs = self._facts.get(node)
        if attrs is None:
            d = self.derivations[node[5:]]
            meaning = self.kb.rules.facts.get(d.fact, "")
            attrs = self._facts[node] = dict(
                kind="fact", fact=d.fact, label=d.fact.replace("_", " ") + ("" if d.value is True else f" = {word(d.value)}"),
                title=meaning or d.fact, value=word(d.value), value_json=self.tables.dump(d.value), set_by=d.rule_id,
                meaning=meaning)
        return attrs

    def answer(self, node: str) -> dict[str, Any]:
        attrs = self._answers.get(node)
        if attrs is None:
            name = node[7:]
            label, group, group_label, question = self.tables.field(name)
            value = self.answers.get(name)
            shown = word(value)
            attrs = self._answers[node] = dict(
                kind="answer", field=name, label=f"{label}: {shown}", title=label, value=shown,
                value_json=self.tables.dump(value), answered=name in self.answers, group=group,
                group_label=group_label, question=question)
        return attrs

    def item(self, node: str) -> dict[str, Any]:
        """An item's attributes: its outcome, rank, strength or severity, priority, support, conflict."""
        attrs = self._items.get(node)
        if attrs is None:
            if node not in self.concluders_index():
                raise KeyError(node)
            name = node[5:]
            found = self.conclusions
            entry = self.tables.item(name)
            outcome = status_of(found, name)
            supports: list[Support] = []
            for kind, label in OUTCOMES.items():
                if label == outcome:
                    supports = getattr(found, kind).get(name, [])
            decision = next((d for d in found.decisions if d.item == name), None)
            rank, reason = self._rank(name)
            attrs = self._items[node] = dict(
                kind="item", item=name, label=entry.title, title=entry.title, catalog=entry.catalog,
                description=entry.description, outcome=outcome, rank=rank, rank_reason=reason,
                strength=strength_of(supports) if outcome == "recommended" else "",
                severity=severity_of(supports, entry.severity) if outcome == "warning" else "",
                priority=max((s.priority for s in supports), default=0),
                support=len({s.rule_id for s in supports}),
                conflict=decision.reason if decision else "")
        return attrs

    # ------------------------------------------------------------------ edges

    def concluders_index(self) -> dict[str, list[str]]:
        """Fact or item node -> the fired rules (nodes) that concluded it, in firing order."""
        found = self._concluders
        if found is None:
            found = self._concluders = {}
            derived = self.derivations
            for node, (info, _) in self.firings.items():
                for target, conclusion, _ in info.conclusions:
                    if conclusion.kind == "derive" and conclusion.target not in derived:
                        continue
                    rules = found.get(target)
                    if rules is None:
                        found[target] = [node]
                    elif rules[-1] != node:
                        rules.append(node)
        return found

    def concluders(self, target: str) -> list[tuple[str, dict[str, Any]]]:
        """(rule node, ``concludes`` edge attributes) of each fired rule that concluded ``target``."""
        return [(rule, self.conclusion(rule, target)) for rule in self.concluders_index().get(target, ())]

    def conclusion(self, rule: str, target: str) -> dict[str, Any] | None:
        """The ``concludes`` edge from ``rule`` to ``target`` (None when there is none)."""
        key = (rule, target)
        attrs = self._edges.get(key)
        if attrs is None:
            found = self.firings.get(rule)
            if found is None:
                return None
            info = found[0]
            last = None
            for node, conclusion, static in info.conclusions:  # the last conclusion about a target counts
                if node == target:
                    last = (conclusion, static)
            if last is None:
                return None
            conclusion, static = last
            if conclusion.kind == "derive":
                won = self.values.get(conclusion.target, _MISSING)
                if won is _MISSING:
                    return None
                effective = won == conclusion.value and type(won) is type(conclusion.value)
                attrs = dict(relation="concludes", conclusion="derive", value=static["value"],
                             effective=effective, note="")
            else:
                supports = getattr(self.conclusions, conclusion.kind).get(conclusion.target, ())
                attrs = dict(static, effective=any(s.rule_id == info.rule.id for s in supports))
            self._edges[key] = attrs
        return attrs

    def overrides(self) -> dict[tuple[str, str], dict[str, Any]]:
        """(winner rule node, loser rule node) -> ``overrides`` edge attributes."""
        if self._overrides is None:
            edges: dict[tuple[str, str], dict[str, Any]] = {}
            for d in self.inference.derived:
                for loser, value in d.overridden:
                    if rule_id(loser) in self.firings:
                        edges[rule_id(d.rule_id), rule_id(loser)] = dict(
                            relation="overrides", about=fact_id(d.fact),
                            reason=f"{d.rule_id} sets {d.fact} to {word(d.value)} and outranks {loser} "
                                   f"({word(value)}): higher priority wins, then the id that sorts first")
            for decision in self.conclusions.decisions:
                winners, losers = ((decision.supporters, decision.opposers) if decision.winner == "recommend"
                                   else (decision.opposers, decision.supporters))
                best = winners[0].rule_id
                for loser in losers:
                    if loser.rule_id != best:
                        edges[rule_id(best), rule_id(loser.rule_id)] = dict(
                            relation="overrides", about=item_id(decision.item), reason=decision.reason)
            self._overrides = edges
        return self._overrides

    # ------------------------------------------------------------------ ranks

    def ranked(self, outcome: str) -> list[str]:
        """The items whose outcome is ``outcome``, in report order (their ``rank``)."""
        found = self._ranked.get(outcome)
        if found is None:
            kind = next(k for k, label in OUTCOMES.items() if label == outcome)
            pool = [item for item in getattr(self.conclusions, kind) if status_of(self.conclusions, item) == outcome]
            found = self._ranked[outcome] = sorted(pool, key=lambda item: (self.item(item_id(item))["rank"], item))
        return found

    def _order(self, kind: str) -> dict[str, int]:
        """Item -> rank within the conclusions of ``kind``, ordered as docs/report.md says."""
        key = "order:" + kind
        found = self._ranked.get(key)
        if found is None:
            table = getattr(self.conclusions, kind)
            item = self.tables.item
            if kind == "recommend":
                order = sorted(table.items(), key=lambda kv: recommendation_key(*kv))
            elif kind == "warn":
                order = sorted(table.items(), key=lambda kv: warning_key(kv[0], kv[1], item(kv[0]).severity))
            elif kind == "step":
                order = sorted(table.items(), key=lambda kv: step_key(kv[0], kv[1], item(kv[0]).phase))
            else:
                order = sorted(table.items(), key=lambda kv: plain_key(*kv))
            found = self._ranked[key] = {name: rank for rank, (name, _) in enumerate(order, 1)}  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def _rank(self, name: str) -> tuple[int, str]:
        # the last table holding the item gives its rank (an item is in one table unless rules misuse kinds)
        found = self.conclusions
        for kind in reversed(_RANK_TABLES):
            supports = getattr(found, kind).get(name)
            if supports is None:
                continue
            rank = self._order(kind)[name]
            if kind == "recommend":
                return rank, explain_rank(rank, supports, strength=strength_of(supports))
            if kind == "warn":
                return rank, explain_rank(rank, supports, severity=severity_of(supports, self.tables.item(name).severity))
            return rank, explain_rank(rank, supports)
        return 0, ""

    # ------------------------------------------------------------------ rules

    def _holds(self, literal: Any) -> bool:
        truth = self._truth.get(literal.test_key)
        if truth is None:
            truth = self._truth[literal.test_key] = test_holds(literal.test, self.answers, self.values)
        return truth

    def _rule_record(self, info: RuleInfo, firing: Any) -> RuleRecord:
        # what the engine matched: one edge per answer or fact, with the tests it satisfied
        matched: dict[str, set[str]] = {}
        subjects_per_match = []
        subject_of = self.tables.match_subject
        for match in firing.matches:
            subjects = set()
            for key, value in match.facts:
                subject = subject_of(key)
                subjects.add(subject)
                members = matched.get(subject)
                if members is None:
                    members = matched[subject] = set()
                if key.startswith("member:"):
                    members.add(word(value))
            subjects_per_match.append(subjects)
        tests: dict[str, list[str]] = {}
        negated: dict[str, bool] = {}
        absent = []
        derived = self.derivations
        for literal in self._annotate(info, subjects_per_match):
            subject = literal.subject
            if literal.on_fact and literal.test.name not in derived:
                absent.append(literal.text)
                continue
            tests.setdefault(subject, []).append(literal.text)
            negated[subject] = negated.get(subject, True) and not literal.binds
        conditions = []
        for subject in sorted(set(matched) | set(tests), key=lambda s: (not s.startswith("answer:"), s)):
            if not subject.startswith("answer:") and subject[5:] not in derived:
                continue  # a derived fact the engine matched is always derived
            conditions.append((subject, dict(
                relation="condition_of", test="; ".join(dict.fromkeys(tests.get(subject, ()))),
                matched=", ".join(sorted(matched.get(subject, ()))),
                negated=negated.get(subject, False) and subject not in matched)))
        attrs = dict(info.attrs, level=firing.level, absent="; ".join(absent))
        return RuleRecord(info, attrs, tuple(conditions))

    def _annotate(self, info: RuleInfo, matched: list[set[str]]) -> list[Any]:
        """The literals of the alternatives the engine matched (see the module notes)."""
        holds = self._holds
        holding = [alt for alt in info.alternatives if all(holds(lit) == lit.positive for lit in alt.literals)]
        out: dict[Any, None] = {}
        for subjects in matched or [set()]:
            used = [alt for alt in holding if alt.bound <= subjects]
            for alt in used or holding:
                for literal in alt.literals:
                    out.setdefault(literal, None)
        return list(out)

    # ------------------------------------------------------------------ whole

    def everything(self) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]:
        """Every node and edge of the run's reasoning (what :func:`advisor.graph.build_graph` draws)."""
        nodes: dict[str, dict[str, Any]] = {}
        edges: dict[tuple[str, str], dict[str, Any]] = {}
        for d in self.inference.derived:
            node = fact_id(d.fact)
            nodes[node] = self.fact(node)
        source = self.tables.source
        for node in self.firings:
            record = self.rule(node)
            assert record is not None
            nodes[node] = record.attrs
            for subject, attrs in record.conditions:
                if subject not in nodes:
                    nodes[subject] = self.answer(subject)
                edges[subject, node] = attrs
            for cited in record.info.cites:
                if cited not in nodes:
                    nodes[cited] = source(cited)
                edges[node, cited] = {"relation": "cites"}
            for target, _, _ in record.info.conclusions:
                attrs = self.conclusion(node, target)
                if attrs is None:
                    continue
                if target not in nodes:
                    nodes[target] = self.item(target)
                edges[node, target] = attrs
        edges.update(self.overrides())
        return nodes, edges

