#!/usr/bin/env python3
"""Check the quote-level citations and the basis of every shipped rule.

Standalone (PyYAML only); it will later move into the loader. For every rule in
rules/*.yaml it checks that:

* every citation (``source:`` or each item of ``sources:``) names a document and a
  section of knowledge/sources.yaml and carries ``quote:`` - a string, or a non-empty
  list of strings;
* each quote is an exact substring of knowledge/documents/<doc>.txt lying inside the
  section's line range, compared after collapsing every run of whitespace to one space
  (case and punctuation as in the machine translation);
* each quote is at most MAX_QUOTE characters (quote the sentence that carries the claim,
  not the paragraph) and no citation repeats a quote;
* the rule has ``basis:`` (source, reading or assumption), and ``judgement:`` (a
  non-empty string) exactly when the basis is reading or assumption.

Usage: python3 tools/check_quotes.py [ROOT]   (ROOT defaults to the repository of this file)
Prints one line per failure and a summary; exits 1 on any failure.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import yaml

BASES = ("source", "reading", "assumption")
MAX_QUOTE = 300
_SPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Every run of whitespace as one space, without leading or trailing space."""
    return _SPACE.sub(" ", text).strip()


def load_sections(root: Path) -> dict[tuple[str, str], str]:
    """(doc, section) -> the collapsed text of the section's line range."""
    data = yaml.safe_load((root / "knowledge" / "sources.yaml").read_text(encoding="utf-8"))
    passages: dict[tuple[str, str], str] = {}
    for document in data["documents"]:
        doc = str(document["id"])
        lines = (root / "knowledge" / "documents" / f"{doc}.txt").read_text(encoding="utf-8").split("\n")
        for section in document["sections"]:
            first, last = section["lines"]
            passages[(doc, section["id"])] = collapse("\n".join(lines[first - 1:last]))
    return passages


def check_rule(rule: dict, where: str, passages: dict[tuple[str, str], str]) -> list[str]:
    problems: list[str] = []
    rule_id = rule.get("id", "?")
    at = f"{where}: {rule_id}"
    if "sources" in rule:
        citations = rule["sources"] if isinstance(rule["sources"], list) else [rule["sources"]]
        labels = [f"sources[{i}]" for i in range(len(citations))]
    elif "source" in rule:
        citations, labels = [rule["source"]], ["source"]
    else:
        return [f"{at}: no source or sources"]
    seen: set[str] = set()
    for citation, label in zip(citations, labels):
        if not isinstance(citation, dict):
            problems.append(f"{at}: {label} is not a mapping")
            continue
        doc, section = str(citation.get("doc")), citation.get("section")
        passage = passages.get((doc, section))
        if passage is None:
            problems.append(f"{at}: {label} cites unknown section {doc}#{section}")
            continue
        quote = citation.get("quote")
        if quote is None:
            problems.append(f"{at}: {label} ({doc}#{section}) has no quote")
            continue
        quotes = quote if isinstance(quote, list) else [quote]
        if not quotes:
            problems.append(f"{at}: {label} ({doc}#{section}) has an empty list of quotes")
        for q_index, text in enumerate(quotes):
            q_label = f"{label}.quote" + (f"[{q_index}]" if isinstance(quote, list) else "")
            if not isinstance(text, str) or not collapse(text):
                problems.append(f"{at}: {q_label} ({doc}#{section}) is not a non-empty string")
                continue
            wanted = collapse(text)
            if wanted not in passage:
                problems.append(f"{at}: {q_label} is not in {doc}#{section}: {wanted[:90]!r}")
            if len(wanted) > MAX_QUOTE:
                problems.append(f"{at}: {q_label} ({doc}#{section}) is {len(wanted)} characters "
                                f"(at most {MAX_QUOTE}; quote the sentence that carries the claim)")
            if wanted in seen:
                problems.append(f"{at}: {q_label} repeats a quote of the same rule")
            seen.add(wanted)
    basis = rule.get("basis")
    judgement = rule.get("judgement")
    if basis not in BASES:
        problems.append(f"{at}: basis is {basis!r}, not one of {', '.join(BASES)}")
    elif basis == "source":
        if judgement is not None:
            problems.append(f"{at}: judgement given, but the basis is source (use reading or assumption)")
    elif not isinstance(judgement, str) or not judgement.strip():
        problems.append(f"{at}: basis {basis} needs a judgement (what the text says, what we add)")
    return problems


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    passages = load_sections(root)
    problems: list[str] = []
    bases: Counter[str] = Counter()
    rules = 0
    for path in sorted((root / "rules").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in data.get("rules") or []:
            rules += 1
            bases[str(rule.get("basis"))] += 1
            problems += check_rule(rule, path.name, passages)
    for problem in problems:
        print(problem)
    summary = ", ".join(f"{bases[b]} {b}" for b in BASES)
    print(f"checked {rules} rules ({summary}): {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
