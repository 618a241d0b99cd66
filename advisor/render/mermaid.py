"""Views of the recommendation graph as Mermaid flowcharts (for Markdown on GitHub, GitLab, wikis).

Mermaid node ids must be plain words, so nodes are numbered (``n0``, ``n1``...)
in sorted order of their graph ids; labels are quoted with Mermaid's entity
codes for ``"``, ``#``, ``<`` and ``>``. Styles follow
:data:`advisor.render.view.STYLES`, as in the DOT pictures.

Stage: render.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .view import STYLES

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["to_mermaid", "escape"]

_SHAPES = {"box": ('("', '")'), "ellipse": ('(["', '"])'), "note": ('[/"', '"/]')}
_ARROWS = {"condition": "-->", "concludes": "-->", "negated": "-.->", "overruled": "-.->", "cites": "-.-",
           "overrides": "==>"}


def escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label; line breaks become ``<br/>``.

    >>> escape('Say "hi" <now> #1 #x\\nnext')
    'Say #quot;hi#quot; #lt;now#gt; no. 1 #35;x<br/>next'
    """
    # Mermaid mangles entity codes inside <small>, so "#2" (a rank) is written "no. 2"
    out = re.sub(r"#(?=\d)", "no. ", str(text)).replace("#", "#35;")
    out = out.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return out.replace("\r", "").replace("\n", "<br/>")


def to_mermaid(V: "nx.DiGraph", *, direction: str = "LR") -> str:
    """A view (:mod:`advisor.render.view`) as a Mermaid flowchart, in sorted order.

    Examples
    --------
    >>> import networkx as nx
    >>> V = nx.DiGraph()
    >>> V.add_node("answer:a", kind="answer", label="Price\\nhigh", style="answer")
    >>> V.add_node("item:x", kind="item", label="SEO", small="recommended #1", style="recommended")
    >>> V.add_edge("answer:a", "item:x", style="concludes")
    >>> print(to_mermaid(V))
    flowchart LR
      n0("Price<br/>high"):::answer
      n1("SEO<br/><small>recommended no. 1</small>"):::recommended
      n0 --> n1
      classDef answer fill:#e7f0fb,stroke:#3d6fb0,color:#111
      classDef recommended fill:#dcf2e0,stroke:#2e7d32,color:#111
    """
    index = {node: i for i, node in enumerate(sorted(V.nodes))}
    lines = [f"flowchart {direction}"]
    used = []
    for node in sorted(V.nodes):
        data = V.nodes[node]
        style = data.get("style", "rule")
        fill, line, shape = STYLES.get(style, STYLES["rule"])
        left, right = ('["', '"]') if data.get("kind") == "rule" else _SHAPES.get(shape, ('["', '"]'))
        label = escape(data.get("label", node))
        if data.get("small"):
            label += f"<br/><small>{escape(data['small'])}</small>"
        lines.append(f"  n{index[node]}{left}{label}{right}:::{style}")
        if style not in used:
            used.append(style)
    for u, v in sorted(V.edges):
        data = V.edges[u, v]
        arrow = _ARROWS.get(data.get("style", ""), "-->")
        text = f"|{escape(data['label'])}|" if data.get("label") else ""
        lines.append(f"  n{index[u]} {arrow}{text} n{index[v]}")
    for style in sorted(used):
        fill, line, _ = STYLES.get(style, STYLES["rule"])
        dashed = ",stroke-dasharray:4 3" if style in ("overruled", "unanswered", "absent") else ""
        lines.append(f"  classDef {style} fill:{fill},stroke:{line},color:#111{dashed}")
    return "\n".join(lines)
