"""Citations of a rule: the sections it cites and the words it quotes from them, checked.

Stage: kb. A citation must name a document and a section of
``knowledge/sources.yaml`` (E303) and every sentence it quotes must be in that
section's lines of ``knowledge/documents/<doc>.txt``, compared with runs of
whitespace collapsed (E310).
"""

from __future__ import annotations

from typing import Callable

from advisor.io import Marks

from .catalog import Catalog
from .model import Citation
from .passages import passages_for

__all__ = ["CitationCheck", "parse_citations"]


class CitationCheck:
    """:meth:`Catalog.check_citation`, asked once per distinct citation of a load."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.seen: dict[tuple, str | None] = {}

    def __call__(self, citation: Citation) -> str | None:
        key = (citation.doc, citation.section)
        if key not in self.seen:
            self.seen[key] = self.catalog.check_citation(citation)
        return self.seen[key]

    def missing_quote(self, citation: Citation) -> int | None:
        """The index of the first quote the cited section does not hold, or None."""
        section = self.catalog.section(citation.doc, citation.section)
        if section is None or not self.catalog.root:
            return None
        passages = passages_for(self.catalog.root)
        for index, quote in enumerate(citation.quotes):
            if not passages.holds(citation.doc, section.lines[0], section.lines[1], quote):
                return index
        return None


def parse_citations(raw: dict, marks: Marks, path: tuple, check: CitationCheck,
                    report: Callable[..., None]) -> list[Citation]:
    """The citations of a rule's ``source``/``sources``; problems go to ``report(message, code, sub)``."""
    cites_raw = raw["sources"] if "sources" in raw else [raw["source"]]
    cites_key = "sources" if "sources" in raw else "source"
    citations = []
    for c_index, cite in enumerate(cites_raw):
        sub = (cites_key, c_index) if cites_key == "sources" else (cites_key,)
        quotes = cite.get("quote", ())
        quotes = (quotes,) if isinstance(quotes, str) else tuple(quotes)
        citation = Citation(str(cite["doc"]), cite["section"], marks.location(path + sub, node=cite),
                            tuple(" ".join(q.split()) for q in quotes))
        problem = check(citation)
        if problem:
            report(problem, "E303", sub)
        else:
            missing = check.missing_quote(citation)
            if missing is not None:
                where = sub + (("quote",) if isinstance(cite.get("quote"), str) else ("quote", missing))
                report(f"document {citation.doc} section {citation.section!r} does not hold the words quoted: "
                       f"{_shorten(citation.quotes[missing])!r}", "E310", where,
                       expected="the sentence as the document writes it (spaces and line breaks may differ)")
        citations.append(citation)
    return citations


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."
