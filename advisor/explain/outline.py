"""Reasoning outlines: the tree of rules, derived facts and answers behind a conclusion.

An outline is read from the run's provenance (:mod:`advisor.explain.provenance`, the
index the recommendation graph is written from): a
rule with what it concludes, its rationale, its citations and the quoted
passages, over the answers and derived facts it needed; a derived fact over
the rules that derived it. Each source is quoted once per outline and a node
met twice is marked ``seen`` instead of being told again.

Stage: explain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.i18n import _
from advisor.kb import Passages
from advisor.report import level_word

from .analysis import Analysis

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
    """Builds reasoning outlines from the run's provenance, each source quoted once per outline.

    What lies under a rule (its answers and derived facts, down to the answers)
    is the same in every explanation of a run but for which sources were quoted
    already; it is built once per such state and shared (steps are immutable).
    """

    def __init__(self, run: Analysis, passages: Passages | None) -> None:
        self.index = run.provenance
        self.passages = passages
        self.quoted: set[str] = set()
        self._shared = self.index.outlines

    def rule(self, node: str, about: str | None, seen: set[str]) -> Step:
        index = self.index
        record = index.rule(node)
        assert record is not None, node
        info = record.info
        if node in seen:
            return Step(node, "rule", info.head, seen=True)
        details: list[tuple[str, str]] = []
        if about is not None:
            edge = index.conclusion(node, about)
            if edge is not None:
                target = index.item(about) if about.startswith("item:") else index.fact(about)
                details.append(("concludes", _conclusion_words(edge, target)))
                if edge["note"]:
                    details.append(("note", edge["note"]))
        details.append(info.because)
        if info.basis is not None:
            details.append(info.basis)
        passages, quoted = self.passages, self.quoted
        for src, cited, doc, first, last in info.citing:
            details.append(cited)
            if passages is None or src in quoted:  # each section is quoted once per outline
                continue
            quoted.add(src)
            own = info.quotes.get(src)
            if own:  # the sentences the rule rests on, as it quotes them
                details.extend(("quote", quote) for quote in own)
            else:  # a rule without quotes: the passage's sentences nearest the rule
                quote = passages.quote(doc, first, last, info.about)
                if quote:
                    details.append(("quote", quote))
        if record.attrs["absent"]:
            details.append(("also", record.attrs["absent"]))
        return Step(node, "rule", info.head, tuple(details), self._under(record, node, seen))

    def _under(self, record: Any, node: str, seen: set[str]) -> tuple[Step, ...]:
        """The steps under a rule: its answers, then its derived facts (shared, see the class notes)."""
        sources, nodes = self.index.closure(node)
        if self.index.cyclic or not nodes.isdisjoint(seen):
            return self._conditions(record, seen | {node})
        # what follows depends only on which of the sources below were quoted already
        key = ("under", node, self.passages,
               frozenset(self.quoted & sources) if self.passages is not None else None)
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = self._conditions(record, seen | {node})
        elif self.passages is not None:
            self.quoted |= sources  # as building them would have
        return found

    def _conditions(self, record: Any, seen: set[str]) -> tuple[Step, ...]:
        """A step for each answer and derived fact the rule matched (answers first)."""
        return tuple(self.answer(source, edge) if source.startswith("answer:") else self.fact(source, edge, seen)
                     for source, edge in record.conditions)

    def answer(self, node: str, edge: dict[str, Any]) -> Step:
        data = self.index.answer(node)
        value = data["value"] if data["answered"] else _("not answered")
        details = [("needs", edge["test"])] if edge.get("test") else []
        if edge.get("matched") and data["value"] != edge["matched"]:
            details.append(("matched", edge["matched"]))
        return Step(node, "answer", _("answer {field} = {value}").format(field=data["field"], value=value),
                    tuple(details))

    def fact(self, node: str, edge: dict[str, Any] | None, seen: set[str]) -> Step:
        index = self.index
        data = index.fact(node)
        head = _("fact {fact} = {value}").format(fact=data["fact"], value=data["value"])
        holds = _("{name} holds").format(name=data["fact"])
        needs = edge["test"] if edge and edge.get("test") not in (None, "", holds) else None
        if node in seen:
            return Step(node, "fact", head, (("needs", needs),) if needs else (), seen=True)
        sources, nodes = index.fact_closure(node)
        if index.cyclic or not nodes.isdisjoint(seen):
            return self._fact(node, data, head, needs, seen | {node})
        # as under a rule: the same but for which of the sources below were quoted already
        key = ("fact", node, needs, self.passages,
               frozenset(self.quoted & sources) if self.passages is not None else None)
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = self._fact(node, data, head, needs, seen | {node})
        elif self.passages is not None:
            self.quoted |= sources
        return found

    def _fact(self, node: str, data: dict[str, Any], head: str, needs: str | None, seen: set[str]) -> Step:
        details = [("needs", needs)] if needs else []
        if data["meaning"]:
            details.append(("meaning", data["meaning"]))
        derivers, overridden = self.index.derivers(node)
        details.extend(overridden)
        return Step(node, "fact", head, tuple(details), tuple(self.rule(u, node, seen) for u in derivers))


def rule_order(index: Any, node: str) -> tuple:
    """Higher priority first, then id (``index`` is a run's provenance)."""
    return index.rule_order(node)


def _conclusion_words(edge: dict[str, Any], target: dict[str, Any]) -> str:
    kind = edge.get("conclusion", "")
    name = target.get("item") or target.get("fact") or ""
    if kind == "recommend":
        strength = level_word(edge.get("strength") or "moderate")
        if edge.get("role"):
            return _("recommends {item} ({strength}, for {role})").format(item=name, strength=strength,
                                                                          role=level_word(edge["role"]))
        return _("recommends {item} ({strength})").format(item=name, strength=strength)
    if kind == "avoid":
        return _("advises against {item}").format(item=name)
    if kind == "warn":
        if edge.get("severity"):
            return _("warns of {item} ({severity})").format(item=name, severity=level_word(edge["severity"]))
        return _("warns of {item}").format(item=name)
    if kind == "step":
        return _("adds plan step {item}").format(item=name)
    if kind == "kpi":
        if edge.get("kpi_target"):
            return _("tracks {item} (target: {target})").format(item=name, target=edge["kpi_target"])
        return _("tracks {item}").format(item=name)
    return _("derives {fact} = {value}").format(fact=name, value=edge.get("value", _("yes")))
