"""Where each conclusion of one run came from: the engine's record, indexed for reading.

One :class:`Provenance` per run (:class:`advisor.explain.analysis.Analysis` keeps it)
answers, with plain dicts, the questions explanations ask - which fired rules
concluded this item or fact and whether that conclusion stood, which answers
and derived facts each rule matched and with which conditions, what it cites -
and the recommendation graph (:mod:`advisor.explain.graph`) is the same index written
out whole. There is one reading of the engine's record, here.

Assumptions
-----------
* Everything comes from what the engine reported (the
  :class:`~advisor.inference.engine.Inference`: each firing with the facts each match
  used, each derived fact with its deciding rule) and the decided
  :class:`~advisor.inference.conclude.Conclusions`; nothing is inferred again.
* What each firing matched, with the conditions each answer or derived fact
  met, is read as :mod:`advisor.explain.matches` says.
* Nodes and edges carry the attributes of the graph (see :mod:`advisor.explain.graph`),
  namespaced ids included. Each part is worked out on first use and kept, so
  explaining one item reads only the rules behind it, and what the knowledge
  base alone decides (wording of conditions, citations, catalog entries) is
  worked out once per knowledge base (:mod:`advisor.explain.kbindex`).

Stage: explain.
"""

from __future__ import annotations

from typing import Any

from advisor.i18n import _
from advisor.inference import Conclusions, Inference
from advisor.kb import KnowledgeBase

from .kbindex import KbIndex, fact_id, item_id, rule_id
from .matches import RuleRecord, firing_record
from .standing import Standing
from .wording import word

__all__ = ["Provenance", "RuleRecord"]

_MISSING = object()


class Provenance:
    """The record of one run, indexed (see the module notes)."""

    def __init__(self, kb: KnowledgeBase, answers: dict[str, Any], inference: Inference,
                 conclusions: Conclusions) -> None:
        self.kb = kb
        self.tables = KbIndex.of(kb)
        self.answers = answers
        self.inference = inference
        self.conclusions = conclusions
        self.standing = Standing(self.tables, conclusions)
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
        self._edges: dict[tuple[str, str], dict[str, Any]] = {}
        self._truth: dict[int, bool] = {}
        self._overrides: dict[tuple[str, str], dict[str, Any]] | None = None
        self._opposers: dict[str, list[Any]] | None = None
        self._derivers: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {}
        self._closures: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self.cyclic = False  # a cycle among derived facts (the loader refuses them) turns sharing off
        self.outlines: dict[Any, Any] = {}  # parts of reasoning outlines, shared by the run's explanations

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
            record = self._rules[node] = firing_record(self.tables, *found, self.answers, self.values,
                                                       self.derivations, self._truth)
        return record

    def fact(self, node: str) -> dict[str, Any]:
        """A derived fact's attributes: its value (in words and as JSON), meaning and deciding rule."""
        attrs = self._facts.get(node)
        if attrs is None:
            d = self.derivations[node[5:]]
            meaning = self.kb.rules.facts.get(d.fact, "")
            attrs = self._facts[node] = dict(
                kind="fact", fact=d.fact,
                label=d.fact.replace("_", " ") + ("" if d.value is True else f" = {word(d.value)}"),
                title=meaning or d.fact, value=word(d.value), value_json=self.tables.dump(d.value), set_by=d.rule_id,
                meaning=meaning)
        return attrs

    def answer(self, node: str) -> dict[str, Any]:
        """An answer's attributes: the field, its question and group, the value (or not answered)."""
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
        if node not in self.concluders_index():
            raise KeyError(node)
        return self.standing.attrs(node[5:])

    def status(self, name: str) -> str:
        """Where item ``name`` ended up (:func:`advisor.explain.analysis.status_of`)."""
        return self.standing.status(name)

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
                            reason=_("{winner} sets {fact} to {value} and outranks {loser} ({other}): higher "
                                     "priority wins, then the id that sorts first").format(
                                winner=d.rule_id, fact=d.fact, value=word(d.value), loser=loser, other=word(value)))
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

    def derivers(self, fact: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """The rules whose value of ``fact`` stood (higher priority first, then id), and one
        ``("overridden", words)`` detail for each rule whose value lost."""
        found = self._derivers.get(fact)
        if found is None:
            concluders = sorted(self.concluders(fact))
            won = sorted((u for u, e in concluders if e["effective"]), key=self.rule_order)
            set_by = self.derivations[fact[5:]].rule_id
            lost = tuple(("overridden", _("rule {rule} wanted {value} (priority {priority}); {winner} won").format(
                rule=u[5:], value=e["value"], priority=self.firings[u][0].rule.priority, winner=set_by))
                         for u, e in concluders if not e["effective"])
            found = self._derivers[fact] = (tuple(won), lost)
        return found

    def rule_order(self, node: str) -> tuple[int, str]:
        """Higher priority first, then id."""
        return (-self.firings[node][0].rule.priority, node)

    def closure(self, node: str) -> tuple[frozenset[str], frozenset[str]]:
        """The sources cited, and the facts and rules met, in the reasoning under a fired rule
        (its derived facts, the rules that derived them, and so on down)."""
        found = self._closures.get(node)
        if found is None:
            self._closures[node] = (frozenset(), frozenset((node,)))  # met again below itself: a cycle
            sources: set[str] = set()
            nodes: set[str] = set()
            for subject, _ in self.rule(node).conditions:  # type: ignore[union-attr]
                if subject.startswith("fact:"):
                    below = self.fact_closure(subject)
                    nodes.add(subject)
                    nodes |= below[1]
                    sources |= below[0]
            if node in nodes:
                self.cyclic = True
            found = self._closures[node] = (frozenset(sources), frozenset(nodes))
        return found

    def opposers(self) -> dict[str, list[Any]]:
        """Item -> the fired rules (by id) that stand against recommending it: they advise against it,
        or warn of a mistake that targets it."""
        if self._opposers is None:
            table: dict[str, list[Any]] = {}
            item = self.tables.item
            for rule in sorted((info.rule for info, _ in self.firings.values()), key=lambda r: r.id):
                against: dict[str, None] = {}
                for c in rule.then:
                    if c.kind == "avoid":
                        against[c.target] = None
                    elif c.kind == "warn":
                        against.update(dict.fromkeys(item(c.target).targets))
                for target in against:
                    table.setdefault(target, []).append(rule)
            self._opposers = table
        return self._opposers

    # ------------------------------------------------------------------ rules

    def fact_closure(self, fact: str) -> tuple[frozenset[str], frozenset[str]]:
        """The sources cited, and the rules and facts met, in the reasoning under a derived fact."""
        found = self._closures.get(fact)
        if found is None:
            sources: set[str] = set()
            nodes: set[str] = set()
            for rule in self.derivers(fact)[0]:
                below = self.closure(rule)
                nodes.add(rule)
                nodes |= below[1]
                sources.update(self.firings[rule][0].cites)
                sources |= below[0]
            if fact in nodes:
                self.cyclic = True
            found = self._closures[fact] = (frozenset(sources), frozenset(nodes))
        return found

    # ------------------------------------------------------------------ whole

    def everything(self) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], dict[str, Any]]]:
        """Every node and edge of the run's reasoning (what :func:`advisor.explain.graph.build_graph` draws)."""
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
            for target, _c, _a in record.info.conclusions:
                attrs = self.conclusion(node, target)
                if attrs is None:
                    continue
                if target not in nodes:
                    nodes[target] = self.item(target)
                edges[node, target] = attrs
        edges.update(self.overrides())
        return nodes, edges

