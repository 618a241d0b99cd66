"""The grounds of each rule: quotes on its citations, a stated basis, and quotes that fit the claim.

A rule's basis says how it stands to the text: ``source`` (the text says it),
``reading`` (the advisor's interpretation) or ``assumption`` (a threshold or
default the text does not give). A ``source`` rule that vetoes an item or warns
of a mistake should quote words that speak against something; a veto resting on
a passage with no word of caution in it (a passage that prescribes, say) is
flagged for a person to read. The test is a word list, so it finds candidates,
not proof; suppress a finding with the reason when the quote does carry the veto.

Stage: audit.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..checks import Check, check
from ..finding import Finding, Severity

I, W = Severity.INFO, Severity.WARNING

CHECKS = (
    Check("A811", "citation-without-quote", I, "A citation names a section but quotes none of its sentences, so a "
          "reader cannot see which words carry the rule.",
          fail='source: {doc: "002", section: seo}',
          passes='source:\n  doc: "002"\n  section: seo\n'
                 '  quote: "SEO optimization is needed to ensure good results in later promotion."',
          fix="Add `quote:` with the sentence (or a list of sentences) of the section the rule rests on, as the "
              "document writes it."),
    Check("A812", "basis-unstated", I, "A rule does not say whether the text says it (source), it is the "
          "advisor's reading of the text, or an assumption the text does not give.",
          fail="- id: seo-first\n  ...   # no basis:",
          passes="  basis: assumption\n  judgement: The text names no threshold; 12 months is ours.",
          fix="Add `basis: source`, or `basis: reading` / `basis: assumption` with a one-line `judgement:`."),
    Check("A813", "veto-quote-prescribes", W, "A rule that advises against an item or warns of a mistake claims "
          "the text says so (basis: source), but none of its quotes holds a word against anything: the passage "
          "may prescribe what the rule forbids.",
          fail="then: [{avoid: copy-peers}]\nbasis: source\nsource: {..., quote: \"their methods can be directly "
               "copied\"}",
          passes="then: [{warn: viral-for-everyone}]\nbasis: source\nsource: {..., quote: \"not every company is "
                 "suitable for viral marketing\"}",
          fix="Quote the sentence that speaks against the item, or mark the rule `basis: reading` with the "
              "judgement that turns the passage into a veto."),
)

#: words that speak against something (in the machine-translated English of the sources)
CAUTION = re.compile(
    r"\b(not|no|never|nor|don't|avoid\w*|mistake\w*|misunderst\w*|misconception\w*|wrong\w*|errors?|fail\w*|"
    r"blind\w*|cannot|can't|shouldn't|risk\w*|danger\w*|harm\w*|wast\w*|problems?|lack\w*|neglect\w*|ignor\w*|"
    r"instead|difficult\w*|impossible|los[se]\w*|against|disgust\w*|resent\w*|unreasonable|too|bad|worse|useless|"
    r"limited|beware|careful|caution\w*|backfire\w*|reduc\w*|little|only)\b", re.I)
#: words that say something must be done: a warning of not doing it rests on them too
OBLIGATION = re.compile(r"\b(must|has to|have to|needs? to|should|foundation|first|key|important)\b", re.I)


def run(ctx) -> Iterable[Finding]:
    for rule in ctx.rules:
        for citation in rule.sources:
            if not citation.quotes:
                yield check("A811").at(citation.location or rule.location,
                                       f"rule {rule.id!r} cites {citation.key()} without quoting it", rules=(rule.id,))
        if not rule.basis:
            yield check("A812").at(rule.location, f"rule {rule.id!r} does not state its basis", rules=(rule.id,))
            continue
        kinds = {c.kind for c in rule.then}
        quotes = [q for c in rule.sources for q in c.quotes]
        if rule.basis != "source" or not quotes or not kinds & {"avoid", "warn"}:
            continue
        against = any(CAUTION.search(q) for q in quotes)
        must = "warn" in kinds and "avoid" not in kinds and any(OBLIGATION.search(q) for q in quotes)
        if not (against or must):
            what = "advises against" if "avoid" in kinds else "warns of"
            yield check("A813").at(rule.location, f"rule {rule.id!r} {what} "
                                   f"{', '.join(sorted(c.target for c in rule.then if c.kind in ('avoid', 'warn')))} "
                                   "on the text's word (basis: source), but no quote holds a word against anything",
                                   rules=(rule.id,))
