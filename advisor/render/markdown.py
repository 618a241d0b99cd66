"""The report as Markdown, for sharing or pasting into a document."""

from __future__ import annotations

from typing import Any


def _esc(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _sources(entry: dict[str, Any]) -> str:
    return ", ".join(f"{s['doc']} {s['section']}" for s in entry["sources"])


def render(report: dict[str, Any], **_: object) -> str:
    lines: list[str] = []
    business = report["business"]
    lines.append(f"# Marketing advice for {business.get('name') or 'your business'}")
    lines.append("")
    if business.get("highlights"):
        lines.append(" | ".join(business["highlights"]))
        lines.append("")
    summary = report["summary"]
    lines.append(f"*{summary['fields_answered']} of {summary['fields_total']} questions answered; "
                 f"{summary['rules_fired']} of {summary['rules_total']} rules applied.*")
    lines.append("")
    lines.append("## Recommended")
    lines.append("")
    if report["recommendations"]:
        lines.append("| # | Channel or tactic | Kind | Strength | Role | Rules | Sources |")
        lines.append("|---|---|---|---|---|---|---|")
        for e in report["recommendations"]:
            lines.append(f"| {e['rank']} | **{_esc(e['title'])}** | {e['kind']} | {e['strength']} | "
                         f"{', '.join(e['roles'])} | {', '.join(e['because'])} | {_sources(e)} |")
        lines.append("")
        for e in report["recommendations"]:
            lines.append(f"**{e['rank']}. {e['title']}.** {e['rationale']}")
            for note in e["notes"]:
                lines.append(f"- {note}")
            if e.get("conflict"):
                lines.append(f"- *Decided:* {e['conflict']['reason']}")
            lines.append("")
    else:
        lines.append("No channel or tactic can be recommended from these answers yet.")
        lines.append("")
    lines.append("## Warnings")
    lines.append("")
    if not report["warnings"]:
        lines.append("None of the mistakes the sources warn about shows in these answers.")
        lines.append("")
    for e in report["warnings"]:
        lines.append(f"### {e['title']} ({e['severity']})")
        lines.append("")
        lines.append(e["description"])
        lines.append("")
        if e.get("fix"):
            lines.append(f"**Instead:** {e['fix']}")
            lines.append("")
        lines.append(f"*Why:* {e['rationale']} (rules: {', '.join(e['because'])}; sources: {_sources(e)})")
        lines.append("")
    if report["not_advised"]:
        lines.append("## Not advised")
        lines.append("")
        for e in report["not_advised"]:
            lines.append(f"- **{e['title']}**: {e['rationale']} (rules: {', '.join(e['because'])}; sources: {_sources(e)})")
        lines.append("")
    if report["plan"]:
        lines.append("## Plan")
        lines.append("")
        for i, e in enumerate(report["plan"], 1):
            lines.append(f"{i}. **{e['title']}** ({e['phase']}): {e['description']}")
        lines.append("")
    if report["kpis"]:
        lines.append("## Measure")
        lines.append("")
        for e in report["kpis"]:
            target = f" Target: {'; '.join(e['targets'])}." if e["targets"] else ""
            lines.append(f"- **{e['title']}** ({e['unit']}): {e['description']}{target}")
        lines.append("")
    if report["conflicts"]:
        lines.append("## Conflicts decided")
        lines.append("")
        for c in report["conflicts"]:
            lines.append(f"- `{c['item']}`: {c['reason']}")
        lines.append("")
    if report["unanswered"]:
        lines.append("## Answer these for more advice")
        lines.append("")
        for e in report["unanswered"]:
            lines.append(f"- {e['question']} (`{e['field']}`, could apply {e['unlocks']} more rules)")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
