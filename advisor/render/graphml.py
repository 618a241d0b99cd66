"""The recommendation graph as GraphML, for yEd, Gephi, Cytoscape and networkx itself.

Written by networkx (``generate_graphml``) from the sorted graph; every
attribute is a string, integer or boolean (see :mod:`advisor.explain.graph`), so
GraphML keeps their types and ``networkx.read_graphml`` reads the same graph
back.

Stage: render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["to_graphml"]


def to_graphml(G: "nx.DiGraph") -> str:
    """``G`` as GraphML text (nodes and edges in sorted order).

    >>> import networkx as nx
    >>> G = nx.DiGraph(); G.add_edge("answer:a", "rule:r", relation="condition_of")
    >>> "<edge source=\\"answer:a\\" target=\\"rule:r\\">" in to_graphml(G)
    True
    """
    import networkx as nx

    from advisor.explain import sorted_graph

    return "\n".join(nx.generate_graphml(sorted_graph(G), prettyprint=True)) + "\n"
