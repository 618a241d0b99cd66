"""Coverage of the sources and catalogs: actionable passages no rule cites, catalog entries no
rule concludes, and rules that cite passages marked as carrying no guidance.

Stage: audit.
"""

from __future__ import annotations

from typing import Iterable

from advisor.errors import Location

from ..checks import Check, check
from ..finding import Finding, Severity

W = Severity.WARNING

CHECKS = (
    Check("A801", "section-uncited", W, "An actionable section of a source document is cited by no rule, so its "
          "guidance never reaches a report.",
          fail="sources.yaml: {id: maintenance-channel, actionable: true}   # and no rule cites 004#maintenance-channel",
          passes='a rule with source: {doc: "004", section: maintenance-channel}\n'
                 "(or `actionable: false` on a passage that carries no guidance)",
          fix="Write a rule that turns the passage's guidance into advice and cites it, or mark the section "
              "`actionable: false` if it carries none."),
    Check("A802", "catalog-unused", W, "A catalog entry (channel, tactic, mistake, KPI or plan step) that no rule "
          "concludes, so no report can ever show it.",
          fail="channels.yaml: {id: shopping-guides, ...}   # and no rule recommends or avoids shopping-guides",
          passes="- id: deals-for-cheap-goods\n  when: {field: price_level, equals: low}\n"
                 "  then: [{recommend: shopping-guides}]",
          fix="Write a rule that concludes the entry, or remove the entry from the catalog."),
    Check("A803", "cites-non-actionable", W, "A rule cites a section that sources.yaml marks as carrying no "
          "guidance (`actionable: false`).",
          fail='source: {doc: "000", section: overview}   # overview has actionable: false',
          passes='source: {doc: "000", section: positioning}',
          fix="Cite the passage that gives the advice, or mark the cited section actionable if it does."),
)


def run(ctx) -> Iterable[Finding]:
    cited: set[str] = set()
    for rule in ctx.rules:
        for citation in rule.sources:
            cited.add(citation.key())
            section = ctx.catalog.section(citation.doc, citation.section)
            if section is not None and not section.actionable:
                yield check("A803").at(citation.location or rule.location,
                                       f"rule {rule.id!r} cites {citation.key()} ({section.title}), which "
                                       "sources.yaml marks as carrying no guidance", rules=(rule.id,))
    marks = ctx.knowledge_marks("sources.yaml")
    sources_path = str(ctx.knowledge / "sources.yaml")
    for d_index, document in enumerate(ctx.catalog.documents):
        for s_index, section in enumerate(document.sections):
            if section.actionable and section.key() not in cited:
                where = marks.location(("documents", d_index, "sections", s_index)) if marks else \
                    Location(sources_path)
                yield check("A801").at(where, f"section {section.key()} ({section.title}) is actionable but no "
                                       "rule cites it")
    concluded = {c.target for rule in ctx.rules for c in rule.then if c.kind != "derive"}
    verbs = {"channel": "recommends or advises against", "tactic": "recommends or advises against",
             "mistake": "warns of", "kpi": "tracks", "step": "adds the plan step"}
    for item in ctx.catalog.items:
        if item.id not in concluded:
            yield check("A802").at(item.location, f"{item.kind} {item.id!r} ({item.name}): no rule "
                                   f"{verbs.get(item.kind, 'concludes')} it")
