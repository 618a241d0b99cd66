"""The knowledge catalogs: source documents and their sections, channels, tactics,
mistakes, KPIs and plan steps, as frozen records.

Catalog files live in ``knowledge/``; each is checked against its shipped JSON
Schema (``catalog.schema.json``, ``sources.schema.json``) and every citation in
a catalog entry must name a real document section.

Stage: kb.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from advisor import schemas
from advisor.errors import KnowledgeError, Location, did_you_mean
from advisor.io import Marks, load_yaml_file

from .model import Citation

__all__ = ["Section", "Document", "Ground", "Item", "Catalog", "ITEM_KINDS", "ORDERING_KEYS", "EFFORTS", "COSTS",
           "load_catalog", "check_ordering"]

#: Catalog kinds, in the order reports list them.
ITEM_KINDS = ("channel", "tactic", "mistake", "kpi", "step")
#: The attributes next moves are ordered by (docs/report.md, "Next moves"), which ``grounds`` may cite.
ORDERING_KEYS = ("goals", "effort", "cost", "after", "phase", "fixed_by", "defers")
EFFORTS = ("low", "medium", "high")
COSTS = ("none", "low", "medium", "high")


@dataclass(frozen=True)
class Section:
    doc: str
    id: str
    title: str
    lines: tuple[int, int]
    summary: str
    actionable: bool = True

    def key(self) -> str:
        return f"{self.doc}#{self.id}"


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Ground:
    """What some ordering attributes of a catalog item rest on: a cited, quoted section."""

    about: tuple[str, ...]
    citation: Citation


@dataclass(frozen=True)
class Item:
    """A catalog entry: a channel, tactic, mistake, KPI or plan step."""

    id: str
    kind: str
    name: str
    description: str
    sources: tuple[Citation, ...]
    extra: tuple[tuple[str, Any], ...] = ()
    location: Location | None = field(default=None, compare=False)

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.extra).get(key, default)

    def grounds_of(self, key: str) -> tuple[Ground, ...]:
        """The grounds that cite the sources for ordering attribute ``key`` (empty: the advisor's judgement)."""
        return tuple(g for g in self.get("grounds", ()) if key in g.about)


@dataclass(frozen=True)
class Catalog:
    """Everything in ``knowledge/`` except the profile fields."""

    documents: tuple[Document, ...]
    items: tuple[Item, ...]
    root: str = ""

    # -- lookups (small tables, built on demand)
    def document(self, doc: str) -> Document | None:
        return next((d for d in self.documents if d.id == doc), None)

    def section(self, doc: str, section: str) -> Section | None:
        document = self.document(doc)
        if document is None:
            return None
        return next((s for s in document.sections if s.id == section), None)

    def sections(self) -> list[Section]:
        return [s for d in self.documents for s in d.sections]

    def item(self, item_id: str) -> Item | None:
        return self._index().get(item_id)

    def items_of(self, *kinds: str) -> list[Item]:
        return [i for i in self.items if i.kind in kinds]

    def ids(self, *kinds: str) -> list[str]:
        return sorted(i.id for i in self.items if not kinds or i.kind in kinds)

    def _index(self) -> dict[str, Item]:
        cached = self.__dict__.get("_by_id")
        if cached is None:
            cached = {i.id: i for i in self.items}
            object.__setattr__(self, "_by_id", cached)
        return cached

    def check_citation(self, citation: Citation) -> str | None:
        """None when the citation names a real section, else what is wrong."""
        document = self.document(citation.doc)
        if document is None:
            near = did_you_mean(citation.doc, [d.id for d in self.documents])
            hint = f" (did you mean {near!r}?)" if near else ""
            return f"unknown document {citation.doc!r}{hint}; documents: " + ", ".join(d.id for d in self.documents)
        if self.section(citation.doc, citation.section) is None:
            ids = [s.id for s in document.sections]
            near = did_you_mean(citation.section, ids)
            hint = f" (did you mean {near!r}?)" if near else ""
            return f"document {citation.doc} has no section {citation.section!r}{hint}"
        return None


def _fail(marks: Marks, path: tuple, message: str, *, expected: str | None = None,
          suggestion: str | None = None, key: bool = False) -> KnowledgeError:
    return KnowledgeError(message, code="E400", location=marks.location(path, key=key),
                          expected=expected, suggestion=suggestion)


def _check_schema(data: Any, marks: Marks, schema: str) -> None:
    problem = schemas.first_problem(data, schema)
    if problem is not None:
        raise _fail(marks, problem.path, problem.message, expected=problem.expected,
                    suggestion=problem.suggestion, key=problem.key)


def _load_sources(path: Path) -> tuple[Document, ...]:
    data, marks = load_yaml_file(path, error=KnowledgeError)
    _check_schema(data, marks, "sources")
    documents = []
    seen_docs: set[str] = set()
    for d_index, doc in enumerate(data["documents"]):
        if doc["id"] in seen_docs:
            raise _fail(marks, ("documents", d_index, "id"), f"document {doc['id']!r} is listed twice")
        seen_docs.add(doc["id"])
        sections = []
        seen: set[str] = set()
        for s_index, sec in enumerate(doc["sections"]):
            if sec["id"] in seen:
                raise _fail(marks, ("documents", d_index, "sections", s_index, "id"),
                            f"section {sec['id']!r} appears twice in document {doc['id']}")
            seen.add(sec["id"])
            first, last = sec["lines"]
            if last < first:
                raise _fail(marks, ("documents", d_index, "sections", s_index, "lines"),
                            f"line range {first}-{last} runs backwards")
            sections.append(Section(doc["id"], sec["id"], sec["title"], (first, last), " ".join(sec["summary"].split()),
                                    sec.get("actionable", True)))
        documents.append(Document(doc["id"], doc["title"], tuple(sections)))
    return tuple(documents)


def _grounds(raw: list, index: int, marks: Marks, probe: Catalog) -> tuple[Ground, ...]:
    """The item's ``grounds``, each citation checked (E400) and each quote found in its section (E402)."""
    from .passages import passages_for

    out = []
    for g_index, ground in enumerate(raw):
        where = ("items", index, "grounds", g_index)
        quotes = ground["quote"]
        quotes = (quotes,) if isinstance(quotes, str) else tuple(quotes)
        citation = Citation(ground["doc"], ground["section"], marks.location(where),
                            tuple(" ".join(q.split()) for q in quotes))
        problem = probe.check_citation(citation)
        if problem:
            raise _fail(marks, where, problem)
        section = probe.section(citation.doc, citation.section)
        if probe.root and section is not None:
            passages = passages_for(probe.root)
            for q_index, quote in enumerate(citation.quotes):
                if not passages.holds(citation.doc, section.lines[0], section.lines[1], quote):
                    sub = ("quote",) if isinstance(ground["quote"], str) else ("quote", q_index)
                    raise KnowledgeError(f"document {citation.doc} section {citation.section!r} does not hold the "
                                         f"words quoted: {quote[:60]!r}", code="E402",
                                         location=marks.location(where + sub),
                                         expected="the sentence as the document writes it "
                                                  "(spaces and line breaks may differ)")
        out.append(Ground(tuple(ground["about"]), citation))
    return tuple(out)


def _load_items(path: Path, documents: tuple[Document, ...], root: str = "") -> list[Item]:
    data, marks = load_yaml_file(path, error=KnowledgeError)
    _check_schema(data, marks, "catalog")
    kind = data["kind"]
    probe = Catalog(documents, (), root)
    items = []
    for index, raw in enumerate(data["items"]):
        cites = []
        for c_index, cite in enumerate(raw["sources"]):
            citation = Citation(cite["doc"], cite["section"], marks.location(("items", index, "sources", c_index)))
            problem = probe.check_citation(citation)
            if problem:
                raise _fail(marks, ("items", index, "sources", c_index), problem)
            cites.append(citation)
        if "grounds" in raw:
            raw = dict(raw, grounds=_grounds(raw["grounds"], index, marks, probe))
        extra = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in raw.items()
                             if k not in ("id", "name", "description", "sources")))
        items.append(Item(raw["id"], kind, raw["name"], " ".join(raw["description"].split()),
                          tuple(cites), extra, marks.location(("items", index))))
    return items


def load_catalog(directory: Path | str, *, skip: Iterable[str] = ("fields.yaml", "markets.yaml")) -> Catalog:
    """Load ``sources.yaml`` and every other catalog file of ``directory``.

    Raises :class:`KnowledgeError` on the first malformed file, a duplicate id
    across catalogs, or a citation to an unknown section.
    """
    root = Path(directory)
    sources_path = root / "sources.yaml"
    if not sources_path.is_file():
        raise KnowledgeError("knowledge folder has no sources.yaml", code="E400", location=Location(str(root)),
                             expected="a folder holding sources.yaml, fields.yaml and catalog files")
    documents = _load_sources(sources_path)
    items: list[Item] = []
    seen: dict[str, Item] = {}
    skipped = set(skip) | {"sources.yaml"}
    for path in sorted(root.glob("*.yaml")):
        if path.name in skipped:
            continue
        for item in _load_items(path, documents, str(root)):
            if item.id in seen:
                other = seen[item.id]
                raise KnowledgeError(f"id {item.id!r} is already used by the {other.kind} at {other.location}",
                                     code="E400", location=item.location)
            seen[item.id] = item
            items.append(item)
    items.sort(key=lambda i: (ITEM_KINDS.index(i.kind), i.id))
    return Catalog(documents, tuple(items), str(root))


#: ordering attribute -> the catalog kinds an item's entry of it may name
_REFERENCES = {"after": ("channel", "tactic", "step"), "fixed_by": ("channel", "tactic", "step"),
               "defers": ("channel", "tactic")}


def check_ordering(catalog: Catalog, fields: Any) -> None:
    """Check what the ordering attributes name: goals and practices of ``fields`` (a
    :class:`~advisor.kb.fields.FieldSet`), catalog items of the right kind (E403), and
    that no item must come after itself through ``after`` (E403).
    """
    goals = {g.id for g in fields.goals}
    practices = {p.id for p in fields.practices}

    def fail(item: Item, message: str, expected: str) -> KnowledgeError:
        return KnowledgeError(f"{item.kind} {item.id!r}: {message}", code="E403", location=item.location,
                              expected=expected)

    for item in catalog.items:
        for goal in item.get("goals", ()):
            if goal not in goals:
                raise fail(item, f"unknown goal {goal!r}", "one of the goals of fields.yaml: " + ", ".join(sorted(goals)))
        practice = item.get("presupposes")
        if practice is not None and practice not in practices:
            raise fail(item, f"presupposes unknown practice {practice!r}",
                       "one of the practices of fields.yaml: " + ", ".join(sorted(practices)))
        for key, kinds in _REFERENCES.items():
            for target in item.get(key, ()):
                found = catalog.item(target)
                if found is None or found.kind not in kinds or target == item.id:
                    near = did_you_mean(target, catalog.ids(*kinds))
                    raise fail(item, f"{key} names {target!r}, which is no other {' or '.join(kinds)}"
                               + (f" (did you mean {near!r}?)" if near else ""), f"ids of the {'/'.join(kinds)} catalogs")
    # no item may wait for itself through a chain of `after`
    state: dict[str, int] = {}

    def visit(item_id: str, path: list[str]) -> None:
        state[item_id] = 1
        for target in catalog.item(item_id).get("after", ()):  # type: ignore[union-attr]
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [item_id, target] if target in path else [item_id, target]
                raise fail(catalog.item(item_id), "comes after itself: " + " -> ".join(cycle),  # type: ignore[arg-type]
                           "an order without cycles")
            if state.get(target) is None:
                visit(target, path + [item_id])
        state[item_id] = 2

    for item in catalog.items:
        if state.get(item.id) is None and item.get("after"):
            visit(item.id, [])
