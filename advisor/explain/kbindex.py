"""What explanations and the graph need from a knowledge base, worked out once per knowledge base.

Node ids of the reasoning (``answer:``, ``rule:``, ``fact:``, ``item:``,
``source:``), each rule's condition as alternatives of literals already put
in words, its citations and conclusions, catalog entries and cited sections.
A run's :class:`~advisor.explain.provenance.Provenance` reads these; nothing here
depends on a profile.

Stage: explain.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from advisor.i18n import _
from advisor.kb import Conclusion, KnowledgeBase, Rule, Test, dnf
from advisor.report import level_word

from .wording import describe_literal, word

__all__ = ["answer_id", "rule_id", "fact_id", "item_id", "source_id", "Literal", "Alternative", "RuleInfo",
           "subject_order", "conditions_in_words", "ItemInfo", "KbIndex"]


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


class Literal:
    """A test or its negation, within a rule's condition, with what the graph says of it."""

    __slots__ = ("positive", "test", "test_key", "subject", "binds", "text", "on_fact")

    def __init__(self, positive: bool, test: Test, test_key: int) -> None:
        self.positive = positive
        self.test = test
        self.test_key = test_key  # the same number for equal tests of the knowledge base
        self.on_fact = test.kind == "fact"
        self.subject = fact_id(test.name) if self.on_fact else answer_id(test.name)
        # a literal needs a fact present (and the engine reports it) unless it tests absence
        self.binds = positive != (test.op == "answered" and test.value is False)
        self.text = describe_literal(positive, test)


class Alternative:
    """One alternative of a condition in disjunctive normal form, and what the graph says of it
    when it is the one a firing used: per subject its conditions in words, in the graph's order."""

    __slots__ = ("literals", "bound", "groups", "order", "fact_texts")

    def __init__(self, literals: tuple[Literal, ...]) -> None:
        self.literals = literals
        self.bound = frozenset(lit.subject for lit in literals if lit.binds)
        self.groups = conditions_in_words(literals)
        self.order = tuple(sorted(self.groups, key=subject_order))
        # (fact, literal in words) of each test on a derived fact, for those the run did not derive
        self.fact_texts = tuple((lit.test.name, lit.text) for lit in literals if lit.on_fact)


def subject_order(subject: str) -> tuple[bool, str]:
    """Answers first, then derived facts, each by id."""
    return (not subject.startswith("answer:"), subject)


def conditions_in_words(literals: Iterable[Literal]) -> dict[str, tuple[str, bool]]:
    """Subject -> (its literals in words, ``; ``-joined; whether all of them are negated tests)."""
    texts: dict[str, dict[str, None]] = {}
    negated: dict[str, bool] = {}
    for lit in literals:
        texts.setdefault(lit.subject, {})[lit.text] = None
        negated[lit.subject] = negated.get(lit.subject, True) and not lit.binds
    return {subject: ("; ".join(found), negated[subject]) for subject, found in texts.items()}


class RuleInfo:
    """A rule as the reasoning shows it, apart from any run."""

    __slots__ = ("rule", "node", "attrs", "head", "because", "about", "cites", "citing", "alternatives", "conclusions",
                 "quotes", "basis")

    def __init__(self, rule: Rule, alternatives: list[Alternative], cites: tuple[str, ...],
                 sources: dict[str, dict[str, Any]]) -> None:
        self.rule = rule
        self.node = rule_id(rule.id)
        # the parts of a reasoning outline's step (advisor.explain.outline) the rule alone decides
        self.head = _("rule {rule}: {title} (priority {priority})").format(rule=rule.id, title=rule.title,
                                                                          priority=rule.priority)
        self.because = ("because", rule.because)
        self.attrs = dict(kind="rule", rule=rule.id, label=rule.title, title=rule.title, because=rule.because,
                          priority=rule.priority, area=rule.area, basis=rule.basis, judgement=rule.judgement)
        # each cited section -> the sentences the rule quotes from it
        self.quotes = {source_id(c.doc, c.section): c.quotes for c in rule.sources if c.quotes}
        # ("basis", words) for the advisor's own judgement; None when the text says it
        self.basis = (("basis", _("{basis}, the advisor's judgement, not the text's words: {judgement}").format(
            basis=level_word(rule.basis), judgement=rule.judgement))
                      if rule.basis in ("reading", "assumption") else None)
        self.about = f"{rule.title} {rule.because}"  # what a quoted passage should bear on
        self.cites = cites  # source nodes, sorted
        # (source node, ("source", the citation in words), document, first line, last line) of each cited section
        self.citing = tuple((src, ("source", _citation_words(sources[src])), sources[src]["doc"],
                             sources[src]["first_line"], sources[src]["last_line"]) for src in cites)
        self.alternatives = alternatives
        self.conclusions: tuple[tuple[str, Conclusion, dict[str, Any]], ...] = tuple(
            (fact_id(c.target) if c.kind == "derive" else item_id(c.target), c, _conclusion_attrs(c))
            for c in rule.then)


def _citation_words(s: dict[str, Any]) -> str:
    lines = _("line {line}").format(line=s["first_line"]) if s["first_line"] == s["last_line"] else \
        _("lines {first}-{last}").format(first=s["first_line"], last=s["last_line"])
    return _("{doc} \"{title}\" ({file}, {lines})").format(doc=s["doc"], title=s["title"], file=s["file"], lines=lines)


def _conclusion_attrs(c: Conclusion) -> dict[str, Any]:
    """The parts of a ``concludes`` edge the rule alone decides."""
    if c.kind == "derive":
        return {"value": word(c.value)}
    return dict(relation="concludes", conclusion=c.kind,
                strength=c.strength or ("moderate" if c.kind == "recommend" else ""), role=c.role or "",
                severity=c.severity or "", note=c.note or "", kpi_target=c.kpi_target or "")


class ItemInfo:
    """A catalog entry as the reasoning shows it (an id the catalog lacks reads as itself)."""

    __slots__ = ("title", "catalog", "description", "severity", "phase", "targets")

    def __init__(self, name: str, entry: Any) -> None:
        self.title = entry.name if entry else name
        self.catalog = entry.kind if entry else ""
        self.description = entry.description if entry else ""
        extra = dict(entry.extra) if entry else {}
        self.severity = extra.get("severity", "medium")
        self.phase = extra.get("phase", "")
        self.targets = tuple(extra.get("targets", ()))  # a mistake's: the channels and tactics it stands against


class KbIndex:
    """The tables of one knowledge base, filled on first use (see the module notes)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        # the parts, not the knowledge base: the index lives on the knowledge base, and a
        # reference back would make a cycle that keeps a dropped base alive until a full collection
        self.rules, self.catalog = kb.rules, kb.catalog
        self._by_id: dict[str, Rule] | None = None
        groups = {g.id: g.label for g in kb.fields.groups}
        self._fields = {f.id: (f.label, f.group, groups.get(f.group, f.group), f.question) for f in kb.fields.fields}
        folder = Path(kb.catalog.root).name or "knowledge"
        self._sources: dict[str, dict[str, Any]] = {}
        for document in kb.catalog.documents:
            for sec in document.sections:
                self._sources[source_id(document.id, sec.id)] = dict(
                    kind="source", doc=document.id, section=sec.id, label=f"{document.id} {sec.id}", title=sec.title,
                    doc_title=document.title, summary=sec.summary, file=f"{folder}/documents/{document.id}.txt",
                    first_line=sec.lines[0], last_line=sec.lines[1])
        self._rules: dict[str, RuleInfo | None] = {}
        self._items: dict[str, ItemInfo] = {}
        self._tests: dict[Test, int] = {}
        self._subjects: dict[str, str] = {}
        self._derivers: dict[str, list[Rule]] | None = None
        self._by_target: dict[str, list[tuple[Rule, set[str]]]] | None = None
        self._targeting: dict[str, list[str]] | None = None
        self._reading: dict[str, list[int]] | None = None
        self._positions: dict[str, int] | None = None
        self._deciding: dict[str, list[Rule]] = {}
        self._dnf: dict[str, tuple[Rule, list]] = {}
        self._words: dict[tuple[bool, Test], str] = {}
        self._dumped: dict[tuple[type, Any], str] = {}

    @staticmethod
    def of(kb: KnowledgeBase) -> "KbIndex":
        """The knowledge base's index (made once, kept on the knowledge base)."""
        found = kb.__dict__.get("_kb_index")
        if found is None:
            found = KbIndex(kb)
            object.__setattr__(kb, "_kb_index", found)
        return found

    def _rule(self, rule_id: str) -> Rule | None:
        if self._by_id is None:
            self._by_id = self.rules.by_id()
        return self._by_id.get(rule_id)

    # ------------------------------------------------------------------ lookups

    def rule_info(self, rule: str) -> RuleInfo | None:
        """The rule's :class:`RuleInfo` (None for an id the knowledge base lacks)."""
        found = self._rules.get(rule, _NONE)
        if found is _NONE:
            model = self._rule(rule)
            found = self._rules[rule] = None if model is None else self._info(model)
        return found  # type: ignore[return-value]

    def _info(self, rule: Rule) -> RuleInfo:
        literals: dict[tuple[bool, Test], Literal] = {}
        alternatives = []
        for alternative in dnf(rule.when):
            lits = []
            for positive, test in alternative:
                literal = literals.get((positive, test))
                if literal is None:
                    key = self._tests.setdefault(test, len(self._tests))
                    literal = literals[positive, test] = Literal(positive, test, key)
                lits.append(literal)
            alternatives.append(Alternative(tuple(lits)))
        cites = tuple(sorted({source_id(c.doc, c.section) for c in rule.sources}))
        for c in rule.sources:  # a citation of a section the catalog lacks still gets a node
            self._sources.setdefault(source_id(c.doc, c.section), dict(
                kind="source", doc=c.doc, section=c.section, label=source_id(c.doc, c.section), title=c.section,
                doc_title="", summary="", file="", first_line=0, last_line=0))
        return RuleInfo(rule, alternatives, cites, self._sources)

    def item(self, name: str) -> ItemInfo:
        found = self._items.get(name)
        if found is None:
            found = self._items[name] = ItemInfo(name, self.catalog.item(name))
        return found

    def field(self, name: str) -> tuple[str, str, str, str]:
        """(label, group, group label, question) of a profile field."""
        return self._fields.get(name, (name, "", "", ""))

    def source(self, node: str) -> dict[str, Any]:
        """A cited section's node attributes."""
        return self._sources[node]

    def match_subject(self, key: str) -> str:
        """The node a matched fact key names: ``member:offline_channels=dealers`` -> ``answer:offline_channels``."""
        found = self._subjects.get(key)
        if found is None:
            kind, _, rest = key.partition(":")
            found = fact_id(rest) if kind == "derived" else answer_id(rest.split("=", 1)[0])
            self._subjects[key] = found
        return found

    def dump(self, value: Any) -> str:
        """A value as JSON text (the graph's ``value_json``); answers repeat, so texts are kept."""
        key = (type(value), tuple(value) if isinstance(value, list) else value)
        try:
            found = self._dumped.get(key)
        except TypeError:  # a value that cannot be a key (none the profile schema allows)
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        if found is None:
            if len(self._dumped) >= _KEPT:  # numbers can take many values: keep the memo small
                self._dumped.clear()
            found = self._dumped[key] = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return found

    def alternatives(self, rule: Rule) -> list:
        """The rule's condition in disjunctive normal form (:func:`advisor.kb.compiler.dnf`), made once."""
        found = self._dnf.get(rule.id)
        if found is None or found[0] is not rule:
            found = self._dnf[rule.id] = (rule, dnf(rule.when))
        return found[1]

    def words(self, positive: bool, test: Test) -> str:
        """A test or its negation in words (:func:`advisor.explain.wording.describe_literal`), made once."""
        key = (positive, test)
        found = self._words.get(key)
        if found is None:
            found = self._words[key] = describe_literal(positive, test)
        return found

    # ------------------------------------------------------------------ rules by what they conclude

    def derivers(self, fact: str) -> list[Rule]:
        """The rules that derive ``fact``, in knowledge-base order."""
        if self._derivers is None:
            table: dict[str, list[Rule]] = {}
            for rule in self.rules.rules:
                for name in rule.facts_derived():
                    table.setdefault(name, []).append(rule)
            self._derivers = table
        return self._derivers.get(fact, [])

    def concluding(self, target: str, kinds: Iterable[str]) -> list[Rule]:
        """Rules with a conclusion of one of ``kinds`` about ``target`` (an item, or a fact for ``derive``),
        in knowledge-base order."""
        if self._by_target is None:
            table: dict[str, dict[str, tuple[Rule, set[str]]]] = {}
            for rule in self.rules.rules:
                for c in rule.then:
                    table.setdefault(c.target, {}).setdefault(rule.id, (rule, set()))[1].add(c.kind)
            self._by_target = {target: list(rules.values()) for target, rules in table.items()}
        wanted = set(kinds)
        return [rule for rule, have in self._by_target.get(target, ()) if have & wanted]

    def deciding(self, item: str) -> list[Rule]:
        """Every rule whose conclusions can decide where ``item`` ends up, with the rules deriving the
        facts they test: rules about the item and about the mistakes that target it (a warning stands
        against a recommendation), and for a mistake, about what it targets and the mistakes targeting
        those (a recommendation that wins a disagreement removes the warning), in knowledge-base order."""
        found = self._deciding.get(item)
        if found is not None:
            return found
        if self._targeting is None:
            table: dict[str, list[str]] = {}
            for entry in self.catalog.items:
                for target in self.item(entry.id).targets:
                    table.setdefault(target, []).append(entry.id)
            self._targeting = table
        about = {item, *self._targeting.get(item, ())}
        for target in self.item(item).targets:
            about.add(target)
            about.update(self._targeting.get(target, ()))
        kinds = ("derive", "recommend", "avoid", "warn", "step", "kpi")
        found = self._deciding[item] = self.with_derivers(rule for target in sorted(about)
                                                          for rule in self.concluding(target, kinds))
        return found

    def with_derivers(self, rules: Iterable[Rule]) -> list[Rule]:
        """``rules`` and every rule deriving a fact one of them tests, and so on down, in knowledge-base order."""
        found: dict[str, Rule] = {}
        pending = list(rules)
        while pending:
            rule = pending.pop()
            if rule.id not in found:
                found[rule.id] = rule
                for fact in rule.facts_used():
                    pending.extend(self.derivers(fact))
        order = self._position()
        return sorted(found.values(), key=lambda r: order.get(r.id, len(order)))

    def reading(self, fields: Iterable[str]) -> list[Rule]:
        """The rules that test any of ``fields``, in knowledge-base order."""
        if self._reading is None:
            table: dict[str, list[int]] = {}
            for position, rule in enumerate(self.rules.rules):
                for name in rule.fields_used():
                    table.setdefault(name, []).append(position)
            self._reading = table
        rules = self.rules.rules
        return [rules[i] for i in sorted({i for name in fields for i in self._reading.get(name, ())})]

    def _position(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {rule.id: i for i, rule in enumerate(self.rules.rules)}
        return self._positions


_NONE = object()
_KEPT = 10_000  # JSON texts of values kept at most
