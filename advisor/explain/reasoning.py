"""Queries over the recommendation graph (:mod:`advisor.explain.graph`): what lies behind a node.

Assumptions
-----------
* Reasoning flows along ``condition_of`` and ``concludes`` edges, from answers
  to advice; "behind" a node means upstream of it.
* A conclusion that lost a disagreement (``effective`` false) is part of the
  story of the item (:func:`reasoning` keeps both sides) but not a reason for
  it (:func:`answers_behind` does not follow it).

Stage: explain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from advisor.i18n import current

from .graph import sorted_graph

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["reasoning", "answers_behind", "answer_words", "nodes_of"]

_FOLLOW = ("condition_of", "concludes")


def reasoning(G: "nx.DiGraph", node: str) -> "nx.DiGraph":
    """The sub-graph that explains ``node``: everything leading to it, both sides of any
    disagreement it was part of, and the sources those rules cite.

    Parameters
    ----------
    G : a graph from :func:`build_graph`.
    node : a node id of ``G`` (an item, a derived fact or a rule).

    Raises
    ------
    KeyError
        If ``node`` is not in ``G``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("rule:r", kind="rule")
    >>> G.add_edge("answer:a", "rule:r", relation="condition_of")
    >>> G.add_edge("rule:r", "item:x", relation="concludes")
    >>> G.add_edge("rule:r", "source:000#s", relation="cites")
    >>> G.add_edge("rule:q", "item:y", relation="concludes")
    >>> sorted(reasoning(G, "item:x"))
    ['answer:a', 'item:x', 'rule:r', 'source:000#s']
    """
    if node not in G:
        raise KeyError(node)
    keep = {node}
    frontier = [node]
    while frontier:
        current = frontier.pop()
        neighbours = [u for u, _, rel in G.in_edges(current, data="relation") if rel in _FOLLOW]
        # the other side of a disagreement about this node, and who overrode an included rule
        for u, v, data in G.in_edges(current, data=True):
            if data.get("relation") == "overrides":
                neighbours.append(u)
        for u, v, data in G.out_edges(current, data=True):
            if data.get("relation") == "overrides" and data.get("about") in keep:
                neighbours.append(v)
        for other in neighbours:
            if other not in keep:
                keep.add(other)
                frontier.append(other)
    for rule in [n for n in keep if G.nodes[n].get("kind") == "rule"]:
        keep.update(v for _, v, rel in G.out_edges(rule, data="relation") if rel == "cites")
    return sorted_graph(G.subgraph(keep))


def answers_behind(G: "nx.DiGraph", node: str) -> list[str]:
    """The answer nodes ``node`` rests on, directly or through derived facts, sorted
    (conclusions that lost a disagreement are not followed).

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("answer:a", kind="answer"); G.add_node("rule:r", kind="rule"); G.add_node("item:x", kind="item")
    >>> G.add_edge("answer:a", "rule:r", relation="condition_of"); G.add_edge("rule:r", "item:x", relation="concludes")
    >>> answers_behind(G, "item:x")
    ['answer:a']
    """
    seen = {node}
    frontier = [node]
    while frontier:
        current = frontier.pop()
        for u, _, data in G.in_edges(current, data=True):
            relation = data.get("relation")
            if u not in seen and (relation == "condition_of" or
                                  (relation == "concludes" and data.get("effective", True))):
                seen.add(u)
                frontier.append(u)
    return sorted(n for n in seen if G.nodes[n].get("kind") == "answer")


def nodes_of(G: "nx.DiGraph", kind: str, among: Iterable[str] | None = None) -> list[str]:
    """The nodes of one kind, sorted."""
    pool = G.nodes if among is None else among
    return sorted(n for n in pool if G.nodes[n].get("kind") == kind)


def answer_words(G: "nx.DiGraph | None", item: str) -> list[tuple[str, str, str]]:
    """(label, value in words, question) of each answer item ``item`` (a catalog id) rests on.

    Empty when there is no graph or the item is not in it.
    """
    node = f"item:{item}"
    if G is None or node not in G:
        return []
    out = []
    for answer in answers_behind(G, node):
        data = G.nodes[answer]
        # the choices' ids: spaced for English, whole in other languages (an id is a word there)
        value = data["value"] if current() != "en" else data["value"].replace("_", " ")
        out.append((data["title"], value, data["question"]))
    return out
