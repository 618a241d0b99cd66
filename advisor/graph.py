"""The recommendation graph: what one run concluded and why, as a networkx DiGraph.

Assumptions
-----------
* The graph records one run; it is built from what the engine reported (the
  :class:`~advisor.engine.Inference`: every firing with the facts each match
  used, every derived fact with its deciding rule) and the decided
  :class:`~advisor.conclude.Conclusions`. Nothing is inferred again.
* Only fired rules appear. A rule that did not fire is explained by
  :mod:`advisor.explain` (why not), never drawn as if it had a part.
* A positive test binds a fact, and the engine names it: those are the
  ``condition_of`` edges from answers and derived facts. A negated test (under
  ``not``) binds nothing, so the engine cannot name what was absent; for the
  alternative of the condition the engine matched, such tests are evaluated on
  the same answers and linked to the answer they read (or to an unanswered
  field, ``answered=False``). This annotates a firing; it cannot change one.
* Every attribute is a string, integer or boolean (never None or a list), so
  the graph writes to GraphML and JSON as it is.

Nodes (``kind`` attribute, namespaced id):

==========  ==============================  ===========================================
kind        id                              meaning
==========  ==============================  ===========================================
answer      ``answer:price_level``          a profile answer a fired rule read
rule        ``rule:seo-for-own-site``       a fired rule (title, rationale, priority)
fact        ``fact:high_value_product``     a derived fact and its value
item        ``item:seo``                    a channel, tactic, mistake, plan step or KPI
                                            some fired rule concluded (``outcome``)
source      ``source:004#sales-channel``    a cited section of a source document
==========  ==============================  ===========================================

Edges (``relation`` attribute): answer/fact -> rule ``condition_of``;
rule -> fact/item ``concludes`` (``effective`` is False for a conclusion that
lost a conflict); rule -> source ``cites``; rule -> rule ``overrides`` (the
winner of a disagreement over ``about`` -> a loser).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .analysis import OUTCOMES, status_of
from .compiler import dnf
from .conclude import Conclusions, Support, conclude
from .engine import Inference
from .kb import KnowledgeBase
from .model import Rule, Test
from .profile import Profile
from .ranking import explain_rank, plain_key, recommendation_key, severity_of, step_key, strength_of, warning_key
from .reference import test_holds as _holds
from .wording import describe_literal, word

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = [
    "KINDS",
    "RELATIONS",
    "answer_id",
    "rule_id",
    "fact_id",
    "item_id",
    "source_id",
    "build_graph",
    "sorted_graph",
    "to_json",
    "from_json",
]

KINDS = ("answer", "rule", "fact", "item", "source")
RELATIONS = ("condition_of", "concludes", "cites", "overrides")


def answer_id(field: str) -> str:
    """The node id of a profile answer.

    >>> answer_id("price_level")
    'answer:price_level'
    """
    return f"answer:{field}"


def rule_id(rule: str) -> str:
    """The node id of a rule."""
    return f"rule:{rule}"


def fact_id(fact: str) -> str:
    """The node id of a derived fact."""
    return f"fact:{fact}"


def item_id(item: str) -> str:
    """The node id of a catalog item (channel, tactic, mistake, plan step or KPI)."""
    return f"item:{item}"


def source_id(doc: str, section: str) -> str:
    """The node id of a source section.

    >>> source_id("004", "sales-channel")
    'source:004#sales-channel'
    """
    return f"source:{doc}#{section}"


# --------------------------------------------------------------------------- building


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _subject(test: Test) -> str:
    return answer_id(test.name) if test.kind == "field" else fact_id(test.name)


def _binds(positive: bool, test: Test) -> bool:
    """Whether the literal needs a fact present (the engine then reports it)."""
    absent = test.op == "answered" and test.value is False
    return positive != absent


def _match_subject(key: str) -> str:
    kind, _, rest = key.partition(":")
    if kind == "derived":
        return fact_id(rest)
    return answer_id(rest.split("=", 1)[0])


def _annotate(alternatives: list, matched: list[set[str]], answers: dict[str, Any],
              derived: dict[str, Any]) -> list[tuple[bool, Test]]:
    """The literals of the alternatives the engine matched (see the module notes)."""
    holding = [alt for alt in alternatives if all(_holds(t, answers, derived) == pos for pos, t in alt)]
    out: dict[tuple[bool, Test], None] = {}
    for subjects in matched or [set()]:
        used = [alt for alt in holding if {_subject(t) for pos, t in alt if _binds(pos, t)} <= subjects]
        for alt in used or holding:
            for literal in alt:
                out.setdefault(literal, None)
    return list(out)


class _Static:
    """What the graph needs from a knowledge base, prepared once per knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        groups = {g.id: g.label for g in kb.fields.groups}
        self.fields = {f.id: (f.label, f.group, groups.get(f.group, f.group), f.question) for f in kb.fields.fields}
        folder = Path(kb.catalog.root).name or "knowledge"
        self.sources: dict[str, dict[str, Any]] = {}
        for document in kb.catalog.documents:
            for sec in document.sections:
                self.sources[source_id(document.id, sec.id)] = dict(
                    kind="source", doc=document.id, section=sec.id, label=f"{document.id} {sec.id}", title=sec.title,
                    doc_title=document.title, summary=sec.summary, file=f"{folder}/documents/{document.id}.txt",
                    first_line=sec.lines[0], last_line=sec.lines[1])
        self.alternatives: dict[str, list] = {}

    @staticmethod
    def of(kb: KnowledgeBase) -> "_Static":
        found = kb.__dict__.get("_graph_static")
        if found is None:
            found = _Static(kb)
            object.__setattr__(kb, "_graph_static", found)
        return found

    def dnf(self, rule: Rule) -> list:
        found = self.alternatives.get(rule.id)
        if found is None:
            found = self.alternatives[rule.id] = dnf(rule.when)
        return found


def _answer_attrs(static: _Static, name: str, answers: dict[str, Any]) -> dict[str, Any]:
    label, group, group_label, question = static.fields.get(name, (name, "", "", ""))
    value = answers.get(name)
    shown = word(value)
    return dict(kind="answer", field=name, label=f"{label}: {shown}", title=label, value=shown,
                value_json=_dump(value), answered=name in answers, group=group, group_label=group_label,
                question=question)


def _item_order(kb: KnowledgeBase, found: Conclusions) -> dict[str, tuple[int, str]]:
    """Item -> (rank in its list, rank reason), ranked as docs/report.md says."""
    def severity(item: str) -> str:
        entry = kb.catalog.item(item)
        return entry.get("severity", "medium") if entry else "medium"

    def phase(item: str) -> str:
        entry = kb.catalog.item(item)
        return entry.get("phase", "") if entry else ""

    out: dict[str, tuple[int, str]] = {}
    for rank, (item, supports) in enumerate(sorted(found.recommend.items(), key=lambda kv: recommendation_key(*kv)), 1):
        out[item] = (rank, explain_rank(rank, supports, strength=strength_of(supports)))
    warnings = sorted(found.warn.items(), key=lambda kv: warning_key(kv[0], kv[1], severity(kv[0])))
    for rank, (item, supports) in enumerate(warnings, 1):
        out[item] = (rank, explain_rank(rank, supports, severity=severity_of(supports, severity(item))))
    for table, key in ((found.avoid, lambda kv: plain_key(*kv)),
                       (found.step, lambda kv: step_key(kv[0], kv[1], phase(kv[0]))),
                       (found.kpi, lambda kv: plain_key(*kv))):
        for rank, (item, supports) in enumerate(sorted(table.items(), key=key), 1):
            out[item] = (rank, explain_rank(rank, supports))
    return out


def build_graph(kb: KnowledgeBase, profile: Profile, inference: Inference,
                conclusions: Conclusions | None = None) -> "nx.DiGraph":
    """The recommendation graph of one run (see the module notes for nodes and edges).

    Parameters
    ----------
    kb : the knowledge base the run used.
    profile : the validated profile.
    inference : what the engine reported for ``profile``.
    conclusions : the decided conclusions (computed from ``inference`` when None).

    Returns
    -------
    networkx.DiGraph
        Nodes and edges added in sorted order, so exports are byte-stable.

    Examples
    --------
    >>> from advisor.analysis import analyse
    >>> from advisor.kb import load_knowledge_base
    >>> kb = load_knowledge_base()
    >>> run = analyse(kb, {"storefront": "own_site", "seo": "none"})
    >>> G = build_graph(kb, run.profile, run.inference, run.conclusions)
    >>> G.nodes["item:seo"]["outcome"], G.nodes["item:seo"]["rank"]
    ('recommended', 1)
    >>> sorted(G.predecessors("rule:seo-for-own-site"))
    ['answer:seo', 'fact:sells_on_own_site']
    >>> G.edges["answer:seo", "rule:seo-for-own-site"]["test"]
    'seo is not thorough'
    >>> "source:002#seo" in G.successors("rule:seo-for-own-site")
    True
    """
    import networkx as nx

    found = conclusions if conclusions is not None else conclude(kb, inference)
    static = _Static.of(kb)
    answers = profile.as_dict()
    derived = {d.fact: d.value for d in inference.derived}
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], dict[str, Any]] = {}

    for d in inference.derived:
        meaning = kb.rules.facts.get(d.fact, "")
        nodes[fact_id(d.fact)] = dict(kind="fact", fact=d.fact, label=d.fact.replace("_", " ")
                                      + ("" if d.value is True else f" = {word(d.value)}"), title=meaning or d.fact,
                                      value=word(d.value), value_json=_dump(d.value), set_by=d.rule_id,
                                      meaning=meaning)
    live = {(s.rule_id, kind, item) for kind in OUTCOMES for item, supports in getattr(found, kind).items()
            for s in supports}

    for firing in inference.firings:
        rule = kb.rule(firing.rule_id)
        if rule is None:
            continue
        node = rule_id(rule.id)
        # what the engine matched: one edge per answer or fact, with the tests it satisfied
        matched: dict[str, set[str]] = {}
        subjects_per_match = []
        for match in firing.matches:
            subjects = set()
            for key, value in match.facts:
                subject = _match_subject(key)
                subjects.add(subject)
                members = matched.setdefault(subject, set())
                if key.startswith("member:"):
                    members.add(word(value))
            subjects_per_match.append(subjects)
        tests: dict[str, list[str]] = {}
        negated: dict[str, bool] = {}
        absent = []
        for positive, test in _annotate(static.dnf(rule), subjects_per_match, answers, derived):
            subject = _subject(test)
            if test.kind == "fact" and subject not in nodes:
                absent.append(describe_literal(positive, test))
                continue
            tests.setdefault(subject, []).append(describe_literal(positive, test))
            negated[subject] = negated.get(subject, True) and not _binds(positive, test)
        nodes[node] = dict(kind="rule", rule=rule.id, label=rule.title, title=rule.title, because=rule.because,
                           priority=rule.priority, area=rule.area, level=firing.level, absent="; ".join(absent))
        for subject in set(matched) | set(tests):
            if subject.startswith("answer:"):
                if subject not in nodes:
                    nodes[subject] = _answer_attrs(static, subject.split(":", 1)[1], answers)
            elif subject not in nodes:  # a derived fact the engine matched is always derived
                continue
            edges[subject, node] = dict(relation="condition_of", test="; ".join(dict.fromkeys(tests.get(subject, []))),
                                        matched=", ".join(sorted(matched.get(subject, ()))),
                                        negated=negated.get(subject, False) and subject not in matched)
        for citation in rule.sources:
            source = source_id(citation.doc, citation.section)
            if source not in nodes:
                nodes[source] = static.sources.get(source) or dict(
                    kind="source", doc=citation.doc, section=citation.section, label=source, title=citation.section,
                    doc_title="", summary="", file="", first_line=0, last_line=0)
            edges[node, source] = {"relation": "cites"}
        for conclusion in rule.then:
            if conclusion.kind == "derive":
                target = fact_id(conclusion.target)
                if target in nodes:
                    won = derived.get(conclusion.target, object())
                    effective = won == conclusion.value and type(won) is type(conclusion.value)
                    edges[node, target] = dict(relation="concludes", conclusion="derive", value=word(conclusion.value),
                                               effective=effective, note="")
                continue
            target = item_id(conclusion.target)
            if target not in nodes:
                nodes[target] = _item_attrs(kb, found, conclusion.target)
            edges[node, target] = dict(
                relation="concludes", conclusion=conclusion.kind,
                strength=conclusion.strength or ("moderate" if conclusion.kind == "recommend" else ""),
                role=conclusion.role or "", severity=conclusion.severity or "", note=conclusion.note or "",
                kpi_target=conclusion.kpi_target or "",
                effective=(rule.id, conclusion.kind, conclusion.target) in live)

    order = _item_order(kb, found)
    for node, data in nodes.items():
        if data["kind"] == "item":
            data["rank"], data["rank_reason"] = order.get(data["item"], (0, ""))
    _add_overrides(edges, nodes, inference, found)
    G = nx.DiGraph(name=profile.name, answered=len(answers), rules_fired=len(inference.firings))
    # sorted nodes and edges; each kind's attributes are always written in the same order
    G.add_nodes_from((n, nodes[n]) for n in sorted(nodes))
    G.add_edges_from((u, v, edges[u, v]) for u, v in sorted(edges))
    return G


def _item_attrs(kb: KnowledgeBase, found: Conclusions, item: str) -> dict[str, Any]:
    entry = kb.catalog.item(item)
    outcome = status_of(found, item)
    supports: list[Support] = []
    for kind, label in OUTCOMES.items():
        if label == outcome:
            supports = getattr(found, kind).get(item, [])
    decision = next((d for d in found.decisions if d.item == item), None)
    default_severity = entry.get("severity", "medium") if entry else "medium"
    return dict(kind="item", item=item, label=entry.name if entry else item, title=entry.name if entry else item,
                catalog=entry.kind if entry else "", description=entry.description if entry else "",
                outcome=outcome, rank=0, rank_reason="",
                strength=strength_of(supports) if outcome == "recommended" else "",
                severity=severity_of(supports, default_severity) if outcome == "warning" else "",
                priority=max((s.priority for s in supports), default=0),
                support=len({s.rule_id for s in supports}),
                conflict=decision.reason if decision else "")


def _add_overrides(edges: dict[tuple[str, str], dict[str, Any]], nodes: dict[str, dict[str, Any]],
                   inference: Inference, found: Conclusions) -> None:
    for d in inference.derived:
        for loser, value in d.overridden:
            if rule_id(loser) in nodes:
                edges[rule_id(d.rule_id), rule_id(loser)] = dict(
                    relation="overrides", about=fact_id(d.fact),
                    reason=f"{d.rule_id} sets {d.fact} to {word(d.value)} and outranks {loser} "
                           f"({word(value)}): higher priority wins, then the id that sorts first")
    for decision in found.decisions:
        winners, losers = ((decision.supporters, decision.opposers) if decision.winner == "recommend"
                           else (decision.opposers, decision.supporters))
        best = winners[0].rule_id
        for loser in losers:
            if loser.rule_id != best:
                edges[rule_id(best), rule_id(loser.rule_id)] = dict(relation="overrides",
                                                                     about=item_id(decision.item),
                                                                     reason=decision.reason)


def sorted_graph(G: "nx.DiGraph") -> "nx.DiGraph":
    """A copy of ``G`` with nodes, edges and attributes inserted in sorted order.

    >>> import networkx as nx
    >>> H = nx.DiGraph(); H.add_edge("b", "a", relation="x"); H.add_node("c", kind="item")
    >>> list(sorted_graph(H).nodes)
    ['a', 'b', 'c']
    """
    import networkx as nx

    out = nx.DiGraph()
    out.graph.update(sorted(G.graph.items()))
    for node in sorted(G.nodes):
        out.add_node(node, **dict(sorted(G.nodes[node].items())))
    for u, v in sorted(G.edges):
        out.add_edge(u, v, **dict(sorted(G.edges[u, v].items())))
    return out


def to_json(G: "nx.DiGraph") -> dict[str, Any]:
    """``G`` as node-link JSON data (sorted; see :func:`from_json`).

    >>> import networkx as nx
    >>> H = nx.DiGraph(); H.add_edge("answer:a", "rule:r", relation="condition_of")
    >>> data = to_json(H)
    >>> data["links"][0]["source"], data["links"][0]["target"]
    ('answer:a', 'rule:r')
    """
    from networkx.readwrite import json_graph

    return json_graph.node_link_data(sorted_graph(G), edges="links")


def from_json(data: dict[str, Any]) -> "nx.DiGraph":
    """The graph back from :func:`to_json` data.

    >>> import networkx as nx
    >>> H = nx.DiGraph(); H.add_edge("answer:a", "rule:r", relation="condition_of")
    >>> nx.utils.graphs_equal(from_json(to_json(H)), H)
    True
    """
    from networkx.readwrite import json_graph

    return json_graph.node_link_graph(data, directed=True, edges="links")
