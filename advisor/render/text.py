"""The report as plain text for a terminal: sections, wrapped at ``width``, ASCII only.

Stage: render.
"""

from __future__ import annotations

import textwrap
from typing import Any

_STYLES = {"title": "\033[1m", "head": "\033[1;36m", "warn": "\033[1;33m", "bad": "\033[1;31m",
           "dim": "\033[2m", "good": "\033[1;32m"}
_RESET = "\033[0m"


class _Out:
    def __init__(self, width: int, color: bool) -> None:
        self.width = max(50, width)
        self.color = color
        self.lines: list[str] = []

    def style(self, text: str, name: str) -> str:
        return f"{_STYLES[name]}{text}{_RESET}" if self.color else text

    def line(self, text: str = "") -> None:
        self.lines.append(text)

    def wrap(self, text: str, indent: int, first: str | None = None) -> None:
        prefix = " " * indent
        wrapped = textwrap.wrap(text, width=self.width - indent, break_on_hyphens=False) or [""]
        for i, part in enumerate(wrapped):
            self.lines.append((first if first is not None and i == 0 else prefix) + part)

    def head(self, text: str, count: int | None = None) -> None:
        self.line()
        label = text.upper() + (f" ({count})" if count is not None else "")
        self.line(self.style(label, "head"))


def _sources(entry: dict[str, Any]) -> str:
    return ", ".join(f"{s['doc']} {s['section']}" for s in entry["sources"])


def _why(out: _Out, entry: dict[str, Any], indent: int) -> None:
    if entry.get("rationale"):
        out.wrap(entry["rationale"], indent)
    for note in entry.get("notes", []):
        out.wrap(note, indent + 2, first=" " * indent + "- ")
    out.wrap(f"rules: {', '.join(entry['because'])}; sources: {_sources(entry)}", indent)
    said = entry.get("quote", "")
    if said:
        out.wrap(f'the text: "{said}"', indent)
    if entry.get("basis") in ("reading", "assumption"):
        judgement = entry["judgements"][0]
        out.wrap(f"the advisor's judgement ({judgement['basis']}, not the text's words): {judgement['judgement']}",
                 indent)
    if entry.get("conflict"):
        out.wrap(f"decided: {entry['conflict']['reason']}", indent)


def render(report: dict[str, Any], *, width: int = 88, color: bool = False, top: int = 10, **_: object) -> str:
    """The report as text; recommendations after the first ``top`` get one line each (0: all in full)."""
    out = _Out(width, color)
    business = report["business"]
    name = business.get("name") or "your business"
    out.line(out.style(f"Marketing advice for {name}", "title"))
    if business.get("highlights"):
        out.wrap(" | ".join(business["highlights"]), 0)
    summary = report["summary"]
    out.line(out.style(f"{summary['fields_answered']} of {summary['fields_total']} questions answered, "
                       f"{summary['rules_fired']} of {summary['rules_total']} rules applied", "dim"))

    total = len(report["recommendations"])
    if 0 < top < total:
        out.line()
        out.line(out.style(f"RECOMMENDED (the top {top} of {total})", "head"))
    else:
        out.head("Recommended", total)
    if not report["recommendations"]:
        out.line("  No channel or tactic can be recommended from these answers yet.")
    recommendations = report["recommendations"]
    shown = recommendations if top <= 0 else recommendations[:top]
    for entry in shown:
        tags = " / ".join([entry["kind"], entry["strength"]] + entry["roles"])
        out.line(f"{entry['rank']:>3}. " + out.style(entry["title"], "good") + out.style(f"  [{entry['id']}: {tags}]", "dim"))
        _why(out, entry, 5)
    out.head("Warnings", len(report["warnings"]))
    if not report["warnings"]:
        out.line("  None of the mistakes the sources warn about shows in these answers.")
    for number, entry in enumerate(report["warnings"], 1):
        out.line(f"  w{number} " + out.style(entry["title"], "warn") + out.style(f"  [{entry['id']}: {entry['severity']}]", "dim"))
        out.wrap(entry["description"], 5)
        if entry.get("fix"):
            out.wrap("Instead: " + entry["fix"], 5)
        _why(out, entry, 5)

    if len(shown) < len(recommendations):
        out.head("Also worth doing", len(recommendations) - len(shown))
        out.line(out.style("  once the advice above is under way (--top 0 explains them in full):", "dim"))
        for entry in recommendations[len(shown):]:
            out.wrap(f"{entry['title']}  [{entry['id']}: {entry['kind']} / {entry['strength']}]",
                     7, first=f"{entry['rank']:>4}. ")

    if report["not_advised"]:
        out.head("Not advised", len(report["not_advised"]))
        for entry in report["not_advised"]:
            out.line("  x " + out.style(entry["title"], "bad") + out.style(f"  [{entry['id']}: {entry['kind']}]", "dim"))
            _why(out, entry, 5)

    if report["plan"]:
        out.head("Plan", len(report["plan"]))
        for entry in report["plan"]:
            out.wrap(f"{entry['title']}: {entry['description']}", 14, first=f"  {entry['phase']:<10}  ")
            for note in entry.get("notes", []):
                out.wrap(note, 16, first=" " * 14 + "- ")

    if report["kpis"]:
        out.head("Measure", len(report["kpis"]))
        for entry in report["kpis"]:
            target = f" (target: {'; '.join(entry['targets'])})" if entry["targets"] else ""
            out.wrap(f"{entry['title']} [{entry['unit']}]{target}: {entry['description']}", 4, first="  * ")

    if report["conflicts"]:
        out.head("Conflicts decided", len(report["conflicts"]))
        for conflict in report["conflicts"]:
            out.wrap(f"{conflict['item']}: {conflict['reason']}", 4, first="  * ")

    if report["unanswered"]:
        out.head("Answer these for more advice")
        for entry in report["unanswered"][:8]:
            rules = entry["unlocks"]
            out.wrap(f"{entry['question']} ({entry['field']}; could apply {rules} more rule{'s' if rules != 1 else ''})",
                     4, first="  ? ")
        if len(report["unanswered"]) > 8:
            out.line(f"    ...and {len(report['unanswered']) - 8} more (see --format json)")
    out.line()
    out.line(out.style("Why any of this? advisor explain PROFILE ID (or a number above: 3, w1; or a title)", "dim"))
    out.line(out.style("Ask why: advisor explain PROFILE ITEM   Try a change: advisor whatif PROFILE --set FIELD=VALUE",
                       "dim"))
    return "\n".join(out.lines) + "\n"
