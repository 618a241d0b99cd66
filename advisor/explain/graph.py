"""The recommendation graph: what one run concluded and why, as a networkx DiGraph.

Assumptions
-----------
* The graph records one run; it is built from what the engine reported (the
  :class:`~advisor.inference.engine.Inference`: every firing with the facts each match
  used, every derived fact with its deciding rule) and the decided
  :class:`~advisor.inference.conclude.Conclusions`. Nothing is inferred again. It is the
  run's :class:`~advisor.explain.provenance.Provenance` (the index explanations read)
  written out whole, so the graph and the explanations cannot disagree.
* Only fired rules appear. A rule that did not fire is explained by
  :mod:`advisor.explain.explanation` (why not), never drawn as if it had a part.
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

Stage: explain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from advisor.inference import Conclusions, Inference, Profile, conclude
from advisor.kb import KnowledgeBase

from .kbindex import answer_id, fact_id, item_id, rule_id, source_id
from .provenance import Provenance

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
    "graph_of",
    "sorted_graph",
    "to_json",
    "from_json",
]

KINDS = ("answer", "rule", "fact", "item", "source")
RELATIONS = ("condition_of", "concludes", "cites", "overrides")


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
    >>> from advisor.explain.analysis import analyse
    >>> from advisor.kb.knowledge_base import load_knowledge_base
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
    found = conclusions if conclusions is not None else conclude(kb, inference)
    return graph_of(Provenance(kb, profile.as_dict(), inference, found), profile.name)


def graph_of(provenance: Provenance, name: str = "") -> "nx.DiGraph":
    """The graph of a run's :class:`~advisor.explain.provenance.Provenance` (every node and edge it holds)."""
    import networkx as nx

    nodes, edges = provenance.everything()
    G = nx.DiGraph(name=name, answered=len(provenance.answers), rules_fired=len(provenance.inference.firings))
    # sorted nodes and edges; networkx copies each attribute dict, so the graph and the index stay apart
    G.add_nodes_from((n, nodes[n]) for n in sorted(nodes))
    G.add_edges_from((u, v, edges[u, v]) for u, v in sorted(edges))
    return G


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
