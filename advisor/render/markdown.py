"""The report as Markdown, for sharing or pasting into a document.

Given the run's recommendation graph (``graph=``), each item also says which
answers it rests on, and a section draws the reasoning as Mermaid diagrams
(rendered by GitHub, GitLab and most Markdown viewers): an overview of
answers -> derived facts -> advice, and one small diagram per top
recommendation and warning, folded in ``<details>``.

Stage: render.
"""

from __future__ import annotations

from typing import Any

__all__ = ["render"]

#: how many recommendations and warnings get a diagram of their own
TOP = 3


def _esc(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _grounds(lines: list[str], entry: dict[str, Any]) -> None:
    """The first sentence quoted from the sources, and the advisor's judgement where the text is silent."""
    said = entry.get("quote", "")
    if said:
        lines.append(f"- *The text says:* \u201c{said}\u201d")
    if entry.get("basis") in ("reading", "assumption"):
        judgement = entry["judgements"][0]
        lines.append(f"- *The advisor's judgement ({judgement['basis']}):* {judgement['judgement']}")


def _sources(entry: dict[str, Any]) -> str:
    return "; ".join(f"{s['doc']} {s['title'] or s['section']}" for s in entry["sources"])


def _answers(graph: Any, item: str) -> str:
    """``Price level: high; Storefront: own site`` - the answers an item rests on."""
    from advisor.explain import answer_words

    return "; ".join(f"{label}: {value}" for label, value, _ in answer_words(graph, item))


def _because(lines: list[str], graph: Any, entry: dict[str, Any]) -> None:
    answers = _answers(graph, entry["id"])
    if answers:
        lines.append(f"- *Because you answered:* {_esc(answers)}")


def _diagrams(lines: list[str], report: dict[str, Any], graph: Any) -> None:
    from .mermaid import to_mermaid
    from .view import OVERVIEW_TOP, focus_view, overview

    lines.append("## How the advice was reached")
    lines.append("")
    lines.append("Your answers (left) lead through derived facts to the advice (right); "
                 "`advisor explain PROFILE ITEM` tells the whole story of one item.")
    lines.append("")
    V = overview(graph, top=OVERVIEW_TOP)
    if len(report["recommendations"]) > OVERVIEW_TOP:
        lines.append(f"The diagram draws the first {OVERVIEW_TOP} of the {len(report['recommendations'])} "
                     "recommendations, every warning and what is not advised.")
        lines.append("")
    if len(V):
        lines += ["```mermaid", to_mermaid(V), "```", ""]
    for entry in report["recommendations"][:TOP] + report["warnings"][:TOP]:
        node = f"item:{entry['id']}"
        if node not in graph:
            continue
        lines.append(f"<details><summary>Why: {_esc(entry['title'])}</summary>")
        lines.append("")
        lines += ["```mermaid", to_mermaid(focus_view(graph, node)), "```", ""]
        lines.append("</details>")
        lines.append("")


def render(report: dict[str, Any], *, graph: Any = None, **_: object) -> str:
    """The report as Markdown; ``graph`` (from :mod:`advisor.explain.graph`) adds answers and diagrams."""
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
                         f"{', '.join(e['roles'])} | {', '.join(e['because'])} | {_esc(_sources(e))} |")
        lines.append("")
        for e in report["recommendations"]:
            lines.append(f"**{e['rank']}. {e['title']}.** {e['rationale']}")
            for note in e["notes"]:
                lines.append(f"- {note}")
            _because(lines, graph, e)
            _grounds(lines, e)
            lines.append(f"- *Ranked* {e['rank_reason']}")
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
        answers = _answers(graph, e["id"])
        if answers:
            lines.append("")
            lines.append(f"*Because you answered:* {answers}")
        lines.append("")
    if report["not_advised"]:
        lines.append("## Not advised")
        lines.append("")
        for e in report["not_advised"]:
            lines.append(f"- **{e['title']}**: {e['rationale']} (rules: {', '.join(e['because'])}; "
                         f"sources: {_sources(e)})")
            if e.get("conflict"):
                lines.append(f"  *Decided:* {e['conflict']['reason']}")
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
    if graph is not None and (report["recommendations"] or report["warnings"] or report["not_advised"]):
        _diagrams(lines, report, graph)
    return "\n".join(lines).rstrip() + "\n"
