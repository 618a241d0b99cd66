"""Views of the recommendation graph as Graphviz DOT text (drawn by :mod:`advisor.render.graphviz`).

DOT is written here rather than through a Python binding: node ids are
namespaced with a colon (``answer:price_level``), which networkx's pydot and
pygraphviz writers refuse and the ``graphviz`` package reads as a port in
edges, while the quoting DOT needs is one rule (a double-quoted string with
``"`` and ``\\`` escaped).

Layout: left to right, answers in the first column and advice in the last
(``rank=source`` / ``rank=sink``), so reasoning reads like a sentence.

Stage: render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .view import OUTCOME_ORDER, STYLES

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["quote", "to_dot"]

_EDGE_STYLES = {
    "condition": 'color="#3d6fb0"',
    "negated": 'color="#3d6fb0", style=dashed, arrowhead=odot',
    "concludes": 'color="#444444", penwidth=1.3',
    "overruled": 'color="#9e9e9e", style=dashed',
    "overrides": 'color="#c62828", style=bold, fontcolor="#c62828", fontsize=9, constraint=false',
    "cites": 'color="#b0b0b0", style=dotted, arrowhead=none',
}


def quote(text: Any) -> str:
    """A DOT double-quoted string; ``\\n`` in ``text`` becomes a centred line break.

    >>> print(quote('say "hi"\\\\now\\nnext'))
    "say \\"hi\\"\\\\now\\nnext"
    """
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def _label(data: dict[str, Any]) -> str:
    """An HTML-like label: the main text, with a small second part."""
    from html import escape

    main = "<BR/>".join(escape(line) for line in data["label"].split("\n"))
    small = data.get("small")
    if small:
        lines = "<BR/>".join(escape(line) for line in small.split("\n"))
        main += f'<BR/><FONT POINT-SIZE="9" COLOR="#555555">{lines}</FONT>'
    return f"<{main}>"


def to_dot(V: "nx.DiGraph", *, name: str = "reasoning", prefix: str = "", title: str = "") -> str:
    """A view (:mod:`advisor.render.view`) as DOT text, nodes and edges in sorted order.

    Parameters
    ----------
    V : a view graph.
    name : the graph's name.
    prefix : prepended to SVG element ids, so several pictures can share one HTML page.
    title : a caption drawn above the picture.

    Examples
    --------
    >>> import networkx as nx
    >>> V = nx.DiGraph()
    >>> V.add_node("answer:a", kind="answer", label="A\\nyes", style="answer", tooltip="t")
    >>> V.add_node("item:x", kind="item", label="X", style="recommended", tooltip="t")
    >>> V.add_edge("answer:a", "item:x", style="concludes", tooltip="rules: r")
    >>> print(to_dot(V).splitlines()[-2])
      "answer:a" -> "item:x" [id="e0_1", tooltip="rules: r", color="#444444", penwidth=1.3];
    """
    lines = [f"digraph {quote(name)} {{",
             '  graph [rankdir=LR, nodesep=0.18, ranksep=0.45, fontname="Helvetica", fontsize=11, '
             f'bgcolor="transparent", id={quote(prefix + "graph")}'
             + (f", label={quote(title)}, labelloc=t, labeljust=l" if title else "") + "];",
             '  node [fontname="Helvetica", fontsize=11, margin="0.10,0.05", penwidth=1.2];',
             '  edge [arrowsize=0.7];']
    index = {node: i for i, node in enumerate(sorted(V.nodes))}
    for layer, rank in (("answer", "min"), ("item", "max")):
        members = [n for n in sorted(V.nodes) if V.nodes[n].get("kind") == layer]
        if members:
            lines.append(f"  {{ rank={rank}; " + " ".join(quote(n) + ";" for n in members) + " }")
    lines.extend("  " + _node_line(V.nodes[node], node, f"{prefix}n{index[node]}") for node in sorted(V.nodes))
    # advice reads top to bottom in report order: invisible edges chain the advice column
    ranked = sorted((OUTCOME_ORDER.index(V.nodes[n]["style"]), V.nodes[n]["rank"], n) for n in V.nodes
                    if V.nodes[n].get("rank") and V.nodes[n].get("style") in OUTCOME_ORDER)
    for (*_, a), (*_, b) in zip(ranked, ranked[1:]):
        lines.append(f"  {quote(a)} -> {quote(b)} [style=invis];")
    for u, v in sorted(V.edges):
        data = V.edges[u, v]
        attrs = [f"id={quote(f'{prefix}e{index[u]}_{index[v]}')}", f"tooltip={quote(data.get('tooltip', ''))}"]
        if data.get("label"):
            attrs.append(f"label={quote(data['label'])}")
        attrs.append(_EDGE_STYLES.get(data.get("style", ""), ""))
        lines.append(f"  {quote(u)} -> {quote(v)} [{', '.join(a for a in attrs if a)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_line(data: dict[str, Any], node: str, element_id: str) -> str:
    fill, line, shape = STYLES.get(data.get("style", ""), STYLES["rule"])
    style = "rounded,filled" if data.get("kind") in ("answer", "item") else "filled"
    if data.get("style") in ("overruled", "unanswered", "absent"):
        style += ",dashed"
    attrs = [f"id={quote(element_id)}", f"label={_label(data)}", f"shape={shape}", f"style={quote(style)}",
             f"fillcolor={quote(fill)}", f"color={quote(line)}", f"tooltip={quote(data.get('tooltip', ''))}"]
    if data.get("kind") == "rule":
        attrs.append("fontsize=10")
    if data.get("href"):
        attrs.append(f"href={quote(data['href'])}")
    return f"{quote(node)} [{', '.join(attrs)}];"
