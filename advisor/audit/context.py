"""What every check reads: the loaded knowledge, the rule base with its problems and positions,
and the shared reasoning tools, built once per audit and only when a check asks for them.

Stage: audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

from advisor.errors import Location
from advisor.io import Marks
from advisor.kb import Catalog, FieldSet, LoadResult, Rule

__all__ = ["AuditContext", "DEFAULT_GAP_FIELDS"]

#: The main profile answers whose combinations the gap check walks through.
DEFAULT_GAP_FIELDS = ("business_model", "product_type", "price_level", "business_stage")


@dataclass
class AuditContext:
    """One audit's inputs and shared, lazily built helpers."""

    fields: FieldSet
    catalog: Catalog
    knowledge: Path
    load: LoadResult
    gap_fields: tuple[str, ...] = DEFAULT_GAP_FIELDS
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.load.rules.rules

    @cached_property
    def order(self) -> dict[str, int]:
        """Each rule's position in the rule base (files in the order given, rules as written)."""
        return {rule.id: index for index, rule in enumerate(self.rules)}

    @cached_property
    def reasoner(self) -> Any:
        from .reasoning import Reasoner

        return Reasoner(self.rules, self.fields)

    @cached_property
    def fact_graph(self) -> Any:
        """networkx DiGraph: derived fact -> each fact its derivers test (edge attribute ``rules``)."""
        import networkx as nx

        graph = nx.DiGraph()
        for rule in self.rules:
            for fact in sorted(rule.facts_derived()):
                graph.add_node(fact)
                for used in sorted(rule.facts_used()):
                    if graph.has_edge(fact, used):
                        graph[fact][used]["rules"].append(rule.id)
                    else:
                        graph.add_edge(fact, used, rules=[rule.id])
        return graph

    @cached_property
    def cycles(self) -> list[list[str]]:
        """The groups of derived facts that depend on each other (strongly connected), sorted."""
        import networkx as nx

        graph = self.fact_graph
        groups = []
        for component in nx.strongly_connected_components(graph):
            if len(component) > 1 or any(graph.has_edge(f, f) for f in component):
                groups.append(sorted(component))
        return sorted(groups)

    @cached_property
    def cyclic_rules(self) -> frozenset[str]:
        """Rules that derive a fact of a cycle."""
        inside = {fact for group in self.cycles for fact in group}
        return frozenset(r.id for r in self.rules if r.facts_derived() & inside)

    @cached_property
    def evaluator(self) -> Any:
        """The reference evaluator over the rules outside cycles (it cannot order a cycle)."""
        from advisor.inference import ReferenceEvaluator

        return ReferenceEvaluator([r for r in self.rules if r.id not in self.cyclic_rules])

    def fires(self, profile: dict[str, Any], among: Iterable[str] | None = None) -> set[str]:
        """The rules the reference evaluator fires for ``profile``.

        With ``among``, only those rules and the rules they depend on (the derivers of the
        facts they test, and so on: their *cone*) are evaluated. Whether a rule fires depends
        on nothing else, so the answer for them is the same, and much quicker in a large base.
        A few rules get an evaluator each (kept for the next question about them); many share
        one over their joint cone.
        """
        if among is None:
            return set(self.evaluator.run(profile).fired)
        wanted = [i for i in among if i not in self.cyclic_rules]
        if len(wanted) <= 4:
            return {i for i in wanted if i in self._evaluator_for(self.cone([i])).run(profile).fired}
        return set(self._evaluator_for(self.cone(wanted)).run(profile).fired) & set(wanted)

    def _evaluator_for(self, cone: frozenset[str]) -> Any:
        from advisor.inference import ReferenceEvaluator

        cache = self.extra.setdefault("evaluators", {})
        evaluator = cache.get(cone)
        if evaluator is None:
            if len(cache) >= 1024:
                cache.clear()
            by_id = self.reasoner.by_id
            evaluator = cache[cone] = ReferenceEvaluator([by_id[i] for i in sorted(cone)])
        return evaluator

    def cone(self, rule_ids: Iterable[str]) -> frozenset[str]:
        """``rule_ids`` and every rule deriving a fact they test, transitively (cycles left out)."""
        out: set[str] = set()
        for rule_id in rule_ids:
            if rule_id in self.reasoner.by_id and rule_id not in self.cyclic_rules:
                out.add(rule_id)
                for fact in self._facts_used[rule_id]:
                    out |= self._fact_cone(fact)
        return frozenset(out)

    @cached_property
    def _facts_used(self) -> dict[str, frozenset[str]]:
        return self.reasoner.facts_used

    def _fact_cone(self, fact: str) -> frozenset[str]:
        """The derivers of ``fact`` and their cones, memoised (walked without recursion)."""
        memo = self.extra.setdefault("fact_cones", {})
        if fact in memo:
            return memo[fact]
        derivers = self.reasoner.derivers
        stack = [fact]
        while stack:
            top = stack[-1]
            rules = [r.id for r, _ in derivers.get(top, ()) if r.id not in self.cyclic_rules]
            pending = [f for r in rules for f in self._facts_used[r] if f not in memo and f != top]
            if pending:
                stack.extend(pending)  # acyclic outside self.cyclic_rules, so this ends
                continue
            stack.pop()
            if top in memo:
                continue
            found = set(rules)
            for r in rules:
                for f in self._facts_used[r]:
                    found |= memo.get(f, frozenset())
            memo[top] = frozenset(found)
        return memo[fact]

    # ------------------------------------------------------------------ positions
    def rule_location(self, rule: Rule, *sub: Any, key: bool = False) -> Location:
        """Where ``sub`` (e.g. ``"because"`` or ``"suppress", 0``) is written inside the rule."""
        loc = rule.location or Location()
        found = self.load.rule_paths.get((loc.path, loc.line, loc.column))
        if found is None:
            return loc
        marks, path = found
        return marks.location(path + tuple(sub), key=key)

    @property
    def fact_declarations(self) -> dict[str, list[Location]]:
        """Derived fact -> where the ``facts:`` sections of rule files declare it."""
        return self.load.fact_declarations

    def knowledge_marks(self, name: str) -> Marks | None:
        """Positions in ``knowledge/<name>`` (None when it cannot be read)."""
        cache = self.extra.setdefault("marks", {})
        if name not in cache:
            from advisor.errors import InputError
            from advisor.io import load_yaml_file

            try:
                cache[name] = load_yaml_file(self.knowledge / name)[1]
            except InputError:
                cache[name] = None
        return cache[name]
