"""Pictures of the recommendation graph that people can read: what to draw, and how it looks.

A *view* is a small networkx DiGraph made from the recommendation graph
(:mod:`advisor.explain.graph`) for drawing; the DOT and Mermaid writers draw any view.
Each view node has ``kind``, ``label`` (lines joined by ``\\n``), ``tooltip``,
``style`` (a key of :data:`STYLES`) and ``layer``; each edge has ``style`` and
``tooltip``. Pictures are laid out left to right, answers first, advice last.

Views
-----
* :func:`full_view` - every node of the graph; source sections can be folded
  into the rules that cite them (``sources="fold"``), which halves the picture.
* :func:`focus_view` - one item and the reasoning behind it (a few nodes).
* :func:`overview` - answers -> derived facts -> advice, with the rules folded
  into the edges they make (hover an edge for the rules): one readable picture
  of a whole run even when dozens of rules fire.

Stage: render.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["STYLES", "OUTCOME_ORDER", "full_view", "focus_view", "overview", "wrap_label"]

#: style key -> (fill colour, line colour, shape); shared by the DOT and Mermaid writers and the HTML legend
STYLES = {
    "answer": ("#e7f0fb", "#3d6fb0", "box"),
    "unanswered": ("#f5f5f5", "#9e9e9e", "box"),
    "rule": ("#ffffff", "#8a8a8a", "box"),
    "fact": ("#fff5d6", "#b08900", "ellipse"),
    "recommended": ("#dcf2e0", "#2e7d32", "box"),
    "warning": ("#fde6d4", "#c4510f", "box"),
    "not_advised": ("#fbdede", "#c62828", "box"),
    "plan": ("#ebe4f6", "#6a4c93", "box"),
    "kpi": ("#dcf1f1", "#00796b", "box"),
    "overruled": ("#eeeeee", "#9e9e9e", "box"),
    "absent": ("#ffffff", "#bdbdbd", "box"),
    "source": ("#fafafa", "#9e9e9e", "note"),
}
#: advice outcomes in the order pictures and legends list them
OUTCOME_ORDER = ("recommended", "warning", "not_advised", "plan", "kpi", "overruled")
_OUTCOME_WORDS = {"recommended": "recommended", "warning": "warning", "not_advised": "not advised",
                  "plan": "plan step", "kpi": "KPI", "overruled": "overruled", "absent": "not concluded"}
_LAYER = {"answer": 0, "fact": 2, "rule": 1, "item": 4, "source": 5}


def wrap_label(text: str, width: int = 26, lines: int = 3) -> str:
    """Wrap ``text`` into at most ``lines`` lines of ``width`` characters (``\\n``-joined).

    >>> wrap_label("Build the site around the customer's experience", 22)
    "Build the site around\\nthe customer's\\nexperience"
    >>> wrap_label("Counting on a viral hit to make the brand famous overnight", 20, 2)
    'Counting on a viral\\nhit to make the ...'
    """
    wrapped = textwrap.wrap(" ".join(str(text).split()), width=width, break_on_hyphens=False) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        last = wrapped[-1]
        while len(last) + 4 > width and " " in last:
            last = last.rsplit(" ", 1)[0]
        wrapped[-1] = last + " ..."
    return "\n".join(wrapped)


def _node_view(G: "nx.DiGraph", node: str, fold_sources: bool) -> dict[str, Any]:
    data = G.nodes[node]
    kind = data["kind"]
    if kind == "answer":
        answered = data.get("answered", True)
        value = data["value"].replace("_", " ")
        return {"kind": kind, "label": wrap_label(data["title"], 24, 2) + "\n" + wrap_label(value, 24, 2),
                "tooltip": f"{data['question']} -> {data['value']}", "style": "answer" if answered else "unanswered",
                "layer": 0}
    if kind == "rule":
        label = wrap_label(data["title"], 26, 3)
        cites = sorted(v.split(":", 1)[1].replace("#", " ") for _, v, rel in G.out_edges(node, data="relation")
                       if rel == "cites")
        small = f"{data['rule']} (p{data['priority']})"
        if fold_sources and cites:
            small += "\n" + ", ".join(cites)
        return {"kind": kind, "label": label, "small": small, "tooltip": f"{data['rule']}: {data['because']}",
                "style": "rule", "layer": 1}
    if kind == "fact":
        return {"kind": kind, "label": wrap_label(data["label"], 22, 3),
                "tooltip": data.get("meaning") or data["fact"], "style": "fact", "layer": 2}
    if kind == "item":
        outcome = data.get("outcome", "absent")
        tag = _OUTCOME_WORDS.get(outcome, outcome)
        if data.get("rank"):
            tag += f" #{data['rank']}"
        if data.get("strength"):
            tag += f", {data['strength']}"
        if data.get("severity"):
            tag += f", {data['severity']}"
        return {"kind": kind, "label": wrap_label(data["title"], 26, 3), "small": tag, "rank": data.get("rank", 0),
                "tooltip": f"{data['item']}: {data.get('description', '')}", "style": outcome, "layer": 4,
                "href": f"#item-{data['item']}"}
    return {"kind": kind, "label": wrap_label(f"{data['doc']} {data['title']}", 24, 3),
            "small": (f"line {data['first_line']}" if data["first_line"] == data["last_line"]
                      else f"lines {data['first_line']}-{data['last_line']}"),
            "tooltip": f"{data['file']} lines {data['first_line']}-{data['last_line']}: {data.get('summary', '')}",
            "style": "source", "layer": 5}


def _edge_view(data: dict[str, Any]) -> dict[str, Any]:
    relation = data.get("relation", "")
    if relation == "condition_of":
        return {"style": "negated" if data.get("negated") else "condition", "tooltip": data.get("test", "")}
    if relation == "concludes":
        return {"style": "concludes" if data.get("effective", True) else "overruled",
                "tooltip": data.get("conclusion", "")}
    if relation == "overrides":
        return {"style": "overrides", "tooltip": data.get("reason", ""), "label": "overrides"}
    return {"style": "cites", "tooltip": "cites"}


def full_view(G: "nx.DiGraph", *, sources: str = "fold") -> "nx.DiGraph":
    """Every node of ``G`` drawn; ``sources="fold"`` writes citations into the rule boxes instead.

    >>> import networkx as nx
    >>> G = nx.DiGraph()
    >>> G.add_node("rule:r", kind="rule", rule="r", title="R", because="b", priority=50)
    >>> G.add_node("source:000#s", kind="source", doc="000", title="S", first_line=1, last_line=2, file="f")
    >>> G.add_edge("rule:r", "source:000#s", relation="cites")
    >>> V = full_view(G)
    >>> list(V.nodes), V.nodes["rule:r"]["small"]
    (['rule:r'], 'r (p50)\\n000 s')
    """
    import networkx as nx

    fold = sources == "fold"
    V = nx.DiGraph(name=G.graph.get("name", ""))
    for node in sorted(G.nodes):
        if fold and G.nodes[node]["kind"] == "source":
            continue
        V.add_node(node, **_node_view(G, node, fold))
    for u, v in sorted(G.edges):
        if u in V and v in V:
            V.add_edge(u, v, **_edge_view(G.edges[u, v]))
    return V


def focus_view(G: "nx.DiGraph", node: str) -> "nx.DiGraph":
    """The reasoning behind one node (see :func:`advisor.explain.graph.reasoning`), sources as nodes."""
    from advisor.explain import reasoning

    return full_view(reasoning(G, node), sources="nodes")


#: recommendations the report pictures draw at a glance (the text report explains as many in full)
OVERVIEW_TOP = 10


def overview(G: "nx.DiGraph", outcomes: tuple[str, ...] = ("recommended", "warning", "not_advised"),
             top: int = 0) -> "nx.DiGraph":
    """Answers -> derived facts -> advice, each rule folded into the edges it makes.

    An edge goes from every answer or derived fact a fired rule matched to every
    fact or item it concluded; its tooltip names the rules. Only items with one
    of ``outcomes`` are drawn, in report order, and only the answers and facts
    that lead to them; ``top`` (when not 0) keeps the first ``top``
    recommendations only, so that a report of forty stays a picture a person can
    follow. Sources, unanswered questions and rules are left out: each item's own
    picture shows them.
    """
    import networkx as nx

    V = nx.DiGraph(name=G.graph.get("name", ""))
    for node in sorted(G.nodes):
        data = G.nodes[node]
        kind = data["kind"]
        if kind == "item" and data.get("outcome") not in outcomes:
            continue
        if kind == "item" and top and data.get("outcome") == "recommended" and (data.get("rank") or 0) > top:
            continue
        if kind == "answer" and not data.get("answered", True):
            continue
        if kind in ("answer", "fact", "item"):
            V.add_node(node, **_node_view(G, node, True))
    rules: dict[tuple[str, str], list[str]] = {}
    styles: dict[tuple[str, str], str] = {}
    for rule in sorted(n for n in G.nodes if G.nodes[n]["kind"] == "rule"):
        inputs = [u for u, _, rel in G.in_edges(rule, data="relation") if rel == "condition_of"]
        outputs = [(v, d) for _, v, d in G.out_edges(rule, data=True) if d.get("relation") == "concludes"]
        for v, data in outputs:
            for u in inputs:
                rules.setdefault((u, v), []).append(rule.split(":", 1)[1])
                effective = data.get("effective", True)
                styles[(u, v)] = "concludes" if effective or styles.get((u, v)) == "concludes" else "overruled"
    for (u, v), names in sorted(rules.items()):
        if u in V and v in V:
            V.add_edge(u, v, style=styles[(u, v)], tooltip="rules: " + ", ".join(sorted(set(names))))
    # keep only what leads to the advice drawn
    items = [n for n in V.nodes if V.nodes[n]["kind"] == "item"]
    keep = set(items)
    for item in items:
        keep |= nx.ancestors(V, item)
    V.remove_nodes_from([n for n in list(V.nodes) if n not in keep])
    return V
