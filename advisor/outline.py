"""Reasoning outlines: the tree of rules, derived facts and answers behind a conclusion.

An outline is read from the run's provenance (:mod:`advisor.provenance`, the
index the recommendation graph is written from): a
rule with what it concludes, its rationale, its citations and the quoted
passages, over the answers and derived facts it needed; a derived fact over
the rules that derived it. Each source is quoted once per outline and a node
met twice is marked ``seen`` instead of being told again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .analysis import Analysis
from .passages import Passages

__all__ = ["Step", "Outline", "rule_order"]


@dataclass(frozen=True)
class Step:
    """One node of a reasoning outline: a rule, answer or derived fact, and what it rests on."""

    node: str
    kind: str  # rule, answer, fact
    head: str
    details: tuple[tuple[str, str], ...] = ()  # (label, text): because, note, source, quote, needs...
    children: tuple["Step", ...] = ()
    seen: bool = False  # already explained higher up in the same outline

    def to_dict(self) -> dict[str, Any]:
        return {"node": self.node, "kind": self.kind, "head": self.head,
                "details": [{"label": k, "text": v} for k, v in self.details],
                "children": [c.to_dict() for c in self.children], "seen": self.seen}


class Outline:
    """Builds reasoning outlines from the run's provenance, each source quoted once."""

    def __init__(self, run: Analysis, passages: Passages | None) -> None:
        self.index = run.provenance
        self.passages = passages
        self.quoted: set[str] = set()

    def rule(self, node: str, about: str | None, seen: set[str]) -> Step:
        index = self.index
        record = index.rule(node)
        assert record is not None, node
        data = record.attrs
        head = f"rule {data['rule']}: {data['title']} (priority {data['priority']})"
        if node in seen:
            return Step(node, "rule", head, seen=True)
        seen = seen | {node}
        details: list[tuple[str, str]] = []
        if about is not None:
            edge = index.conclusion(node, about)
            if edge is not None:
                details.append(("concludes", _conclusion_words(edge, index.node(about))))
                if edge.get("note"):
                    details.append(("note", edge["note"]))
        details.append(("because", data["because"]))
        for src in record.info.cites:
            s = index.tables.source(src)
            lines = f"line {s['first_line']}" if s["first_line"] == s["last_line"] else \
                f"lines {s['first_line']}-{s['last_line']}"
            details.append(("source", f"{s['doc']} \"{s['title']}\" ({s['file']}, {lines})"))
            if self.passages is not None and src not in self.quoted:
                self.quoted.add(src)
                quote = self.passages.quote(s["doc"], s["first_line"], s["last_line"], record.info.about)
                if quote:
                    details.append(("quote", quote))
        if data["absent"]:
            details.append(("also", data["absent"]))
        children = []
        for source, edge in record.conditions:  # answers first, then derived facts
            if source.startswith("answer:"):
                children.append(self.answer(source, edge))
            else:
                children.append(self.fact(source, edge, seen))
        return Step(node, "rule", head, tuple(details), tuple(children))

    def answer(self, node: str, edge: dict[str, Any]) -> Step:
        data = self.index.answer(node)
        value = data["value"] if data["answered"] else "not answered"
        details = [("needs", edge["test"])] if edge.get("test") else []
        if edge.get("matched") and data["value"] != edge["matched"]:
            details.append(("matched", edge["matched"]))
        return Step(node, "answer", f"answer {data['field']} = {value}", tuple(details))

    def fact(self, node: str, edge: dict[str, Any] | None, seen: set[str]) -> Step:
        index = self.index
        data = index.fact(node)
        head = f"fact {data['fact']} = {data['value']}"
        details = [("needs", edge["test"])] if edge and edge.get("test") not in (None, "", f"{data['fact']} holds") \
            else []
        if node in seen:
            return Step(node, "fact", head, tuple(details), seen=True)
        seen = seen | {node}
        if data.get("meaning"):
            details.append(("meaning", data["meaning"]))
        concluders = sorted(index.concluders(node))
        derivers = [u for u, e in concluders if e["effective"]]
        for u, e in concluders:
            if not e["effective"]:
                details.append(("overridden", f"rule {u.split(':', 1)[1]} wanted {e['value']} "
                                              f"(priority {index.rule(u).attrs['priority']}); {data['set_by']} won"))
        children = tuple(self.rule(u, node, seen) for u in sorted(derivers, key=lambda n: rule_order(index, n)))
        return Step(node, "fact", head, tuple(details), children)


def rule_order(index: Any, node: str) -> tuple:
    """Higher priority first, then id (``index`` is a run's provenance)."""
    return (-index.rule(node).attrs["priority"], node)


def _conclusion_words(edge: dict[str, Any], target: dict[str, Any]) -> str:
    kind = edge.get("conclusion", "")
    name = target.get("item") or target.get("fact") or ""
    if kind == "recommend":
        role = f", for {edge['role']}" if edge.get("role") else ""
        return f"recommends {name} ({edge.get('strength') or 'moderate'}{role})"
    if kind == "avoid":
        return f"advises against {name}"
    if kind == "warn":
        return f"warns of {name}" + (f" ({edge['severity']})" if edge.get("severity") else "")
    if kind == "step":
        return f"adds plan step {name}"
    if kind == "kpi":
        return f"tracks {name}" + (f" (target: {edge['kpi_target']})" if edge.get("kpi_target") else "")
    return f"derives {name} = {edge.get('value', 'yes')}"
